using StarrOps.Core.Arr;

namespace StarrOps.Core.Reconcile;

/// <summary>The kinds of thing a reconcile manages.</summary>
public enum StarrResourceType
{
    Tag,
    RootFolder,
    DownloadClient,
    Notification,
    ProwlarrApplication,
    /// <summary>A Prowlarr indexer (what Prowlarr pushes into the apps).</summary>
    Indexer,
    IndexerProxy,
    /// <summary>Prowlarr's ApplicationIndexerSync command, run once after its applications changed.</summary>
    IndexerSync,
    /// <summary>Jellyseerr's first-time setup with a Jellyfin admin login.</summary>
    JellyseerrSetup,
    JellyseerrJellyfin,
    JellyseerrSonarr,
    JellyseerrRadarr,
    BazarrSonarr,
    BazarrRadarr,
}

public static class StarrResourceTypes
{
    /// <summary>What the user reads: "download client", "Prowlarr application" …</summary>
    public static string Describe(this StarrResourceType type) => type switch
    {
        StarrResourceType.Tag => "tag",
        StarrResourceType.RootFolder => "root folder",
        StarrResourceType.DownloadClient => "download client",
        StarrResourceType.Notification => "notification",
        StarrResourceType.ProwlarrApplication => "application",
        StarrResourceType.Indexer => "indexer",
        StarrResourceType.IndexerProxy => "indexer proxy",
        StarrResourceType.IndexerSync => "indexer sync",
        StarrResourceType.JellyseerrSetup => "setup",
        StarrResourceType.JellyseerrJellyfin => "Jellyfin server",
        StarrResourceType.JellyseerrSonarr => "Sonarr server",
        StarrResourceType.JellyseerrRadarr => "Radarr server",
        StarrResourceType.BazarrSonarr => "Sonarr connection",
        StarrResourceType.BazarrRadarr => "Radarr connection",
        _ => type.ToString(),
    };

    internal static StarrResourceType FromProviderKind(ProviderKind kind) => kind switch
    {
        ProviderKind.DownloadClient => StarrResourceType.DownloadClient,
        ProviderKind.Notification => StarrResourceType.Notification,
        ProviderKind.Application => StarrResourceType.ProwlarrApplication,
        ProviderKind.Indexer => StarrResourceType.Indexer,
        ProviderKind.IndexerProxy => StarrResourceType.IndexerProxy,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not managed by reconcile"),
    };
}

/// <summary>
/// One planned change to one resource of one instance: Create / Update / Delete / NoChange, with the
/// field-level differences (secrets as "(secret)"). Get-StarrDrift writes these; Invoke-StarrReconcile
/// asks ShouldProcess for each that is not NoChange, then applies them.
/// </summary>
public sealed record ReconcileChange(string Instance, StarrResourceType ResourceType, string Name, ChangeAction Action, IReadOnlyList<FieldChange> Changes)
{
    /// <summary>Where the desired resource was declared ("stack.yaml:12:5 sonarr.downloadClients[0]", "standard wiring (…)"), or null for deletions of unmanaged resources.</summary>
    public string? Origin { get; init; }

    /// <summary>The ShouldProcess target: "sonarr: download client 'qBittorrent'".</summary>
    public string Target => $"{Instance}: {ResourceType.Describe()} '{Name}'";

    /// <summary>The ShouldProcess action: "Create (host: 'qbittorrent', port: 8080)", "Update (port: 8080 -> 9090)", "Delete".</summary>
    public string Operation => Action switch
    {
        ChangeAction.Create when ResourceType == StarrResourceType.IndexerSync => "Run ApplicationIndexerSync",
        ChangeAction.Create => Changes.Count == 0 ? "Create" : $"Create ({string.Join("; ", Changes.Select(ShowNew))})",
        ChangeAction.Update => $"Update ({string.Join("; ", Changes)})",
        ChangeAction.Delete => "Delete",
        _ => "No change",
    };

    /// <summary>One line: "sonarr: update download client 'qBittorrent': port: 8080 -> 9090".</summary>
    public string Description => Action switch
    {
        ChangeAction.NoChange => $"{Target} is already configured",
        ChangeAction.Create when ResourceType == StarrResourceType.IndexerSync => $"{Instance}: sync indexers to the applications",
        ChangeAction.Create => $"{Instance}: create {ResourceType.Describe()} '{Name}'{(Changes.Count == 0 ? "" : ": " + string.Join("; ", Changes.Select(ShowNew)))}",
        ChangeAction.Update => $"{Instance}: update {ResourceType.Describe()} '{Name}': {string.Join("; ", Changes)}",
        _ => $"{Instance}: delete {ResourceType.Describe()} '{Name}'",
    };

    public override string ToString() => Description;

    // ---- how to carry it out (not part of the data Get-StarrDrift shows) ----

    /// <summary>Apply order: tags, root folders, download clients and notifications, deletions, then Prowlarr applications, the indexer sync, Jellyseerr and Bazarr.</summary>
    internal int Stage { get; init; }
    /// <summary>Another instance this change needs (a Prowlarr application needs its app): skipped when that instance is unavailable.</summary>
    internal string? DependsOn { get; init; }
    internal Func<ApplyContext, CancellationToken, Task>? Execute { get; init; }

    private static string ShowNew(FieldChange change) =>
        change.IsSecret ? $"{change.Field}: (secret)" : $"{change.Field}: {FieldChange.Show(change.NewValue)}";
}

/// <summary>A planning failure: an instance that could not be read, or one resource whose desired state is unusable.</summary>
public sealed record ReconcileProblem(string Instance, string Message)
{
    public StarrResourceType? ResourceType { get; init; }
    public string? Name { get; init; }
    public string? Origin { get; init; }
    /// <summary>The stable error id of the underlying StarrException (StarrUnreachable, StarrUnknownField …).</summary>
    public string? ErrorId { get; init; }
    public StarrErrorCategory Category { get; init; } = StarrErrorCategory.NotSpecified;
    /// <summary>True when the whole instance could not be planned (unreachable, key rejected, not ready).</summary>
    public bool InstanceUnavailable { get; init; }
    public bool NotReady { get; init; }
    public IReadOnlyList<StarrValidationFailure> Failures { get; init; } = [];

    public override string ToString() => Message;
}
