using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of implementation names (QBittorrent, Sabnzbd, Webhook …). With -Instance already on
/// the command line it asks that instance's /schema (cached for the session, short timeout); otherwise
/// it offers the implementations most stacks use.
/// </summary>
public abstract class ImplementationCompleter(ProviderKind kind, params string[] common) : IArgumentCompleter
{
    // Stored as its number: pwsh lays out StarrOps.dll's public types before the module initializer can point it at
    // StarrOps.Core, so no public type here may hold a core value type in a field (see DependencyLoadContext).
    private readonly int _resourceKind = (int)kind;

    private ProviderKind ResourceKind => (ProviderKind)_resourceKind;

    private static readonly ConcurrentDictionary<(string, ProviderKind), IReadOnlyList<string>> Cache = new();

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = LiveNames(fakeBoundParameters) ?? common;
        var word = (wordToComplete ?? "").Trim('\'', '"');
        // Names with spaces ("Generic Torznab") are completed quoted, so the completed line parses.
        return names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n.Contains(' ', StringComparison.Ordinal) ? $"'{n.Replace("'", "''", StringComparison.Ordinal)}'" : n, n, CompletionResultType.ParameterValue, n));
    }

    /// <summary>What the live /schema offers to complete: its implementations.</summary>
    protected virtual IReadOnlyList<string> Names(IReadOnlyList<ProviderResource> schema) => schema.Select(t => t.Implementation).Distinct().ToList();

    private IReadOnlyList<string>? LiveNames(IDictionary bound)
    {
        try
        {
            var given = bound["Instance"] ?? bound["Prowlarr"];
            if (given is null) return null;
            var instance = StarrInstanceTransformationAttribute.Convert(given) switch
            {
                StarrInstance one => one,
                object[] { Length: > 0 } many when many[0] is StarrInstance first => first,
                _ => null,
            };
            if (instance is null || !instance.Kind.IsArr()) return null;
            return Cache.GetOrAdd(($"{GetType().Name}:{instance.Name}", ResourceKind), _ =>
            {
                using var client = ArrClientFactory.Create(instance with { Timeout = TimeSpan.FromSeconds(3) });
                return Names(client.GetSchemaAsync(ResourceKind, CancellationToken.None).GetAwaiter().GetResult());
            });
        }
        catch (Exception ex) when (ex is StarrOps.Core.StarrException or InvalidOperationException)
        {
            return null; // completion must never throw at the user
        }
    }
}

public sealed class DownloadClientImplementationCompleter() : ImplementationCompleter(ProviderKind.DownloadClient,
    "QBittorrent", "Sabnzbd", "Transmission", "Deluge", "Nzbget", "RTorrent", "Aria2", "Flood", "UTorrent", "Vuze", "TorrentBlackhole", "UsenetBlackhole");

public sealed class NotificationImplementationCompleter() : ImplementationCompleter(ProviderKind.Notification,
    "Webhook", "Discord", "Slack", "Telegram", "Email", "Gotify", "Ntfy", "Pushover", "PlexServer", "MediaBrowser", "Apprise", "CustomScript");

/// <summary>Prowlarr indexer definitions: the template names and Cardigann definitionNames of the live schema.</summary>
public sealed class IndexerDefinitionCompleter() : ImplementationCompleter(ProviderKind.Indexer,
    "Generic Torznab", "Generic Newznab", "AnimeTosho", "NZBgeek", "Knaben", "TorrentsCSV", "1337x", "LimeTorrents", "The Pirate Bay", "YTS")
{
    protected override IReadOnlyList<string> Names(IReadOnlyList<ProviderResource> schema) => ProviderEditor.TemplateNames(schema);
}

public sealed class AnyImplementationCompleter() : ImplementationCompleter(ProviderKind.DownloadClient,
    "QBittorrent", "Sabnzbd", "Transmission", "Webhook", "Torznab", "Newznab", "Sonarr", "Radarr", "Lidarr", "Readarr");
