namespace StarrOps.TestKit;

/// <summary>Sonarr 4.0.19 at /api/v3 (fixtures recorded from a real server; see Fixtures/sonarr).</summary>
public sealed class EmulatedSonarr : EmulatedArr
{
    public EmulatedSonarr(EmulatedArrOptions? options = null) : base(options, "sonarr")
    {
    }

    public override string AppName => "Sonarr";

    public override int ApiVersion => 3;

    private protected override string FixtureFolder => "sonarr";

    private protected override string ApiNamespace => "Sonarr.Api.V3";

    private protected override IEnumerable<(string Resource, string Fixture)> StaticLists => [("languageprofile", "sonarr/languageprofile.json")];

    private protected override IEnumerable<ProviderKind> CreateProviderKinds() =>
    [
        ProviderKind.DownloadClient(AppName, "V3", "sonarr/downloadclient/schema.json"),
        ProviderKind.Indexer(AppName, "V3", "sonarr/indexer/schema.json"),
        ProviderKind.Notification(AppName, "V3", "sonarr/notification/schema.json"),
        ProviderKind.ImportList(AppName, "V3", "sonarr/importlist/schema.json"),
    ];
}
