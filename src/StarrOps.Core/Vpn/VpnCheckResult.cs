namespace StarrOps.Core.Vpn;

public enum VpnCheckStatus
{
    Pass,
    Fail,
    Skipped,
}

/// <summary>
/// One check of <see cref="VpnRouteChecker"/>: what was checked (<see cref="Check"/>), on what (<see cref="Target"/>: an instance
/// or a pod), the outcome, the evidence (IPs, interface) and, when it failed, what to do about it. Never holds a secret.
/// </summary>
public sealed record VpnCheckResult(string Check, string Target, VpnCheckStatus Status, string Evidence, string? Remediation = null)
{
    public string Namespace { get; init; } = "";
    /// <summary>The egress IP seen from the target pod, when one was measured.</summary>
    public string? ObservedIp { get; init; }
    /// <summary>Gluetun's public (VPN) IP, when it was known.</summary>
    public string? VpnIp { get; init; }
    public bool Passed => Status != VpnCheckStatus.Fail;
}

/// <summary>The check names, stable for scripts (<c>Where-Object Check -eq 'DownloadEgressIsVpn'</c>).</summary>
public static class VpnChecks
{
    public const string GluetunRunning = "GluetunRunning";
    public const string DownloadEgressIsVpn = "DownloadEgressIsVpn";
    public const string DownloadEgressDiffersFromCluster = "DownloadEgressDiffersFromCluster";
    public const string QBittorrentBoundToTunnel = "QBittorrentBoundToTunnel";
    public const string MediaPodNotOnVpn = "MediaPodNotOnVpn";
}
