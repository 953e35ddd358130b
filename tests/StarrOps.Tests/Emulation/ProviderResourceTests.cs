using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

public sealed class ProviderResourceTests
{
    private static Dictionary<string, JsonNode?> QBittorrent(string host, int port, string password = "adminadmin") => new()
    {
        ["host"] = host,
        ["port"] = port,
        ["username"] = "admin",
        ["password"] = password,
    };

    /// <summary>A loopback port with a listener, standing in for a running qBittorrent.</summary>
    private sealed class FakeQBittorrent : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public FakeQBittorrent() => _listener.Start();

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose() => _listener.Stop();
    }

    [Fact]
    public async Task Schema_is_the_real_recorded_schema()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);

        var schema = (await client.GetAsync("/api/v3/downloadclient/schema")).Array;

        var qbittorrent = schema.OfType<JsonObject>().Single(t => (string?)t["implementation"] == "QBittorrent");
        Assert.Equal("QBittorrentSettings", (string?)qbittorrent["configContract"]);
        var fields = qbittorrent["fields"]!.AsArray().Select(f => (string?)f!["name"]).ToList();
        Assert.Contains("tvCategory", fields);
        Assert.Contains("useSsl", fields);
        // A template field whose value is null has no "value" key at all.
        var password = qbittorrent["fields"]!.AsArray().OfType<JsonObject>().Single(f => (string?)f["name"] == "password");
        Assert.False(password.ContainsKey("value"));
    }

    [Fact]
    public async Task Create_answers_201_with_id_and_update_answers_202()
    {
        using var qbittorrent = new FakeQBittorrent();
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("127.0.0.1", qbittorrent.Port));
        body["enable"] = true;

        var created = await client.PostAsync("/api/v3/downloadclient", body);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = (int)created.Object["id"]!;
        Assert.Equal(1, id);
        var update = created.Object;
        ProviderFieldSet(update, "tvCategory", "tv");
        var updated = await client.PutAsync($"/api/v3/downloadclient/{id}", update);
        var deleted = await client.DeleteAsync($"/api/v3/downloadclient/{id}");

        Assert.Equal(HttpStatusCode.Accepted, updated.Status);
        Assert.Equal("tv", (string?)ProviderJson.Field(updated.Object, "tvCategory"));
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal("{}", deleted.Text);
        Assert.Empty(sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task Duplicate_name_is_rejected_case_insensitively()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var first = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("qbittorrent.invalid", 8080));
        first["enable"] = false;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v3/downloadclient", first)).Status);
        var second = (JsonObject)first.DeepClone();
        second["name"] = "QBITTORRENT";

        var reply = await client.PostAsync("/api/v3/downloadclient", second);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var failure = Assert.Single(reply.Array)!.AsObject();
        Assert.Equal("Name", (string?)failure["propertyName"]);
        Assert.Equal("Should be unique", (string?)failure["errorMessage"]);
        Assert.Equal("error", (string?)failure["severity"]);
        Assert.False((bool)failure["isWarning"]!);
        Assert.Single(sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task Renaming_to_its_own_name_in_other_case_is_allowed_but_not_to_another_providers_name()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var client = new EmulatorClient(radarr);
        foreach (var name in (string[])["One", "Two"])
        {
            var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "Transmission", name);
            body["enable"] = false;
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v3/downloadclient", body)).Status);
        }
        var one = (await client.GetAsync("/api/v3/downloadclient/1")).Object;

        one["name"] = "ONE";
        var sameName = await client.PutAsync("/api/v3/downloadclient/1", one);
        one["name"] = "two";
        var clash = await client.PutAsync("/api/v3/downloadclient/1", one);

        Assert.Equal(HttpStatusCode.Accepted, sameName.Status);
        Assert.Equal(HttpStatusCode.BadRequest, clash.Status);
        Assert.Equal("ONE", (string?)radarr.Resource("downloadclient", 1)!["name"]);
    }

    [Fact]
    public async Task Missing_name_is_a_validation_failure()
    {
        await using var lidarr = await EmulatedArr.StartLidarrAsync();
        using var client = new EmulatorClient(lidarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v1", "notification", "Webhook", "");

        var reply = await client.PostAsync("/api/v1/notification", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var failure = Assert.Single(reply.Array)!.AsObject();
        Assert.Equal("Name", (string?)failure["propertyName"]);
        Assert.Equal("'Name' must not be empty.", (string?)failure["errorMessage"]);
    }

    [Fact]
    public async Task Wrong_enum_value_gets_problem_details_naming_the_json_path()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "bad enum");
        body["enable"] = false;
        body["protocol"] = "torrents";

        var reply = await client.PostAsync("/api/v3/downloadclient", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.ContentType);
        var problem = reply.Object;
        Assert.Equal(400, (int?)problem["status"]);
        Assert.Equal("One or more validation errors occurred.", (string?)problem["title"]);
        Assert.StartsWith("00-", (string?)problem["traceId"]);
        var errors = problem["errors"]!.AsObject();
        var message = (string?)Assert.Single(errors["$.protocol"]!.AsArray());
        Assert.StartsWith("The JSON value could not be converted to NzbDrone.Core.Indexers.DownloadProtocol. Path: $.protocol | LineNumber: 2 |", message);
        Assert.Empty(sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task Wrong_json_type_for_a_boolean_gets_problem_details()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var client = new EmulatorClient(radarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "string enable");
        body["enable"] = "yes";

        var reply = await client.PostAsync("/api/v3/downloadclient", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("System.Boolean", (string?)reply.Object["errors"]!["$.enable"]![0]);
    }

    [Fact]
    public async Task Body_that_is_not_an_object_gets_problem_details()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);

        var reply = await client.PostRawAsync("/api/v3/indexer", "[]");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.NotNull(reply.Object["errors"]!["$"]);
    }

    [Fact]
    public async Task Unknown_implementation_answers_500_with_message_and_stack_trace()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "indexer", "Torznab", "Prowlarr (wrong impl)");
        body["implementation"] = "Prowlarr";
        body["configContract"] = "ProwlarrSettings";

        var reply = await client.PostAsync("/api/v3/indexer", body);

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal("Value can not be null. (Parameter 'targetType')", (string?)reply.Object["message"]);
        Assert.StartsWith("System.ArgumentNullException", (string?)reply.Object["description"]);
    }

    [Fact]
    public async Task Unreachable_download_client_is_rejected_even_with_forceSave()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent (made-up host)", QBittorrent("qbittorrent.invalid", 8080));
        body["enable"] = true;

        var plain = await client.PostAsync("/api/v3/downloadclient", body);
        var forced = await client.PostAsync("/api/v3/downloadclient?forceSave=true", body);

        foreach (var reply in new[] { plain, forced })
        {
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            var failure = Assert.Single(reply.Array)!.AsObject();
            Assert.Equal("Host", (string?)failure["propertyName"]);
            Assert.Equal("Unable to connect to qBittorrent", (string?)failure["errorMessage"]);
            Assert.Equal("Name or service not known (qbittorrent.invalid:8080)", (string?)failure["detailedDescription"]);
            Assert.False((bool)failure["isWarning"]!);
        }
        Assert.Empty(sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task A_download_client_whose_login_changed_fails_create_and_testall_on_Username()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        sonarr.Network.RequireLogin("qbittorrent", 8080, "admin", "right-password");
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("qbittorrent", 8080, password: "wrong-password"));
        body["enable"] = true;

        var rejected = await client.PostAsync("/api/v3/downloadclient", body);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.Status);
        Assert.Equal(("Username", "Authentication Failure"), ((string?)rejected.Array.Single()!["propertyName"], (string?)rejected.Array.Single()!["errorMessage"]));

        ProviderFieldSet(body, "password", "right-password");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v3/downloadclient", body)).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/v3/downloadclient/testall", null)).Status);

        sonarr.Network.RequireLogin("qbittorrent", 8080, "admin", "changed-in-qbittorrent");
        var stale = await client.PostAsync("/api/v3/downloadclient/testall", null);
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        var result = stale.Array.Single()!;
        Assert.Equal((1, false), ((int)result["id"]!, (bool)result["isValid"]!));
        Assert.Equal("Username", (string?)result["validationFailures"]![0]!["propertyName"]);
        Assert.Equal("right-password", (string?)ProviderJson.Field(sonarr.Resource("downloadclient", 1)!, "password")); // testall saves nothing
    }

    [Fact]
    public async Task Refused_loopback_port_fails_the_live_test()
    {
        int closedPort;
        using (var probe = new FakeQBittorrent()) closedPort = probe.Port;
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var client = new EmulatorClient(radarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("127.0.0.1", closedPort));
        body["enable"] = true;

        var reply = await client.PostAsync("/api/v3/downloadclient", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal($"Connection refused (127.0.0.1:{closedPort})", (string?)reply.Array[0]!["detailedDescription"]);
    }

    [Fact]
    public async Task Disabled_provider_skips_the_live_test()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent (later)", QBittorrent("qbittorrent.invalid", 8080));
        body["enable"] = false;

        var reply = await client.PostAsync("/api/v3/downloadclient", body);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
    }

    [Fact]
    public async Task Reachable_hosts_registered_on_the_network_pass_the_live_test()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        sonarr.Network.AddReachable("qbittorrent.media.svc.cluster.local", 8080);
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("qbittorrent.media.svc.cluster.local", 8080));
        body["enable"] = true;

        var reply = await client.PostAsync("/api/v3/downloadclient", body);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
    }

    [Fact]
    public async Task Warning_blocks_save_unless_forceSave_but_forceSave_does_not_override_an_error()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        sonarr.Network.AddReachable("qbittorrent", 8080);
        sonarr.InjectTestFailure("downloadclient", "Category tv-sonarr does not exist", isWarning: true, propertyName: "TvCategory");
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("qbittorrent", 8080));
        body["enable"] = true;

        var warned = await client.PostAsync("/api/v3/downloadclient", body);
        Assert.Equal(HttpStatusCode.BadRequest, warned.Status);
        var warning = Assert.Single(warned.Array)!.AsObject();
        Assert.True((bool)warning["isWarning"]!);
        Assert.Equal("warning", (string?)warning["severity"]);

        var forced = await client.PostAsync("/api/v3/downloadclient?forceSave=true", body);
        Assert.Equal(HttpStatusCode.Created, forced.Status);

        sonarr.InjectTestFailure("downloadclient", "Authentication failure", propertyName: "Username");
        body["name"] = "qBittorrent 2";
        var error = await client.PostAsync("/api/v3/downloadclient?forceSave=true", body);
        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("Authentication failure", (string?)Assert.Single(error.Array)!["errorMessage"]);
    }

    [Fact]
    public async Task Secrets_are_masked_on_read_and_a_masked_value_keeps_the_stored_secret()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "qBittorrent", QBittorrent("qbittorrent", 8080, password: "s3cret"));
        body["enable"] = false;
        var created = (await client.PostAsync("/api/v3/downloadclient", body)).Object;
        Assert.Equal("********", (string?)ProviderJson.Field(created, "password"));
        Assert.Equal("admin", (string?)ProviderJson.Field(created, "username"));

        var fetched = (await client.GetAsync("/api/v3/downloadclient/1")).Object;
        Assert.Equal("********", (string?)ProviderJson.Field(fetched, "password"));
        ProviderFieldSet(fetched, "tvCategory", "tv-hd");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PutAsync("/api/v3/downloadclient/1", fetched)).Status);

        var stored = sonarr.Resource("downloadclient", 1)!;
        Assert.Equal("s3cret", (string?)ProviderJson.Field(stored, "password"));
        Assert.Equal("tv-hd", (string?)ProviderJson.Field(stored, "tvCategory"));

        ProviderFieldSet(fetched, "password", "rotated");
        await client.PutAsync("/api/v3/downloadclient/1", fetched);
        Assert.Equal("rotated", (string?)ProviderJson.Field(sonarr.Resource("downloadclient", 1)!, "password"));
    }

    [Fact]
    public async Task Fields_left_out_take_the_template_default_and_unknown_fields_are_dropped()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var client = new EmulatorClient(radarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "QBittorrent", "minimal");
        body["enable"] = false;
        body["fields"] = new JsonArray(
            new JsonObject { ["name"] = "host", ["value"] = "qbittorrent" },
            new JsonObject { ["name"] = "useSSL", ["value"] = true });

        var created = (await client.PostAsync("/api/v3/downloadclient", body)).Object;

        Assert.Equal("qbittorrent", (string?)ProviderJson.Field(created, "host"));
        Assert.Equal(8080, (int?)ProviderJson.Field(created, "port"));
        Assert.False((bool)ProviderJson.Field(created, "useSsl")!);
        Assert.DoesNotContain(created["fields"]!.AsArray(), f => (string?)f!["name"] == "useSSL");
        Assert.Equal("radarr", (string?)ProviderJson.Field(created, "movieCategory"));
    }

    [Fact]
    public async Task Webhook_to_an_unresolvable_host_answers_500()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "notification", "Webhook", "Pulsarr",
            new Dictionary<string, JsonNode?> { ["url"] = "http://pulsarr.media.svc.cluster.local:3003/v1/notifications/webhook" });
        body["onGrab"] = true;

        var reply = await client.PostAsync("/api/v3/notification", body);

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal("Name or service not known (pulsarr.media.svc.cluster.local:3003)", (string?)reply.Object["message"]);
        Assert.Contains("HttpRequestException", (string?)reply.Object["description"]);
    }

    [Fact]
    public async Task Webhook_to_a_running_emulated_server_is_saved()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        await using var gluetun = new EmulatedGluetun(new EmulatedGluetunOptions { Network = sonarr.Network });
        await gluetun.StartAsync();
        using var client = new EmulatorClient(sonarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "notification", "Webhook", "Hook",
            new Dictionary<string, JsonNode?> { ["url"] = $"{gluetun.BaseAddress}/hook" });
        body["onDownload"] = true;

        var reply = await client.PostAsync("/api/v3/notification", body);

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.True((bool)reply.Object["onDownload"]!);
    }

    [Fact]
    public async Task Update_of_a_missing_id_is_404_and_list_is_sorted_by_name()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        foreach (var name in (string[])["b", "A", "c"])
        {
            var body = await ProviderJson.FromSchemaAsync(client, "/api/v3", "downloadclient", "Sabnzbd", name,
                new Dictionary<string, JsonNode?> { ["apiKey"] = "k" });
            body["enable"] = false;
            await client.PostAsync("/api/v3/downloadclient", body);
        }

        var list = (await client.GetAsync("/api/v3/downloadclient")).Array;
        var missing = await client.PutAsync("/api/v3/downloadclient/99", list[0]!.DeepClone());

        Assert.Equal(["A", "b", "c"], list.Select(p => (string?)p!["name"]));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    [Fact]
    public async Task Enabled_provider_with_missing_settings_fails_validation()
    {
        await using var lidarr = await EmulatedArr.StartLidarrAsync();
        using var client = new EmulatorClient(lidarr);
        var body = await ProviderJson.FromSchemaAsync(client, "/api/v1", "downloadclient", "QBittorrent", "empty host",
            new Dictionary<string, JsonNode?> { ["host"] = "", ["port"] = 0 });
        body["enable"] = true;

        var reply = await client.PostAsync("/api/v1/downloadclient", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(["Host", "Port"], reply.Array.Select(f => (string?)f!["propertyName"]));
    }

    private static void ProviderFieldSet(JsonObject provider, string name, JsonNode? value) =>
        provider["fields"]!.AsArray().OfType<JsonObject>().Single(f => (string?)f["name"] == name)["value"] = value;
}
