using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using StarrOps.Core.Backup;
using StarrOps.Core.Certificates;
using StarrOps.Core.Health;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Vpn;

namespace StarrOps.Core.Scorecard;

public enum ScorecardResult
{
    Pass,
    Warn,
    Fail,
}

/// <summary>One row of the stack scorecard: what was checked, on what, the result, the evidence, and how to fix it.</summary>
public sealed record ScorecardRow(string Check, string Target, ScorecardResult Result, string Evidence, string? Fix = null)
{
    /// <summary>Reachable, ApiKey, AppHealth, Readiness, Certificate, VpnRoute or Backup.</summary>
    public string Area { get; init; } = "";
}

/// <summary>What the scorecard checks. Checks that are not configured (no certificates, no VPN, no backup store) are not run.</summary>
public sealed record ScorecardOptions
{
    public IReadOnlyList<StarrInstance> Instances { get; init; } = [];
    public HealthProbeOptions Health { get; init; } = new();
    public IReadOnlyList<CertificateTarget> Certificates { get; init; } = [];
    public CertificateCheckOptions CertificateOptions { get; init; } = new();
    /// <summary>Runs the VPN route check (see <see cref="VpnRouteChecker"/>); null when no Gluetun is configured.</summary>
    public Func<CancellationToken, Task<IReadOnlyList<VpnCheckResult>>>? VpnCheck { get; init; }
    /// <summary>The folder Backup-StarrConfig writes to; null = backups are not checked.</summary>
    public string? BackupStorePath { get; init; }
    public TimeSpan MaxBackupAge { get; init; } = TimeSpan.FromHours(26);
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// The production-readiness scorecard: runs every check StarrOps has and turns each finding into a row. A check that
/// throws becomes a Fail row of its own; the other checks still run.
/// </summary>
public static class StackScorecard
{
    public static async Task<IReadOnlyList<ScorecardRow>> RunAsync(ScorecardOptions options, IStarrHost host, CancellationToken cancellationToken)
    {
        var health = Guard("Reachable", "instances", async () =>
        {
            var probed = await HealthProbe.CheckAllAsync(options.Instances, host, options.Health, cancellationToken).ConfigureAwait(false);
            var readiness = await Task.WhenAll(probed.Select(h => ReadinessAsync(h, options.Instances, host, cancellationToken))).ConfigureAwait(false);
            return probed.SelectMany((h, i) => FromHealth(h).Concat(readiness[i])).ToList();
        });
        var certificates = options.Certificates.Count == 0 ? Task.FromResult<IReadOnlyList<ScorecardRow>>([]) : Guard("Certificate", "certificates", async () =>
            (await CertificateProbe.CheckAllAsync(options.Certificates, host, options.CertificateOptions, cancellationToken).ConfigureAwait(false)).Select(FromCertificate).ToList());
        var vpn = options.VpnCheck is null ? Task.FromResult<IReadOnlyList<ScorecardRow>>([]) : Guard("VpnRoute", "gluetun", async () =>
            FromVpn(await options.VpnCheck(cancellationToken).ConfigureAwait(false)).ToList());
        var backups = options.BackupStorePath is null ? Task.FromResult<IReadOnlyList<ScorecardRow>>([]) : Guard("Backup", options.BackupStorePath, () =>
            Task.FromResult<IReadOnlyList<ScorecardRow>>(FromBackups(new BackupStore(options.BackupStorePath).List(), options.Instances, options.Clock.GetUtcNow(), options.MaxBackupAge).ToList()));
        var all = await Task.WhenAll(health, certificates, vpn, backups).ConfigureAwait(false);
        return all.SelectMany(rows => rows).ToList();

        async Task<IReadOnlyList<ScorecardRow>> Guard(string area, string target, Func<Task<IReadOnlyList<ScorecardRow>>> check)
        {
            try
            {
                return await check().ConfigureAwait(false);
            }
            catch (StarrException ex)
            {
                return [new ScorecardRow($"{area} check", target, ScorecardResult.Fail, SecretRegistry.Redact(ex.Message), ex.RecommendedAction ?? "See the evidence; run the check on its own for details.") { Area = area }];
            }
        }
    }

