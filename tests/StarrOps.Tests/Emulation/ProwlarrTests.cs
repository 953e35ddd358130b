using System.Net;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

public sealed class ProwlarrTests
{
    private static async Task<JsonObject> ApplicationAsync(EmulatorClient prowlarr, string implementation, string name, string baseUrl, string apiKey, string prowlarrUrl,
        string syncLevel = "fullSync")
    {
        var body = await ProviderJson.FromSchemaAsync(prowlarr, "/api/v1", "applications", implementation, name, new Dictionary<string, JsonNode?>
        {
            ["prowlarrUrl"] = prowlarrUrl,
            ["baseUrl"] = baseUrl,
            ["apiKey"] = apiKey,
        });
        body["syncLevel"] = syncLevel;
        return body;
    }

    private static async Task<JsonObject> IndexerAsync(EmulatorClient prowlarr, string implementation, string name, string baseUrl, params int[] categories)
    {
        var body = await ProviderJson.FromSchemaAsync(prowlarr, "/api/v1", "indexer", implementation, name,
            new Dictionary<string, JsonNode?> { ["baseUrl"] = baseUrl, ["apiKey"] = "fakekey" }, templateName: $"Generic {implementation}");
        body["appProfileId"] = 1;
        body["enable"] = true;
        body["capabilities"] = new JsonObject
        {
            ["categories"] = new JsonArray(categories.Select(c => (JsonNode?)new JsonObject { ["id"] = c, ["name"] = c.ToString(), ["subCategories"] = new JsonArray() }).ToArray()),
        };
        return body;
    }

    [Fact]
    public async Task SyncLevel_full_is_rejected_with_problem_details()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        var body = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr", stack.Sonarr.BaseAddress, stack.Sonarr.ApiKey, stack.Prowlarr.BaseAddress);
        body["syncLevel"] = "full";

        var reply = await prowlarr.PostAsync("/api/v1/applications", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var message = (string?)reply.Object["errors"]!["$.syncLevel"]![0];
        Assert.StartsWith("The JSON value could not be converted to NzbDrone.Core.Applications.ApplicationSyncLevel. Path: $.syncLevel | LineNumber: 1 | BytePositionInLine: 21.", message);
        Assert.Empty(stack.Prowlarr.Resources("applications"));
    }

    [Fact]
    public async Task Application_with_the_wrong_api_key_is_rejected()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        var body = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr (wrong key)", stack.Sonarr.BaseAddress, "ffffffffffffffffffffffffffffffff", stack.Prowlarr.BaseAddress);

        var reply = await prowlarr.PostAsync("/api/v1/applications", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("""[{"isWarning":false,"propertyName":"ApiKey","errorMessage":"API Key is invalid","severity":"error"}]""", reply.Text);
        Assert.Equal(1, stack.Sonarr.Requests.Count("GET", "/api/v3/indexer/schema"));
        Assert.Empty(stack.Prowlarr.Resources("applications"));
    }

    [Fact]
    public async Task Application_whose_prowlarr_url_the_app_cannot_reach_is_rejected()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        var body = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr", stack.Sonarr.BaseAddress, stack.Sonarr.ApiKey, "http://prowlarr.invalid:9696");

        var reply = await prowlarr.PostAsync("/api/v1/applications", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("ProwlarrUrl", (string?)Assert.Single(reply.Array)!["propertyName"]);
    }

    [Fact]
    public async Task Application_whose_target_is_down_is_rejected_but_can_be_saved_disabled()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        await stack.Sonarr.StopAsync();
        var body = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr", stack.Sonarr.BaseAddress, stack.Sonarr.ApiKey, stack.Prowlarr.BaseAddress);

        var forced = await prowlarr.PostAsync("/api/v1/applications?forceSave=true", body);
        body["enable"] = false;
        var disabled = await prowlarr.PostAsync("/api/v1/applications", body);

