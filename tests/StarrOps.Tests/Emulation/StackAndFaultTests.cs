using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using StarrOps.TestKit;

namespace StarrOps.Tests.Emulation;

public sealed class StackAndFaultTests
{
    [Fact]
    public async Task Stack_starts_every_app_and_exports_discovery_variables()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Sonarr = ["sonarr", "sonarr-4k"], UseUrlBase = true });

        var environment = stack.Environment();

        Assert.Equal(8, stack.All.Count);
        Assert.Equal(2, stack.SonarrInstances.Count);
        Assert.Equal(stack.Sonarr.BaseAddress, environment["SONARR_URL"]);
        Assert.EndsWith("/sonarr", environment["SONARR_URL"]);
        Assert.Equal(stack["sonarr-4k"].ApiKey, environment["SONARR_4K_API_KEY"]);
        Assert.NotEqual(environment["SONARR_API_KEY"], environment["SONARR_4K_API_KEY"]);
        foreach (var prefix in (string[])["RADARR", "LIDARR", "PROWLARR", "JELLYSEERR", "JELLYFIN", "GLUETUN"])
        {
            Assert.True(environment.ContainsKey($"{prefix}_URL"), prefix);
            Assert.True(environment.ContainsKey($"{prefix}_API_KEY"), prefix);
        }
        Assert.Equal("admin", environment["JELLYFIN_USERNAME"]);
        foreach (var arr in stack.All.OfType<EmulatedArr>())
        {
            using var client = new EmulatorClient(arr);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{arr.ApiPath}/system/status")).Status);
        }
    }

    [Fact]
    public async Task Servers_start_quickly()
    {
        await using (await EmulatedArr.StartSonarrAsync()) { } // warm-up: JIT and ASP.NET startup
        var watch = Stopwatch.StartNew();
        var servers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => EmulatedArr.StartRadarrAsync(new EmulatedArrOptions { Name = $"radarr-{i}" })));
        watch.Stop();
        try
        {
            Assert.True(watch.ElapsedMilliseconds < 2000, $"10 servers took {watch.ElapsedMilliseconds} ms");
        }
        finally
        {
            foreach (var server in servers) await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Request_log_records_method_path_status_and_body()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync(new EmulatedArrOptions { UrlBase = "/sonarr" });
        using var client = new EmulatorClient(sonarr);
        await client.GetAsync("/api/v3/tag");
        await client.PostAsync("/api/v3/tag", new JsonObject { ["label"] = "x" });

        var write = Assert.Single(sonarr.Requests.Writes);
        Assert.Equal("POST", write.Method);
        Assert.Equal("/api/v3/tag", write.Path);
        Assert.Equal("/sonarr/api/v3/tag", write.FullPath);
        Assert.Equal(201, write.Status);
        Assert.Contains("\"label\"", write.Body);
        Assert.Equal(1, sonarr.Requests.Count("GET", "/api/v3/tag"));
        Assert.Equal(2, sonarr.Requests.Count(pathPrefix: "/sonarr/api"));
        sonarr.Requests.Clear();
        Assert.Equal(0, sonarr.Requests.Total);
    }

    [Fact]
    public async Task Fault_injection_fails_matching_requests_for_a_number_of_times()
    {
        await using var radarr = await EmulatedArr.StartRadarrAsync();
        using var client = new EmulatorClient(radarr);
        radarr.Faults.FailWithStatus(503, pathPrefix: "/api/v3/indexer", times: 1);

        var failed = await client.GetAsync("/api/v3/indexer");
        var other = await client.GetAsync("/api/v3/tag");
        var recovered = await client.GetAsync("/api/v3/indexer");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.Status);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Equal(HttpStatusCode.OK, recovered.Status);
    }

    [Fact]
    public async Task Delay_slows_every_answer()
    {
        await using var lidarr = await EmulatedArr.StartLidarrAsync();
        using var client = new EmulatorClient(lidarr);
        lidarr.Faults.Delay = TimeSpan.FromMilliseconds(300);

        var watch = Stopwatch.StartNew();
        await client.GetAsync("/ping");

        Assert.True(watch.ElapsedMilliseconds >= 250, $"{watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Down_drops_connections_and_stop_refuses_them_until_restart_on_the_same_port()
    {
        await using var sonarr = await EmulatedArr.StartSonarrAsync();
        using var client = new EmulatorClient(sonarr);
        var port = sonarr.Port;

        sonarr.Faults.Down = true;
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/ping"));
        Assert.False((await sonarr.Network.CheckAsync("127.0.0.1", port)).IsReachable);
        sonarr.Faults.Down = false;

        await sonarr.StopAsync();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/ping"));
        Assert.Contains("refused", refused.Message, StringComparison.OrdinalIgnoreCase);
        await sonarr.StartAsync();

        Assert.Equal(port, sonarr.Port);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ping")).Status);
    }

    [Fact]
    public async Task Gluetun_reports_public_ip_and_vpn_status_and_requires_its_key()
    {
        await using var gluetun = new EmulatedGluetun();
        await gluetun.StartAsync();
        using var client = new EmulatorClient(gluetun, keyHeader: "X-API-Key");
        using var anonymous = new EmulatorClient(gluetun, apiKey: "");

        var ip = (await client.GetAsync("/v1/publicip/ip")).Object;
        var status = (await client.GetAsync("/v1/vpn/status")).Object;
        var denied = await anonymous.GetAsync("/v1/publicip/ip");
        gluetun.PublicIp = "198.51.100.9";
        gluetun.VpnStatus = "stopped";

        Assert.Equal("203.0.113.7", (string?)ip["public_ip"]);
        Assert.NotNull(ip["country"]);
        Assert.Equal("running", (string?)status["status"]);
        Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
        Assert.Equal("198.51.100.9", (string?)(await client.GetAsync("/v1/publicip/ip")).Object["public_ip"]);
        Assert.Equal("stopped", (string?)(await client.GetAsync("/v1/vpn/status")).Object["status"]);
    }

    [Fact]
    public async Task Gluetun_without_auth_accepts_anonymous_requests()
    {
        await using var gluetun = new EmulatedGluetun(new EmulatedGluetunOptions { RequireApiKey = false });
        await gluetun.StartAsync();
        using var anonymous = new EmulatorClient(gluetun, apiKey: "");

        var reply = await anonymous.GetAsync("/v1/vpn/status");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("", gluetun.ApiKey);
    }

    [Fact]
    public async Task Jellyfin_rejects_a_wrong_token_with_an_empty_401()
    {
        await using var jellyfin = new EmulatedJellyfin();
        await jellyfin.StartAsync();
        using var wrong = new EmulatorClient(jellyfin, apiKey: "deadbeefdeadbeefdeadbeefdeadbeef", keyHeader: "X-Emby-Token");
        using var right = new EmulatorClient(jellyfin, keyHeader: "X-Emby-Token");

        var denied = await wrong.GetAsync("/System/Info");
        var info = await right.GetAsync("/System/Info");
        var publicInfo = await wrong.GetAsync("/System/Info/Public");

        Assert.Equal(HttpStatusCode.Unauthorized, denied.Status);
        Assert.Equal("", denied.Text);
        Assert.Equal(HttpStatusCode.OK, info.Status);
        Assert.True((bool)publicInfo.Object["StartupWizardCompleted"]!);
    }
}