    public static IEnumerable<ScorecardRow> FromHealth(InstanceHealth health)
    {
        var target = health.Instance;
        var ping = health.Items.FirstOrDefault(i => i.Check == "Ping");
        if (!health.Reachable)
        {
            yield return new ScorecardRow("Instance reachable", target, ScorecardResult.Fail, ping?.Message ?? "No answer.",
                $"Check that the {health.Kind} pod runs and that {health.Url} is the right URL (see docs/runbooks/service-down.md).") { Area = "Reachable" };
            yield break;
        }
        var slow = health.Items.FirstOrDefault(i => i.Check == "ResponseTime");
        yield return slow is null
            ? new ScorecardRow("Instance reachable", target, ScorecardResult.Pass, $"Answered in {health.ResponseTimeMs} ms{(health.Version is null ? "" : $", version {health.Version}")}.") { Area = "Reachable" }
            : new ScorecardRow("Instance reachable", target, ScorecardResult.Warn, slow.Message, "Check the pod's CPU limits and the node's load.") { Area = "Reachable" };

        var api = health.Items.FirstOrDefault(i => i.Check == "Api");
        yield return health.KeyValid switch
        {
            false => new ScorecardRow("API key valid", target, ScorecardResult.Fail, api?.Message ?? "The key was rejected.",
                "Put the app's current API key in the starr-secrets Secret (see docs/runbooks/rotate-api-key.md).") { Area = "ApiKey" },
            null when api?.Status != HealthStatus.Healthy => new ScorecardRow("API key valid", target, ScorecardResult.Fail, api?.Message ?? "The API did not answer.",
                "See the evidence: the API answered with an error.") { Area = "ApiKey" },
            null => new ScorecardRow("API key valid", target, ScorecardResult.Warn, "No key to check.", $"Set {health.Kind.EnvironmentPrefix()}_API_KEY so StarrOps can manage it.") { Area = "ApiKey" },
            true => new ScorecardRow("API key valid", target, ScorecardResult.Pass, "The API accepted the key.") { Area = "ApiKey" },
        };

        if (!health.Kind.IsArr() || health.KeyValid != true) yield break;
        var app = health.Items.Where(i => i.Check == "AppHealth").ToList();
        var errors = app.Where(i => string.Equals(i.AppType, "error", StringComparison.OrdinalIgnoreCase) || (i.AppType is null && i.Status != HealthStatus.Healthy)).ToList();
        var warnings = app.Where(i => string.Equals(i.AppType, "warning", StringComparison.OrdinalIgnoreCase)).ToList();
        var worst = errors.Count > 0 ? ScorecardResult.Fail : warnings.Count > 0 ? ScorecardResult.Warn : ScorecardResult.Pass;
        var shown = errors.Concat(warnings).ToList();
        yield return new ScorecardRow("App health", target, worst,
            shown.Count == 0 ? "The app reports no warnings or errors." : string.Join("; ", shown.Select(i => i.Source is null ? i.Message : $"{i.Source}: {i.Message}")),
            shown.Count == 0 ? null : shown.FirstOrDefault(i => i.WikiUrl is not null)?.WikiUrl is { } wiki ? $"Follow the app's advice: {wiki}" : "Open the app's System → Status page and fix what it lists.")
        { Area = "AppHealth" };
    }

    /// <summary>The apps a request goes to (Pulsarr, Jellyseerr): they need somewhere to put it, a profile and indexers to search.</summary>
    private static bool ServesRequests(ServiceKind kind) => kind is ServiceKind.Sonarr or ServiceKind.Radarr or ServiceKind.Lidarr;

    private static async Task<IReadOnlyList<ScorecardRow>> ReadinessAsync(InstanceHealth health, IReadOnlyList<StarrInstance> instances, IStarrHost host,
        CancellationToken cancellationToken)
    {
        if (!ServesRequests(health.Kind) || health.KeyValid != true) return [];
        var instance = instances.First(i => string.Equals(i.Name, health.Instance, StringComparison.OrdinalIgnoreCase));
        try
        {
            using var client = Arr.ArrClientFactory.Create(instance, host);
            var folders = client.GetRootFoldersAsync(cancellationToken);
            var profiles = client.GetQualityProfilesAsync(cancellationToken);
            return [FromReadiness(health, (await folders.ConfigureAwait(false)).Count, (await profiles.ConfigureAwait(false)).Count)];
        }
        catch (StarrException ex)
        {
            return [new ScorecardRow("Ready for requests", health.Instance, ScorecardResult.Fail, SecretRegistry.Redact(ex.Message), "See the evidence: the app did not answer.") { Area = "Readiness" }];
        }
    }

    /// <summary>
    /// Whether a Sonarr/Radarr/Lidarr can take requests: a root folder, a quality profile, and an enabled indexer with RSS and
    /// search, which the app's own health items say (IndexerRssCheck, IndexerSearchCheck warn when none is).
    /// </summary>
    public static ScorecardRow FromReadiness(InstanceHealth health, int rootFolders, int qualityProfiles)
    {
        var missing = new List<string>();
        if (rootFolders == 0) missing.Add("no root folder");
        if (qualityProfiles == 0) missing.Add("no quality profile");
        foreach (var check in (string[])["IndexerRssCheck", "IndexerSearchCheck"])
            if (health.Items.FirstOrDefault(i => i.Check == "AppHealth" && i.Source == check) is { } item) missing.Add($"{check}: {item.Message}");
        var evidence = missing.Count == 0
            ? $"{rootFolders} root {(rootFolders == 1 ? "folder" : "folders")}, {qualityProfiles} quality {(qualityProfiles == 1 ? "profile" : "profiles")}; the app reports indexers with RSS and search."
            : string.Join("; ", missing) + ".";
        return new ScorecardRow("Ready for requests", health.Instance, missing.Count == 0 ? ScorecardResult.Pass : ScorecardResult.Fail, evidence,
            missing.Count == 0 ? null
                : "Declare rootFolders for the app and indexers in Prowlarr (prowlarr.indexers in the reconcile YAML, synced to the app), and keep a quality profile; then run Invoke-StarrReconcile.")
        { Area = "Readiness" };
    }

