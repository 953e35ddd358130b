namespace StarrOps.TestKit;

/// <summary>Radarr 6.1.0 at /api/v3 (fixtures recorded from a real server; see Fixtures/radarr).</summary>
public sealed class EmulatedRadarr : EmulatedArr
{
    public EmulatedRadarr(EmulatedArrOptions? options = null) : base(options, "radarr")
    {
    }

    public override string AppName => "Radarr";

    public override int ApiVersion => 3;

    private protected override string FixtureFolder => "radarr";

    private protected override string ApiNamespace => "Radarr.Api.V3";

    private protected override IEnumerable<ProviderKind> CreateProviderKinds() =>
    [
        ProviderKind.DownloadClient(AppName, "V3", "radarr/downloadclient/schema.json"),
        ProviderKind.Indexer(AppName, "V3", "radarr/indexer/schema.json"),
        ProviderKind.Notification(AppName, "V3", "radarr/notification/schema.json"),
        ProviderKind.ImportList(AppName, "V3", "radarr/importlist/schema.json"),
    ];
}
