using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Prowlarr;

/// <summary>Prowlarr v1 API: indexers live here and are pushed to the apps through "applications".</summary>
public sealed class ProwlarrClient(StarrInstance instance, IStarrHost? host = null) : ArrClient(instance, host)
{
    public const string IndexerSyncCommand = "ApplicationIndexerSync";

    public override string ApiRoot => "api/v1";
    public override bool HasRootFolders => false;
    public override IReadOnlyList<ProviderKind> ProviderKinds { get; } =
        [ProviderKind.Indexer, ProviderKind.DownloadClient, ProviderKind.Notification, ProviderKind.Application, ProviderKind.IndexerProxy];

    /// <summary>App profiles (which searches an indexer serves to the apps); every indexer names one.</summary>
    public async Task<IReadOnlyList<AppProfile>> GetAppProfilesAsync(CancellationToken cancellationToken) =>
        await Http.GetListAsync(Api("appprofile"), AppProfile.Read, cancellationToken).ConfigureAwait(false);

    /// <summary>Pushes Prowlarr's indexers into every linked app and waits for the command to finish.</summary>
    public async Task<CommandStatus> SyncIndexersAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var status = await RunCommandAsync(IndexerSyncCommand, new JsonObject { ["forceSync"] = true }, timeout, cancellationToken).ConfigureAwait(false);
        if (!status.Succeeded)
            throw new StarrOperationException($"{Instance.Name}: {IndexerSyncCommand} ended '{status.Status}'{(string.IsNullOrEmpty(status.Message) ? "" : $": {status.Message}")}. Check Prowlarr's System > Events and each application's connection.");
        return status;
    }
}

/// <summary>A Prowlarr app profile: GET /api/v1/appprofile.</summary>
public sealed record AppProfile(int Id, string Name)
{
    public bool EnableRss { get; init; }
    public bool EnableAutomaticSearch { get; init; }
    public bool EnableInteractiveSearch { get; init; }

    internal static AppProfile Read(JsonFields f) => new(f.Int("id"), f.String("name"))
    {
        EnableRss = f.Bool("enableRss"),
        EnableAutomaticSearch = f.Bool("enableAutomaticSearch"),
        EnableInteractiveSearch = f.Bool("enableInteractiveSearch"),
    };

    /// <summary>The profile of that name (case-insensitive), or with no name the first one, which an indexer gets by default.</summary>
    public static AppProfile Choose(IReadOnlyList<AppProfile> profiles, string? name, string instance) =>
        (name is null ? profiles.FirstOrDefault() : profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        ?? throw new StarrFieldException(name is null
                ? $"{instance} has no app profile; create one in Prowlarr (Settings > Apps) before adding indexers."
                : $"{instance} has no app profile '{name}'. App profiles: {string.Join(", ", profiles.Select(p => p.Name))}.",
            name ?? "", "appProfile", profiles.Select(p => p.Name).ToList());
}
