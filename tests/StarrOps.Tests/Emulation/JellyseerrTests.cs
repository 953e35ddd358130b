using System.Net;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

public sealed class JellyseerrTests
{
    private static JsonObject SonarrEntry(string name, int port, string apiKey, bool isDefault = true) => new()
    {
        ["name"] = name,
        ["hostname"] = "127.0.0.1",
        ["port"] = port,
        ["apiKey"] = apiKey,
        ["useSsl"] = false,
        ["activeProfileId"] = 1,
        ["activeProfileName"] = "Any",
        ["activeDirectory"] = "/tv",
        ["is4k"] = false,
        ["enableSeasonFolders"] = true,
        ["isDefault"] = isDefault,
    };

    private static async Task<Reply> SetUpAsync(EmulatedJellyseerr seerr, EmulatedJellyfin jellyfin, string password)
    {
        using var anonymous = new EmulatorClient(seerr, apiKey: "");
        return await anonymous.PostAsync("/api/v1/auth/jellyfin", new JsonObject
        {
            ["username"] = jellyfin.AdminUserName,
            ["password"] = password,
            ["hostname"] = "127.0.0.1",
            ["port"] = jellyfin.Port,
            ["useSsl"] = false,
            ["urlBase"] = "",
            ["email"] = "admin@example.com",
            ["serverType"] = 2,
        });
    }

    [Fact]
    public async Task Settings_are_forbidden_before_setup_even_with_the_right_key()
    {
        await using var seerr = new EmulatedJellyseerr();
        await seerr.StartAsync();
        using var client = new EmulatorClient(seerr);
        using var anonymous = new EmulatorClient(seerr, apiKey: "");

        var main = await client.GetAsync("/api/v1/settings/main");
        var sonarr = await client.GetAsync("/api/v1/settings/sonarr");
        var noKey = await anonymous.GetAsync("/api/v1/settings/main");
        var status = await anonymous.GetAsync("/api/v1/status");

        Assert.Equal(HttpStatusCode.Forbidden, main.Status);
        Assert.Equal("""{"status":403,"error":"You do not have permission to access this endpoint"}""", main.Text);
        Assert.Equal(HttpStatusCode.Forbidden, sonarr.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.Status);
        Assert.Equal("cookie 'connect.sid' required", (string?)noKey.Object["message"]);
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Equal("3.1.0", (string?)status.Object["version"]);
    }

    [Fact]
    public async Task Body_is_validated_against_the_openapi_document_before_the_key_is_checked()
    {
        await using var seerr = new EmulatedJellyseerr();
        await seerr.StartAsync();
        using var client = new EmulatorClient(seerr);

        var missing = await client.PostAsync("/api/v1/settings/sonarr/test", new JsonObject { ["hostname"] = "127.0.0.1" });
        var wrongType = await client.PostAsync("/api/v1/settings/sonarr/test", new JsonObject
        {
            ["hostname"] = "127.0.0.1", ["port"] = "18989", ["apiKey"] = "x", ["useSsl"] = "no",
        });

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("request.body should have required property 'port', request.body should have required property 'apiKey', request.body should have required property 'useSsl'",
            (string?)missing.Object["message"]);
        Assert.Equal([".body.port", ".body.apiKey", ".body.useSsl"], missing.Object["errors"]!.AsArray().Select(e => (string?)e!["path"]));
        Assert.Equal("required.openapi.validation", (string?)missing.Object["errors"]![0]!["errorCode"]);
        Assert.Equal("request.body.port should be number, request.body.useSsl should be boolean", (string?)wrongType.Object["message"]);
    }