    public static ScorecardRow FromCertificate(CertificateCheck check) => new(
        "Certificate", check.Port == 443 ? check.Host : $"{check.Host}:{check.Port}",
        check.Status switch { CertificateStatus.Pass => ScorecardResult.Pass, CertificateStatus.Warn => ScorecardResult.Warn, _ => ScorecardResult.Fail },
        check.Problems.Count == 0
            ? $"Issued by {check.Issuer}, {check.DaysUntilExpiry:0} days left{(check.RedirectsToHttps == true ? ", HTTP redirects to HTTPS" : "")}."
            : string.Join(" ", check.Problems),
        check.Status == CertificateStatus.Pass ? null : "See docs/runbooks/certificate-expiry.md.")
    { Area = "Certificate" };

    public static IEnumerable<ScorecardRow> FromVpn(IEnumerable<VpnCheckResult> results) => results.Select(r => new ScorecardRow(
        $"VPN: {r.Check}", r.Target,
        r.Status switch { VpnCheckStatus.Pass => ScorecardResult.Pass, VpnCheckStatus.Skipped => ScorecardResult.Warn, _ => ScorecardResult.Fail },
        r.Evidence, r.Remediation ?? (r.Status == VpnCheckStatus.Fail ? "See docs/runbooks/vpn-leak.md." : null))
    { Area = "VpnRoute" });

    /// <summary>One row per *arr instance: its newest backup in the store must be younger than <paramref name="maxAge"/>.</summary>
    public static IEnumerable<ScorecardRow> FromBackups(IReadOnlyList<StarrBackup> backups, IEnumerable<StarrInstance> instances, DateTimeOffset now, TimeSpan maxAge)
    {
        foreach (var instance in instances.Where(i => i.Kind.IsArr()))
        {
            var newest = backups.Where(b => string.Equals(b.Instance, instance.Name, StringComparison.OrdinalIgnoreCase)).MaxBy(b => b.Created);
            if (newest is null)
            {
                yield return new ScorecardRow("Newest backup", instance.Name, ScorecardResult.Fail, "No backup of this instance in the store.",
                    "Schedule Backup-StarrConfig (the backup CronJob) for this instance.") { Area = "Backup" };
                continue;
            }
            var age = now - newest.Created;
            var evidence = $"Newest backup {newest.Created:yyyy-MM-dd HH:mm} UTC ({age.TotalHours:0.#} h old, {newest.Size} bytes).";
            if (newest.Verification is { } verification && !verification.Passed)
                yield return new ScorecardRow("Newest backup", instance.Name, ScorecardResult.Fail, evidence + " Its verification failed.", "See docs/runbooks/restore.md.") { Area = "Backup" };
            else if (age > maxAge)
                yield return new ScorecardRow("Newest backup", instance.Name, ScorecardResult.Fail, evidence, $"Backups must be younger than {maxAge.TotalHours:0} h: check the backup CronJob.") { Area = "Backup" };
            else
                yield return new ScorecardRow("Newest backup", instance.Name, ScorecardResult.Pass, evidence) { Area = "Backup" };
        }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string ToJson(IReadOnlyList<ScorecardRow> rows) => JsonSerializer.Serialize(new
    {
        result = Overall(rows).ToString(),
        pass = rows.Count(r => r.Result == ScorecardResult.Pass),
        warn = rows.Count(r => r.Result == ScorecardResult.Warn),
        fail = rows.Count(r => r.Result == ScorecardResult.Fail),
        checks = rows,
    }, Json);

    public static string ToMarkdown(IReadOnlyList<ScorecardRow> rows)
    {
        var text = new StringBuilder();
        text.Append("# StarrOps stack scorecard\n\n");
        text.Append($"**{Overall(rows)}**: {rows.Count(r => r.Result == ScorecardResult.Pass)} pass, {rows.Count(r => r.Result == ScorecardResult.Warn)} warn, {rows.Count(r => r.Result == ScorecardResult.Fail)} fail\n\n");
        text.Append("| Result | Check | Target | Evidence | Fix |\n|---|---|---|---|---|\n");
        foreach (var row in rows)
            text.Append($"| {Icon(row.Result)} {row.Result} | {Cell(row.Check)} | {Cell(row.Target)} | {Cell(row.Evidence)} | {Cell(row.Fix ?? "")} |\n");
        return text.ToString();
    }

    public static ScorecardResult Overall(IReadOnlyList<ScorecardRow> rows) => rows.Count == 0 ? ScorecardResult.Pass : rows.Max(r => r.Result);

    private static string Icon(ScorecardResult result) => result switch { ScorecardResult.Pass => "✅", ScorecardResult.Warn => "⚠️", _ => "❌" };

    private static string Cell(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
