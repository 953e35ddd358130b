using System.Net;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

public sealed class RootFolderAndCommandTests
{
    [Fact]
    public async Task Root_folder_path_must_exist_in_the_pod()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);

        var missing = await client.PostAsync("/api/v3/rootfolder", new JsonObject { ["path"] = "/data/media/does-not-exist" });
        sonarr.AddExistingPath("/data/media/does-not-exist");
        var created = await client.PostAsync("/api/v3/rootfolder", new JsonObject { ["path"] = "/data/media/does-not-exist" });

        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        var failure = Assert.Single(missing.Array)!.AsObject();
        Assert.Equal("Path", (string?)failure["propertyName"]);
        Assert.Equal("Path '/data/media/does-not-exist' does not exist", (string?)failure["errorMessage"]);
        Assert.Equal("PathExistsValidator", (string?)failure["errorCode"]);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(1, (int?)created.Object["id"]);
        Assert.True((bool)created.Object["accessible"]!);
    }

    [Fact]
    public async Task Duplicate_root_folder_is_rejected_and_delete_removes_it()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var client = new EmulatorClient(radarr);
        var body = new JsonObject { ["path"] = "/data/media/movies" };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v3/rootfolder", body)).Status);

        var duplicate = await client.PostAsync("/api/v3/rootfolder", new JsonObject { ["path"] = "/data/media/movies/" });
        var deleted = await client.DeleteAsync("/api/v3/rootfolder/1");

        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Equal("Path '/data/media/movies/' is already configured as a root folder", (string?)duplicate.Array[0]!["errorMessage"]);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Empty(radarr.RootFolders);
    }

    [Fact]
    public async Task Lidarr_root_folder_needs_name_and_both_profiles()
    {
        await using var lidarr = await EmulatedArr.StartLidarrAsync();
        using var client = new EmulatorClient(lidarr);

        var pathOnly = await client.PostAsync("/api/v1/rootfolder", new JsonObject { ["path"] = "/data/media/music" });
        var complete = await client.PostAsync("/api/v1/rootfolder", new JsonObject
        {
            ["name"] = "Music", ["path"] = "/data/media/music", ["defaultQualityProfileId"] = 1, ["defaultMetadataProfileId"] = 1,
        });

        Assert.Equal(HttpStatusCode.BadRequest, pathOnly.Status);
        Assert.Equal(["Name", "DefaultMetadataProfileId", "DefaultQualityProfileId"], pathOnly.Array.Select(f => (string?)f!["propertyName"]));
        Assert.Equal("'Default Quality Profile Id' must be greater than '0'.", (string?)pathOnly.Array[2]!["errorMessage"]);
        Assert.Equal(HttpStatusCode.Created, complete.Status);
        Assert.Equal("Music", (string?)complete.Object["name"]);
        Assert.Equal(1, (int?)complete.Object["defaultMetadataProfileId"]);
    }

    [Fact]
    public async Task Readarr_root_folder_needs_profiles_and_carries_calibre_settings()
    {
        await using var readarr = await EmulatedArr.StartReadarrAsync();
        using var client = new EmulatorClient(readarr);

        var pathOnly = await client.PostAsync("/api/v1/rootfolder", new JsonObject { ["path"] = "/books" });
        var complete = await client.PostAsync("/api/v1/rootfolder", new JsonObject
        {
            ["name"] = "Books", ["path"] = "/books", ["defaultQualityProfileId"] = 1, ["defaultMetadataProfileId"] = 1,
        });

        Assert.Equal(HttpStatusCode.BadRequest, pathOnly.Status);
        Assert.Equal(HttpStatusCode.Created, complete.Status);
        Assert.False((bool)complete.Object["isCalibreLibrary"]!);
        Assert.Equal("Readarr", (string?)(await client.GetAsync("/api/v1/system/status")).Object["appName"]);
    }

    [Fact]
    public async Task Sonarr_root_folder_does_not_need_lidarr_fields()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);

        var reply = await client.PostAsync("/api/v3/rootfolder", new JsonObject { ["path"] = "/data/media/tv" });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.False(reply.Object.ContainsKey("name"));
    }

    [Fact]
    public async Task Backup_command_completes_and_the_backup_is_listed()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);

        var started = await client.PostAsync("/api/v3/command", new JsonObject { ["name"] = "Backup" });
        Assert.Equal(HttpStatusCode.Created, started.Status);
        Assert.Equal("started", (string?)started.Object["status"]);
        var id = (int)started.Object["id"]!;
        var final = (await client.GetAsync($"/api/v3/command/{id}")).Object;
        var backups = (await client.GetAsync("/api/v3/system/backup")).Array;

        Assert.Equal("completed", (string?)final["status"]);
        Assert.Equal("successful", (string?)final["result"]);
        Assert.Equal("Backup zip created", (string?)final["message"]);
        var backup = Assert.Single(backups)!.AsObject();
        Assert.Equal("manual", (string?)backup["type"]);
        Assert.StartsWith("sonarr_backup_v4.0.19.0_", (string?)backup["name"]);
        Assert.Equal($"/backup/manual/{backup["name"]}", (string?)backup["path"]);
    }

    [Fact]
    public async Task Backup_file_is_not_served_to_an_api_key()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        await client.PostAsync("/api/v3/command", new JsonObject { ["name"] = "Backup" });
        await client.GetAsync("/api/v3/command/1");
        var path = (string?)sonarr.Backups[0]["path"];

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        http.DefaultRequestHeaders.Add("X-Api-Key", sonarr.ApiKey);
        var reply = await http.GetAsync($"{sonarr.BaseAddress}{path}");

        Assert.Equal(HttpStatusCode.Found, reply.StatusCode);
        Assert.StartsWith("/login", reply.Headers.Location!.OriginalString);
    }
}
