namespace StarrOps.Core.Config;

/// <summary>
/// Lays a YAML section over the standard wiring of the same instance: entries match by name (root
/// folders by path, applications by app) and the YAML entry wins key by key, fields one by one;
/// entries only one side has are kept.
/// </summary>
internal static class ConfigMerger
{
    public static InstanceConfig Merge(InstanceConfig standard, InstanceConfig declared) => standard with
    {
        Tags = standard.Tags.Concat(declared.Tags).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        RootFolders = MergeBy(standard.RootFolders, declared.RootFolders, r => r.Path.TrimEnd('/'), (s, d) => d with
        {
            Name = d.Name ?? s.Name,
            QualityProfileId = d.QualityProfileId ?? s.QualityProfileId,
            MetadataProfileId = d.MetadataProfileId ?? s.MetadataProfileId,
        }),
        DownloadClients = MergeBy(standard.DownloadClients, declared.DownloadClients, SameProvider, MergeProvider),
        Notifications = MergeBy(standard.Notifications, declared.Notifications, p => p.Name, MergeProvider),
        Applications = MergeBy(standard.Applications, declared.Applications, a => a.Key, (s, d) => d with
        {
            Name = d.Name ?? s.Name,
            Implementation = d.Implementation ?? s.Implementation,
            SyncLevel = d.SyncLevel ?? s.SyncLevel,
            SyncCategories = d.SyncCategories ?? s.SyncCategories,
            Tags = d.Tags ?? s.Tags,
            ProwlarrUrl = d.ProwlarrUrl ?? s.ProwlarrUrl,
            AppUrl = d.AppUrl ?? s.AppUrl,
            Enable = d.Enable ?? s.Enable,
            Fields = Overlay(s.Fields, d.Fields),
            Properties = Overlay(s.Properties, d.Properties),
        }),
        Indexers = MergeBy(standard.Indexers, declared.Indexers, p => p.Name, MergeProvider),
        IndexerProxies = MergeBy(standard.IndexerProxies, declared.IndexerProxies, p => p.Name, MergeProvider),
        DeleteUnmanaged = declared.DeleteUnmanaged,
        Jellyseerr = declared.Jellyseerr is null ? standard.Jellyseerr : standard.Jellyseerr is null ? declared.Jellyseerr : declared.Jellyseerr with
        {
            Jellyfin = declared.Jellyseerr.Jellyfin ?? standard.Jellyseerr.Jellyfin,
            Sonarr = MergeBy(standard.Jellyseerr.Sonarr, declared.Jellyseerr.Sonarr, s => s.App, MergeServer),
            Radarr = MergeBy(standard.Jellyseerr.Radarr, declared.Jellyseerr.Radarr, s => s.App, MergeServer),
        },
        Bazarr = declared.Bazarr is null ? standard.Bazarr : standard.Bazarr is null ? declared.Bazarr : declared.Bazarr with
        {
            Sonarr = declared.Bazarr.Sonarr ?? standard.Bazarr.Sonarr,
            Radarr = declared.Bazarr.Radarr ?? standard.Bazarr.Radarr,
        },
    };

    private static ProviderSpec MergeProvider(ProviderSpec standard, ProviderSpec declared)
    {
        // Another implementation under the same name replaces the standard entry: its fields would not fit.
        if (!string.Equals(standard.Implementation, declared.Implementation, StringComparison.OrdinalIgnoreCase)) return declared;
        return declared with
        {
            Enable = declared.Enable ?? standard.Enable,
            Tags = declared.Tags ?? standard.Tags,
            AppProfile = declared.AppProfile ?? standard.AppProfile,
            Fields = Overlay(standard.Fields, declared.Fields),
            Properties = Overlay(standard.Properties, declared.Properties),
            MatchByTarget = standard.MatchByTarget,
        };
    }

    private static JellyseerrServerSpec MergeServer(JellyseerrServerSpec standard, JellyseerrServerSpec declared) => declared with
    {
        Name = declared.Name ?? standard.Name,
        QualityProfile = declared.QualityProfile ?? standard.QualityProfile,
        RootFolder = declared.RootFolder ?? standard.RootFolder,
        Is4k = declared.Is4k ?? standard.Is4k,
        IsDefault = declared.IsDefault ?? standard.IsDefault,
    };

    private static IReadOnlyList<T> MergeBy<T>(IReadOnlyList<T> standard, IReadOnlyList<T> declared, Func<T, string> key, Func<T, T, T> merge) =>
        MergeBy(standard, declared, (s, d) => string.Equals(key(s), key(d), StringComparison.OrdinalIgnoreCase), merge);

    private static IReadOnlyList<T> MergeBy<T>(IReadOnlyList<T> standard, IReadOnlyList<T> declared, Func<T, T, bool> same, Func<T, T, T> merge)
    {
        var result = new List<T>();
        foreach (var item in standard)
        {
            var over = declared.FirstOrDefault(d => same(item, d));
            result.Add(over is null ? item : merge(item, over));
        }
        result.AddRange(declared.Where(d => !standard.Any(s => same(s, d))));
        return result;
    }

    /// <summary>Same name; or a declared client of the same implementation at the standard one's host and port, which takes its place.</summary>
    private static bool SameProvider(ProviderSpec standard, ProviderSpec declared) =>
        string.Equals(standard.Name, declared.Name, StringComparison.OrdinalIgnoreCase)
        || (standard.MatchByTarget
            && string.Equals(standard.Implementation, declared.Implementation, StringComparison.OrdinalIgnoreCase)
            && declared.Fields.TryGetValue("host", out var host) && string.Equals(Convert.ToString(host, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(standard.Fields.GetValueOrDefault("host"), System.Globalization.CultureInfo.InvariantCulture), StringComparison.OrdinalIgnoreCase)
            && (!declared.Fields.TryGetValue("port", out var port) || Convert.ToString(port, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToString(standard.Fields.GetValueOrDefault("port"), System.Globalization.CultureInfo.InvariantCulture)));

    private static IReadOnlyDictionary<string, object?> Overlay(IReadOnlyDictionary<string, object?> under, IReadOnlyDictionary<string, object?> over)
    {
        var result = new Dictionary<string, object?>(under, StringComparer.Ordinal);
        foreach (var (key, value) in over) result[key] = value;
        return result;
    }
}