        Assert.Equal(HttpStatusCode.BadRequest, forced.Status);
        Assert.Equal("BaseUrl", (string?)forced.Array[0]!["propertyName"]);
        Assert.Contains("Connection refused", (string?)forced.Array[0]!["errorMessage"]);
        Assert.Equal(HttpStatusCode.Created, disabled.Status);
    }

    [Fact]
    public async Task Application_by_in_cluster_name_syncs_indexers_named_X_Prowlarr_with_category_overlap()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        stack.Network.AddReachable("nzb.example", 443);
        stack.Network.AddReachable("torrents.example", 443);
        var tv = await IndexerAsync(prowlarr, "Newznab", "TV NZB", "https://nzb.example", 5000, 5030, 5040, 2000);
        var movies = await IndexerAsync(prowlarr, "Torznab", "Movie Torrents", "https://torrents.example", 2000, 2040);
        Assert.Equal(HttpStatusCode.Created, (await prowlarr.PostAsync("/api/v1/indexer", tv)).Status);
        Assert.Equal(HttpStatusCode.Created, (await prowlarr.PostAsync("/api/v1/indexer", movies)).Status);

        foreach (var (implementation, arr, port) in new[] { ("Sonarr", stack.Sonarr, 8989), ("Radarr", stack.Radarr, 7878), ("Lidarr", stack.Lidarr, 8686) })
        {
            var app = await ApplicationAsync(prowlarr, implementation, implementation, $"http://{arr.Name}:{port}", arr.ApiKey, "http://prowlarr:9696");
            var created = await prowlarr.PostAsync("/api/v1/applications", app);
            Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        }
        var command = await prowlarr.PostAsync("/api/v1/command", new JsonObject { ["name"] = "ApplicationIndexerSync", ["forceSync"] = true });
        var final = (await prowlarr.GetAsync($"/api/v1/command/{command.Object["id"]}")).Object;

        Assert.Equal(HttpStatusCode.Created, command.Status);
        Assert.Equal("completed", (string?)final["status"]);
        using var sonarr = new EmulatorClient(stack.Sonarr);
        var sonarrIndexers = (await sonarr.GetAsync("/api/v3/indexer")).Array.OfType<JsonObject>().ToList();
        var synced = Assert.Single(sonarrIndexers);
        Assert.Equal("TV NZB (Prowlarr)", (string?)synced["name"]);
        Assert.Equal("Newznab", (string?)synced["implementation"]);
        Assert.Equal("http://prowlarr:9696/1/", (string?)ProviderJson.Field(synced, "baseUrl"));
        Assert.Equal([5000, 5030, 5040], ProviderJson.Field(synced, "categories")!.AsArray().Select(c => (int)c!));
        Assert.Equal("********", (string?)ProviderJson.Field(synced, "apiKey"));
        Assert.Equal(stack.Prowlarr.ApiKey, (string?)ProviderJson.Field(stack.Sonarr.Resources("indexer")[0], "apiKey"));
        var radarrNames = stack.Radarr.Resources("indexer").Select(i => (string?)i["name"]).Order().ToList();
        Assert.Equal(["Movie Torrents (Prowlarr)", "TV NZB (Prowlarr)"], radarrNames);
        Assert.Equal("Torznab", (string?)stack.Radarr.Resources("indexer").Single(i => (string?)i["name"] == "Movie Torrents (Prowlarr)")["implementation"]);
        Assert.Empty(stack.Lidarr.Resources("indexer"));
    }

    [Fact]
    public async Task A_second_sync_writes_nothing_and_deleting_an_indexer_removes_its_copies()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        stack.Network.AddReachable("nzb.example", 443);
        await prowlarr.PostAsync("/api/v1/indexer", await IndexerAsync(prowlarr, "Newznab", "TV NZB", "https://nzb.example", 5000));
        var app = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr", stack.Sonarr.BaseAddress, stack.Sonarr.ApiKey, stack.Prowlarr.BaseAddress);
        Assert.Equal(HttpStatusCode.Created, (await prowlarr.PostAsync("/api/v1/applications", app)).Status);
        Assert.Single(stack.Sonarr.Resources("indexer"));

        stack.Sonarr.Requests.Clear();
        var command = await prowlarr.PostAsync("/api/v1/command", new JsonObject { ["name"] = "ApplicationIndexerSync" });
        await prowlarr.GetAsync($"/api/v1/command/{command.Object["id"]}");
        Assert.Empty(stack.Sonarr.Requests.Writes);

        Assert.Equal(HttpStatusCode.OK, (await prowlarr.DeleteAsync("/api/v1/indexer/1")).Status);
        Assert.Empty(stack.Sonarr.Resources("indexer"));
    }

    [Fact]
    public async Task Sync_to_an_app_that_is_down_fails_the_command()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        var app = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr", stack.Sonarr.BaseAddress, stack.Sonarr.ApiKey, stack.Prowlarr.BaseAddress);
        Assert.Equal(HttpStatusCode.Created, (await prowlarr.PostAsync("/api/v1/applications", app)).Status);

        stack.Sonarr.Faults.Down = true;
        var command = await prowlarr.PostAsync("/api/v1/command", new JsonObject { ["name"] = "ApplicationIndexerSync" });
        var final = (await prowlarr.GetAsync($"/api/v1/command/{command.Object["id"]}")).Object;

        Assert.Equal("failed", (string?)final["status"]);
        Assert.Contains("Sonarr", (string?)final["exception"]);
    }

    [Fact]
    public async Task Application_api_key_sent_back_masked_keeps_the_stored_key()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        var app = await ApplicationAsync(prowlarr, "Sonarr", "Sonarr", stack.Sonarr.BaseAddress, stack.Sonarr.ApiKey, stack.Prowlarr.BaseAddress);
        var created = (await prowlarr.PostAsync("/api/v1/applications", app)).Object;
        Assert.Equal("********", (string?)ProviderJson.Field(created, "apiKey"));

        created["syncLevel"] = "addOnly";
        var updated = await prowlarr.PutAsync($"/api/v1/applications/{created["id"]}", created);

        Assert.Equal(HttpStatusCode.Accepted, updated.Status);
        var stored = stack.Prowlarr.Resources("applications").Single();
        Assert.Equal(stack.Sonarr.ApiKey, (string?)ProviderJson.Field(stored, "apiKey"));
        Assert.Equal("addOnly", (string?)stored["syncLevel"]);
    }

    [Fact]
    public async Task Prowlarr_indexer_needs_an_app_profile()
    {
        await using var prowlarr = await EmulatedArr.StartProwlarrAsync();
        using var client = new EmulatorClient(prowlarr);
        var body = await IndexerAsync(client, "Newznab", "NZB", "https://nzb.example", 5000);
        body["appProfileId"] = 0;
        body["enable"] = false;

        var reply = await client.PostAsync("/api/v1/indexer", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("AppProfileId", (string?)reply.Array[0]!["propertyName"]);
    }
    [Fact]
    public async Task A_stale_application_key_fails_testall_and_test_in_the_real_shapes_and_saves_nothing()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = new EmulatorClient(stack.Prowlarr);
        foreach (var app in new[] { stack.Sonarr, stack.Radarr })
        {
            var body = await ApplicationAsync(prowlarr, app.AppName, app.AppName, app.BaseAddress, app.ApiKey, stack.Prowlarr.BaseAddress);
            Assert.Equal(HttpStatusCode.Created, (await prowlarr.PostAsync("/api/v1/applications", body)).Status);
        }
        var healthy = await prowlarr.PostAsync("/api/v1/applications/testall", null);
        Assert.Equal(HttpStatusCode.OK, healthy.Status);
        Assert.All(healthy.Json.AsArray(), r => Assert.True((bool)r!["isValid"]!));

        stack.Sonarr.RegenerateApiKey();
        stack.Prowlarr.Requests.Clear();
        var stale = await prowlarr.PostAsync("/api/v1/applications/testall", null);

        // Recorded on a real Prowlarr: [{"id":1,"isValid":false,"validationFailures":[{"propertyName":"ApiKey","errorMessage":"API Key is invalid","severity":"error"}]},{"id":2,"isValid":true,…}]
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        var results = stale.Json.AsArray().Select(r => r!.AsObject()).ToList();
        var sonarr = Assert.Single(results, r => (int)r["id"]! == 1);
        Assert.False((bool)sonarr["isValid"]!);
        var failure = Assert.Single(sonarr["validationFailures"]!.AsArray())!;
        Assert.Equal(("ApiKey", "API Key is invalid", "error"), ((string?)failure["propertyName"], (string?)failure["errorMessage"], (string?)failure["severity"]));
        Assert.True((bool)results.Single(r => (int)r["id"]! == 2)["isValid"]!);

        // POST /test with the application as fetched (key masked) tests the stored key too.
        var fetched = (await prowlarr.GetAsync("/api/v1/applications/1")).Object;
        Assert.Equal("********", (string?)ProviderJson.Field(fetched, "apiKey"));
        var single = await prowlarr.PostAsync("/api/v1/applications/test", fetched);
        Assert.Equal(HttpStatusCode.BadRequest, single.Status);
        Assert.Equal("ApiKey", (string?)single.Json.AsArray().Single()!["propertyName"]);
        Assert.Empty(stack.Prowlarr.Requests.Writes);
        Assert.Equal(2, stack.Prowlarr.Requests.Tests.Count);
    }
}
