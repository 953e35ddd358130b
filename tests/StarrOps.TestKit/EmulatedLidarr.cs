using System.Text.Json.Nodes;
namespace StarrOps.TestKit;

/// <summary>
/// Lidarr 2.14.5 at /api/v1 (fixtures recorded from a real server; see Fixtures/lidarr). Root folders also
/// need name, defaultQualityProfileId and defaultMetadataProfileId (recorded: lidarr rootfolder/POST_400_*.json).
/// </summary>
public sealed class EmulatedLidarr : EmulatedArr
{
    public EmulatedLidarr(EmulatedArrOptions? options = null) : base(options, "lidarr")
    {
    }

    public override string AppName => "Lidarr";

    public override int ApiVersion => 1;

    private protected override string FixtureFolder => "lidarr";

    private protected override string ApiNamespace => "Lidarr.Api.V1";

    private protected override IEnumerable<(string Resource, string Fixture)> StaticLists => [("metadataprofile", "lidarr/metadataprofile.json")];

    private protected override IEnumerable<ProviderKind> CreateProviderKinds() =>
    [
        ProviderKind.DownloadClient(AppName, "V1", "lidarr/downloadclient/schema.json"),
        ProviderKind.Indexer(AppName, "V1", "lidarr/indexer/schema.json"),
        ProviderKind.Notification(AppName, "V1", "lidarr/notification/schema.json"),
        ProviderKind.ImportList(AppName, "V1", "lidarr/importlist/schema.json"),
    ];

    private protected override IEnumerable<ValidationFailure> ValidateRootFolder(JsonObject body) =>
        base.ValidateRootFolder(body).Concat(ProfiledRootFolders.ExtraRules(body));

    private protected override JsonObject BuildRootFolder(JsonObject body, int id) =>
        ProfiledRootFolders.Build(body, base.BuildRootFolder(body, id).GetString("path")!, id, RootFolderFreeSpace, RootFolderTotalSpace, calibre: false);
}