    [Fact]
    public async Task Setup_logs_in_to_jellyfin_and_then_the_api_key_works()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Sonarr = [], Radarr = [], Lidarr = [], Prowlarr = false, Gluetun = false });
        using var client = new EmulatorClient(stack.Jellyseerr);

        var badPassword = await SetUpAsync(stack.Jellyseerr, stack.Jellyfin, "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, badPassword.Status);
        Assert.Equal("INVALID_CREDENTIALS", (string?)badPassword.Object["message"]);
        Assert.False(stack.Jellyseerr.IsSetUp);

        var setup = await SetUpAsync(stack.Jellyseerr, stack.Jellyfin, stack.Jellyfin.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, setup.Status);
        Assert.Equal(1, (int?)setup.Object["id"]);
        Assert.Equal("admin", (string?)setup.Object["jellyfinUsername"]);

        var jellyfinSettings = (await client.GetAsync("/api/v1/settings/jellyfin")).Object;
        var main = (await client.GetAsync("/api/v1/settings/main")).Object;
        Assert.Equal(stack.Jellyfin.ServerName, (string?)jellyfinSettings["name"]);
        Assert.Equal(stack.Jellyfin.Port, (int?)jellyfinSettings["port"]);
        var seerrKey = stack.Jellyfin.ApiKeys.Single(k => (string?)k["AppName"] == "Seerr");
        Assert.Equal((string?)seerrKey["AccessToken"], (string?)jellyfinSettings["apiKey"]);
        Assert.Equal(2, (int?)main["mediaServerType"]);
        Assert.Equal(stack.Jellyseerr.ApiKey, (string?)main["apiKey"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await new EmulatorClient(stack.Jellyseerr, "wrongkey").GetAsync("/api/v1/settings/main")).Status);
    }

    [Fact]
    public async Task Setup_against_an_unreachable_jellyfin_answers_404_invalid_url()
    {
        await using var seerr = new EmulatedJellyseerr();
        await seerr.StartAsync();
        using var anonymous = new EmulatorClient(seerr, apiKey: "");

        var reply = await anonymous.PostAsync("/api/v1/auth/jellyfin", new JsonObject
        {
            ["username"] = "admin", ["password"] = "adminpass", ["hostname"] = "jellyfin.invalid", ["port"] = 8096, ["serverType"] = 2,
        });

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal("INVALID_URL", (string?)reply.Object["message"]);
    }

    [Fact]
    public async Task Sonarr_settings_post_appends_with_ids_from_zero_and_moves_the_default()
    {
        await using var seerr = new EmulatedJellyseerr();
        await seerr.StartAsync();
        seerr.CompleteSetup();
        using var client = new EmulatorClient(seerr);

        var first = await client.PostAsync("/api/v1/settings/sonarr", SonarrEntry("Sonarr", 8989, "k"));
        var second = await client.PostAsync("/api/v1/settings/sonarr", SonarrEntry("Sonarr", 8989, "k"));
        var put = await client.PutAsync("/api/v1/settings/sonarr/0", SonarrEntry("Sonarr (edited)", 8989, "k", isDefault: false));
        var missing = await client.PutAsync("/api/v1/settings/sonarr/99", SonarrEntry("x", 1, "k"));
        var deleted = await client.DeleteAsync("/api/v1/settings/sonarr/1");
        var third = await client.PostAsync("/api/v1/settings/sonarr", SonarrEntry("Another", 8989, "k", isDefault: false));

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(0, (int?)first.Object["id"]);
        Assert.Equal(1, (int?)second.Object["id"]);
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("Settings instance not found", (string?)missing.Object["message"]);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(1, (int?)third.Object["id"]);
        Assert.Equal(["Sonarr (edited)", "Another"], seerr.SonarrSettings.Select(s => (string?)s["name"]));
    }

    [Fact]
    public async Task Sonarr_test_reads_profiles_and_root_folders_from_the_app_or_fails_with_500()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Radarr = [], Lidarr = [], Prowlarr = false, Jellyfin = false, Gluetun = false });
        stack.Jellyseerr.CompleteSetup();
        using var client = new EmulatorClient(stack.Jellyseerr);
        using (var sonarr = new EmulatorClient(stack.Sonarr))
            await sonarr.PostAsync("/api/v3/rootfolder", new JsonObject { ["path"] = "/data/media/tv" });
        var body = new JsonObject { ["hostname"] = "sonarr", ["port"] = 8989, ["apiKey"] = stack.Sonarr.ApiKey, ["useSsl"] = false, ["baseUrl"] = "" };

        var ok = await client.PostAsync("/api/v1/settings/sonarr/test", body);
        body["apiKey"] = "wrong";
        var wrongKey = await client.PostAsync("/api/v1/settings/sonarr/test", body);

        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(6, ok.Object["profiles"]!.AsArray().Count);
        Assert.Equal("/data/media/tv", (string?)ok.Object["rootFolders"]![0]!["path"]);
        Assert.Equal(HttpStatusCode.InternalServerError, wrongKey.Status);
        Assert.Equal("""{"message":"Failed to connect to Sonarr"}""", wrongKey.Text);
    }

    [Fact]
    public async Task Jellyfin_settings_post_checks_the_server_and_library_sync_reads_its_media_folders()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Sonarr = [], Radarr = [], Lidarr = [], Prowlarr = false, Gluetun = false });
        Assert.Equal(HttpStatusCode.OK, (await SetUpAsync(stack.Jellyseerr, stack.Jellyfin, stack.Jellyfin.AdminPassword)).Status);
        using var client = new EmulatorClient(stack.Jellyseerr);

        var unreachable = await client.PostAsync("/api/v1/settings/jellyfin", new JsonObject { ["ip"] = "127.0.0.1", ["port"] = 1, ["useSsl"] = false, ["urlBase"] = "" });
        var external = await client.PostAsync("/api/v1/settings/jellyfin", new JsonObject { ["externalHostname"] = "http://jellyfin.example.test" });
        var libraries = await client.GetAsync("/api/v1/settings/jellyfin/library?sync=true");

        Assert.Equal(HttpStatusCode.InternalServerError, unreachable.Status);
        Assert.Equal("INVALID_URL", (string?)unreachable.Object["message"]);
        Assert.Equal(HttpStatusCode.OK, external.Status);
        Assert.Equal("http://jellyfin.example.test", (string?)external.Object["externalHostname"]);
        Assert.Equal(stack.Jellyfin.Port, (int?)external.Object["port"]);
        Assert.Equal(["movie", "show"], libraries.Array.Select(l => (string?)l!["type"]));
        Assert.Equal("http://jellyfin.example.test", (string?)(await client.GetAsync("/api/v1/settings/public")).Object["jellyfinExternalHost"]);
    }
}
