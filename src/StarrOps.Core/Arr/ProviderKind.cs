namespace StarrOps.Core.Arr;

/// <summary>The provider collections of the Servarr API: same shape, different path.</summary>
public enum ProviderKind
{
    Indexer,
    DownloadClient,
    Notification,
    ImportList,
    /// <summary>Prowlarr's links to Sonarr/Radarr/Lidarr/Readarr.</summary>
    Application,
    /// <summary>Prowlarr's proxies for indexers (FlareSolverr, HTTP, SOCKS), chosen per indexer by tag.</summary>
    IndexerProxy,
}

public static class ProviderKinds
{
    public static string Path(this ProviderKind kind) => kind switch
    {
        ProviderKind.Indexer => "indexer",
        ProviderKind.DownloadClient => "downloadclient",
        ProviderKind.Notification => "notification",
        ProviderKind.ImportList => "importlist",
        ProviderKind.Application => "applications",
        ProviderKind.IndexerProxy => "indexerproxy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>What the user sees: "download client", "notification" …</summary>
    public static string Describe(this ProviderKind kind) => kind switch
    {
        ProviderKind.DownloadClient => "download client",
        ProviderKind.ImportList => "import list",
        ProviderKind.Application => "Prowlarr application",
        ProviderKind.IndexerProxy => "indexer proxy",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
