namespace StarrOps.Core.Reconcile;

/// <summary>How a reconcile runs. The defaults suit a CronJob.</summary>
public sealed record ReconcileOptions
{
    public static readonly ReconcileOptions Default = new();

    /// <summary>How many instances are read and written at once.</summary>
    public int MaxParallelism { get; init; } = 4;

    /// <summary>When set, each instance's readiness probe (/ping or equivalent) is polled until it answers or this much time has passed; an instance still down is reported NotReady.</summary>
    public TimeSpan? WaitForReady { get; init; }

    /// <summary>Pause between readiness probes.</summary>
    public TimeSpan ReadyPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Send secrets even where the app masks the stored value. Without it a masked value counts as unchanged unless the
    /// app's own test (testall) rejects it, see <see cref="StaleSecrets"/>.
    /// </summary>
    public bool RotateSecrets { get; init; }

    /// <summary>Save providers even when the app's test reports warnings (not failures).</summary>
    public bool ForceSave { get; init; }

    /// <summary>How long to wait for Prowlarr's ApplicationIndexerSync to finish; null starts it without waiting.</summary>
    public TimeSpan? IndexerSyncTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Only these instances (names, wildcards allowed); null or empty: all.</summary>
    public IReadOnlyList<string>? Instances { get; init; }
}
