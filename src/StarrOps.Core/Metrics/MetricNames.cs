namespace StarrOps.Core.Metrics;

public enum MetricType
{
    Gauge,
    Counter,
}

/// <summary>A metric family StarrOps exposes: name, type, help text and the label names its samples carry.</summary>
public sealed record MetricDefinition(string Name, MetricType Type, string Help, IReadOnlyList<string> Labels);

/// <summary>
/// Every metric name StarrOps emits, in one place: the writer takes HELP/TYPE from here, and the alert rules
/// and the Grafana dashboard in deploy/monitoring are tested against this list. Base units (seconds, bytes),
/// counters end in _total.
/// </summary>
public static class MetricNames
{
    // Reconcile (Invoke-StarrReconcile)
    public const string ReconcileLastSuccessTimestamp = "starrops_reconcile_last_success_timestamp_seconds";
    public const string ReconcileDuration = "starrops_reconcile_duration_seconds";
    public const string ReconcileChangesApplied = "starrops_reconcile_changes_applied_total";
    public const string ReconcileDriftFound = "starrops_reconcile_drift_found";
    public const string ReconcileChangesSkipped = "starrops_reconcile_changes_skipped";
    public const string ReconcileFailures = "starrops_reconcile_failures_total";

    // Instance health (Test-StarrHealth)
    public const string InstanceUp = "starrops_instance_up";
    public const string InstanceHealthIssues = "starrops_instance_health_issues";
    public const string ProbeDuration = "starrops_probe_duration_seconds";
    public const string HealthLastCheckTimestamp = "starrops_health_last_check_timestamp_seconds";

    // Certificates (Test-StarrCertificate). Expiry in seconds only: promtool rejects a _days unit; dashboards divide by 86400.
    public const string CertificateExpirySeconds = "starrops_certificate_expiry_seconds";
    public const string CertificateValid = "starrops_certificate_valid";
    public const string HttpsRedirect = "starrops_https_redirect";

    // Backups (backup cmdlets)
    public const string BackupLastSuccessTimestamp = "starrops_backup_last_success_timestamp_seconds";
    public const string BackupSize = "starrops_backup_size_bytes";
    public const string BackupVerificationStatus = "starrops_backup_verification_status";

    // VPN (VPN route check)
    public const string VpnCheckStatus = "starrops_vpn_check_status";

    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        new(ReconcileLastSuccessTimestamp, MetricType.Gauge, "Unix time of the last reconcile run that converged.", []),
        new(ReconcileDuration, MetricType.Gauge, "Duration of the last reconcile run in seconds.", []),
        new(ReconcileChangesApplied, MetricType.Counter, "Changes applied by reconcile runs.", ["instance"]),
        new(ReconcileDriftFound, MetricType.Gauge, "Differences between desired and actual state found by the last reconcile run.", ["instance"]),
        new(ReconcileChangesSkipped, MetricType.Gauge, "Changes the last reconcile run skipped because something they need failed (their app was down).", ["instance"]),
        new(ReconcileFailures, MetricType.Counter, "Reconcile runs that failed.", []),

        new(InstanceUp, MetricType.Gauge, "1 when the instance answered its probe, 0 when it did not.", ["instance", "kind"]),
        new(InstanceHealthIssues, MetricType.Gauge, "Health issues of the instance (app warnings and errors, probe failures).", ["instance", "kind"]),
        new(ProbeDuration, MetricType.Gauge, "Duration of the instance probe in seconds.", ["instance", "kind"]),
        new(HealthLastCheckTimestamp, MetricType.Gauge, "Unix time of the last health check of the instance.", ["instance", "kind"]),

        new(CertificateExpirySeconds, MetricType.Gauge, "Seconds until the certificate served for the host expires (negative when expired).", ["host"]),
        new(CertificateValid, MetricType.Gauge, "1 when the TLS handshake succeeded with a trusted certificate covering the host, else 0.", ["host"]),
        new(HttpsRedirect, MetricType.Gauge, "1 when plain HTTP redirects to HTTPS for the host, else 0.", ["host"]),

        new(BackupLastSuccessTimestamp, MetricType.Gauge, "Unix time of the newest successful backup of the instance.", ["instance"]),
        new(BackupSize, MetricType.Gauge, "Size of the newest backup of the instance in bytes.", ["instance"]),
        new(BackupVerificationStatus, MetricType.Gauge, "1 when the newest backup of the instance was verified by a test restore, 0 when verification failed.", ["instance"]),

        new(VpnCheckStatus, MetricType.Gauge, "1 when the VPN route check passed, 0 when it failed.", ["check"]),
    ];

    public static MetricDefinition? Find(string name) => All.FirstOrDefault(d => d.Name == name);
}
