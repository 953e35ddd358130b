using System.Net;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

public sealed class ArrApiTests
{
    [Fact]
    public async Task Wrong_api_key_gets_401_with_an_empty_body()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var wrong = new EmulatorClient(sonarr, apiKey: "ffffffffffffffffffffffffffffffff");

        var reply = await wrong.GetAsync("/api/v3/system/status");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("", reply.Text);
        Assert.Null(reply.ContentType);
    }

    [Fact]
    public async Task Missing_api_key_gets_401_but_ping_is_anonymous()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var anonymous = new EmulatorClient(radarr, apiKey: "");

        var status = await anonymous.GetAsync("/api/v3/system/status");
        var ping = await anonymous.GetAsync("/ping");

        Assert.Equal(HttpStatusCode.Unauthorized, status.Status);
        Assert.Equal(HttpStatusCode.OK, ping.Status);
        Assert.Equal("OK", (string?)ping.Object["status"]);
    }

    [Fact]
    public async Task Api_key_is_also_accepted_as_the_apikey_query_parameter()
    {
        await using var lidarr = await EmulatedArr.StartLidarrAsync();
        using var anonymous = new EmulatorClient(lidarr, apiKey: "");

        var reply = await anonymous.GetAsync($"/api/v1/system/status?apikey={lidarr.ApiKey}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("Lidarr", (string?)reply.Object["appName"]);
    }

    [Fact]
    public async Task Each_app_serves_its_own_api_version()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        await using var prowlarr = await EmulatedArr.StartProwlarrAsync();
        using var sonarrClient = new EmulatorClient(sonarr);
        using var prowlarrClient = new EmulatorClient(prowlarr);

        Assert.Equal(HttpStatusCode.OK, (await sonarrClient.GetAsync("/api/v3/system/status")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await sonarrClient.GetAsync("/api/v1/system/status")).Status);
        Assert.Equal(HttpStatusCode.OK, (await prowlarrClient.GetAsync("/api/v1/system/status")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await prowlarrClient.GetAsync("/api/v3/system/status")).Status);
    }

    [Fact]
    public async Task System_status_has_the_real_shape_with_instance_name_and_url_base()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync(new EmulatedArrOptions { InstanceName = "Sonarr 4K", UrlBase = "/sonarr-4k/" });
        using var client = new EmulatorClient(sonarr);

        var status = (await client.GetAsync("/api/v3/system/status")).Object;

        Assert.Equal("Sonarr", (string?)status["appName"]);
        Assert.Equal("Sonarr 4K", (string?)status["instanceName"]);
        Assert.Equal("4.0.19.0", (string?)status["version"]);
        Assert.Equal("/sonarr-4k", (string?)status["urlBase"]);
        Assert.EndsWith("/sonarr-4k", sonarr.BaseAddress);
    }

    [Fact]
    public async Task Url_base_is_required_in_the_path()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync(new EmulatedArrOptions { UrlBase = "/radarr" });
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", radarr.ApiKey);

        var withBase = await http.GetAsync($"http://127.0.0.1:{radarr.Port}/radarr/api/v3/system/status");
        var withoutBase = await http.GetAsync($"http://127.0.0.1:{radarr.Port}/api/v3/system/status");

        Assert.Equal(HttpStatusCode.OK, withBase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withoutBase.StatusCode);
    }

    [Fact]
    public async Task Tags_are_created_with_201_and_listed()
    {
        await using var prowlarr = await EmulatedArr.StartProwlarrAsync();
        using var client = new EmulatorClient(prowlarr);

        var created = await client.PostAsync("/api/v1/tag", new JsonObject { ["label"] = "e2e" });
        var again = await client.PostAsync("/api/v1/tag", new JsonObject { ["label"] = "E2E" });
        var list = await client.GetAsync("/api/v1/tag");

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("""{"label":"e2e","id":1}""", created.Text);
        Assert.Equal(1, (int?)again.Object["id"]);
        Assert.Single(list.Array);
        Assert.Equal([new ArrTag(1, "e2e")], prowlarr.Tags);
    }

    [Fact]
    public async Task Health_items_injected_by_a_test_are_served()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        Assert.Empty((await client.GetAsync("/api/v3/health")).Array);

        sonarr.AddHealthCheck("DownloadClientCheck", "warning", "No download client is available");
        var health = (await client.GetAsync("/api/v3/health")).Array;

        var item = Assert.Single(health);
        Assert.Equal("DownloadClientCheck", (string?)item!["source"]);
        Assert.Equal("warning", (string?)item["type"]);
    }

    [Fact]
    public async Task Quality_metadata_and_language_profiles_come_from_the_real_recordings()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        await using var lidarr = await EmulatedArr.StartLidarrAsync();
        using var sonarrClient = new EmulatorClient(sonarr);
        using var lidarrClient = new EmulatorClient(lidarr);

        var qualityProfiles = (await sonarrClient.GetAsync("/api/v3/qualityprofile")).Array;
        var languageProfiles = (await sonarrClient.GetAsync("/api/v3/languageprofile")).Array;
        var metadataProfiles = (await lidarrClient.GetAsync("/api/v1/metadataprofile")).Array;
        var profileOne = (await sonarrClient.GetAsync("/api/v3/qualityprofile/1")).Object;

        Assert.Equal(6, qualityProfiles.Count);
        Assert.Equal("Any", (string?)profileOne["name"]);
        Assert.Single(languageProfiles);
        Assert.Equal(["Standard", "None"], metadataProfiles.Select(p => (string?)p!["name"]));
        Assert.Equal(HttpStatusCode.NotFound, (await sonarrClient.GetAsync("/api/v3/metadataprofile")).Status);
    }
}
