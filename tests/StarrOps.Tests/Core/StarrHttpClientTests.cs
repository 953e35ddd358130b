using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Core;

public sealed class StarrHttpClientTests
{
    private const string Key = "http-test-key-7f3a9c";

    private static StarrInstance Sonarr(Uri url, double timeoutSeconds = 5) =>
        new("sonarr", ServiceKind.Sonarr, url, new Secret(Key)) { Timeout = TimeSpan.FromSeconds(timeoutSeconds) };

    [Fact]
    public async Task The_api_key_goes_in_the_header_and_never_in_messages()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Then(200, """{"appName":"Sonarr","version":"4.0.19.0"}""");
        var host = new RecordingHost();
        using var client = ArrClientFactory.Create(Sonarr(server.Url), host);

        var status = await client.GetSystemStatusAsync(CancellationToken.None);

        Assert.Equal("4.0.19.0", status.Version);
        Assert.Equal("sonarr", status.Instance);
        Assert.Contains($"X-Api-Key={Key}", server.SeenHeaders.Single());
        Assert.Equal("GET /api/v3/system/status", server.Seen.Single());
        Assert.NotEmpty(host.Messages);
        Assert.DoesNotContain(host.Messages, m => m.Contains(Key));
    }

    [Fact]
    public async Task A_hanging_service_fails_within_the_timeout_naming_instance_and_url()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Fallback = context => Task.Delay(Timeout.Infinite, context.RequestAborted);
        using var client = ArrClientFactory.Create(Sonarr(server.Url, timeoutSeconds: 1));

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StarrConnectionException>(() => client.GetTagsAsync(CancellationToken.None));

        Assert.True(error.TimedOut);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(4), $"took {stopwatch.Elapsed}");
        Assert.Contains("sonarr", error.Message);
        Assert.Contains(server.Url.Authority, error.Message);
        Assert.Contains("within 1 s", error.Message);
        Assert.Equal("StarrTimeout", error.ErrorId);
    }

    [Fact]
    public async Task An_unreachable_host_names_the_instance_and_url()
    {
        var port = FreePort();
        using var client = ArrClientFactory.Create(Sonarr(new Uri($"http://127.0.0.1:{port}"), timeoutSeconds: 3));

        var error = await Assert.ThrowsAsync<StarrConnectionException>(() => client.GetTagsAsync(CancellationToken.None));

        Assert.False(error.TimedOut);
        Assert.Contains($"sonarr (Sonarr) at http://127.0.0.1:{port}/ is unreachable", error.Message);
        Assert.Contains("connection refused", error.Message);
        Assert.Equal(StarrErrorCategory.ConnectionError, error.Category);
    }

    [Fact]
    public async Task Transient_gateway_errors_are_retried_for_reads()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Then(503).Then(502).Then(200, "[]");
        using var client = ArrClientFactory.Create(Sonarr(server.Url));

        var tags = await client.GetTagsAsync(CancellationToken.None);

        Assert.Empty(tags);
        Assert.Equal(3, server.Seen.Count);
    }

    [Fact]
    public async Task A_500_is_not_retried_and_a_POST_is_not_repeated_on_503()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Then(500, """{"message":"boom","description":"at NzbDrone.Foo()"}""");
        using var client = ArrClientFactory.Create(Sonarr(server.Url));
        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetTagsAsync(CancellationToken.None));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Single(server.Seen);

        server.Then(503);
        await Assert.ThrowsAsync<StarrApiException>(() => client.AddTagAsync("4k", CancellationToken.None));
        Assert.Equal(2, server.Seen.Count);
    }

    [Fact]
    public async Task A_wrong_key_says_so()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Then(401);
        using var client = ArrClientFactory.Create(Sonarr(server.Url));

        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetSystemStatusAsync(CancellationToken.None));

        Assert.Equal("StarrUnauthorized", error.ErrorId);
        Assert.Contains("sonarr: GET api/v3/system/status failed with 401", error.Message);
        Assert.DoesNotContain(Key, error.Message);
    }

    [Fact]
    public async Task A_non_json_answer_says_the_url_may_not_be_the_app()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Then(200, "<html>login</html>", "text/html");
        using var client = ArrClientFactory.Create(Sonarr(server.Url));

        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetTagsAsync(CancellationToken.None));
        Assert.Contains("not JSON", error.Message);
        Assert.Contains("really Sonarr", error.Message);
    }

    [Fact]
    public async Task Key_like_query_parameters_are_hidden_in_verbose_messages()
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Then(200, "{}");
        var host = new RecordingHost();
        var instance = new StarrInstance("sabnzbd", ServiceKind.Sabnzbd, server.Url);
        using var http = new StarrHttpClient(instance, host);

        await http.GetJsonAsync("api?mode=version&apikey=sab-query-secret-99&output=json", CancellationToken.None);

        Assert.Contains(host.Messages, m => m.Contains("apikey=(secret)") && m.Contains("mode=version"));
        Assert.DoesNotContain(host.Messages, m => m.Contains("sab-query-secret-99"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
