using System.Text.Json.Nodes;
namespace StarrOps.TestKit;

/// <summary>
/// Readarr at /api/v1. APPROXIMATE: no real Readarr was recorded, so its fixtures are Lidarr's renamed
/// (Readarr is a Lidarr fork and keeps e.g. the musicCategory field names); see Fixtures/README.md.
/// Root folders need name and both default profiles, like Lidarr.
/// </summary>
public sealed class EmulatedReadarr : EmulatedArr
{
    public EmulatedReadarr(EmulatedArrOptions? options = null) : base(options, "readarr")
    {
    }

    public override string AppName => "Readarr";

    public override int ApiVersion => 1;

    private protected override string FixtureFolder => "readarr";

    private protected override string ApiNamespace => "Readarr.Api.V1";

    private protected override IEnumerable<(string Resource, string Fixture)> StaticLists => [("metadataprofile", "readarr/metadataprofile.json")];

    private protected override IEnumerable<ProviderKind> CreateProviderKinds() =>
    [
        ProviderKind.DownloadClient(AppName, "V1", "readarr/downloadclient/schema.json"),
        ProviderKind.Indexer(AppName, "V1", "readarr/indexer/schema.json"),
        ProviderKind.Notification(AppName, "V1", "readarr/notification/schema.json"),
        ProviderKind.ImportList(AppName, "V1", "readarr/importlist/schema.json"),
    ];

    private protected override IEnumerable<ValidationFailure> ValidateRootFolder(JsonObject body) =>
        base.ValidateRootFolder(body).Concat(ProfiledRootFolders.ExtraRules(body));

    private protected override JsonObject BuildRootFolder(JsonObject body, int id) =>
        ProfiledRootFolders.Build(body, base.BuildRootFolder(body, id).GetString("path")!, id, RootFolderFreeSpace, RootFolderTotalSpace, calibre: true);
}
