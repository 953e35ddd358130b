using StarrOps.Core.Instances;

namespace StarrOps.Core.Health;

/// <summary>Overall state of one instance. Ordered from best to worst so that the worst item decides.</summary>
public enum HealthStatus
{
    Healthy,
    Degraded,
    Down,
}

/// <summary>One finding about an instance: a probe (Ping, Api, Key, ResponseTime) or one of the app's own /health items.</summary>
public sealed record HealthCheckItem
{
    public string Instance { get; init; } = "";
    /// <summary>Ping, Api, AppHealth or ResponseTime.</summary>
    public string Check { get; init; } = "";
    public HealthStatus Status { get; init; }
    /// <summary>For app health items: the app's check (IndexerStatusCheck, DownloadClientCheck, ...).</summary>
    public string? Source { get; init; }
    /// <summary>For app health items: the app's own level (notice, warning, error).</summary>
    public string? AppType { get; init; }
    public string Message { get; init; } = "";
    public string? WikiUrl { get; init; }
}

/// <summary>The health of one instance: the worst of its items decides <see cref="Status"/>.</summary>
public sealed record InstanceHealth
{
    public string Instance { get; init; } = "";
    public ServiceKind Kind { get; init; }
    public Uri? Url { get; init; }
    public HealthStatus Status { get; init; }
    public bool Reachable { get; init; }
    /// <summary>Null when the key could not be checked (unreachable, or nothing to check).</summary>
    public bool? KeyValid { get; init; }
    public string? Version { get; init; }
    public long ResponseTimeMs { get; init; }
    /// <summary>Items that are not Healthy (app warnings and errors, probe failures).</summary>
    public int IssueCount => Items.Count(i => i.Status != HealthStatus.Healthy);
    public IReadOnlyList<HealthCheckItem> Items { get; init; } = [];
    public DateTimeOffset CheckedAt { get; init; }
}

/// <summary>How hard to probe.</summary>
public sealed record HealthProbeOptions
{
    /// <summary>Per-probe timeout (NFR002: 2 s by default), applied to every request the probe makes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A reachable instance that answers slower than this is Degraded.</summary>
    public TimeSpan SlowResponse { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many instances are probed at once.</summary>
    public int Parallelism { get; init; } = 8;
}
