using System.Net;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Sabnzbd;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Clients;

public sealed class SabnzbdClientTests : IAsyncLifetime
{
    private SabnzbdFake _fake = null!;

    public async Task InitializeAsync() => _fake = await SabnzbdFake.StartAsync();
    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private SabnzbdClient NewClient(string? apiKey = SabnzbdFake.ApiKey, RecordingHost? host = null) =>
        new(new StarrInstance("sabnzbd", ServiceKind.Sabnzbd, _fake.Server.Url, Secret.FromNullable(apiKey)), host);

    [Fact]
    public async Task Version_needs_no_key()
    {
        using var client = NewClient(apiKey: null);

        Assert.Equal("4.3.3", await client.GetVersionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Queue_reads_status_speed_and_jobs()
    {
        using var client = NewClient();

        var queue = await client.GetQueueAsync(CancellationToken.None);

        Assert.Equal("sabnzbd", queue.Instance);
        Assert.Equal("Downloading", queue.Status);
        Assert.False(queue.Paused);
        Assert.Equal(1024.5, queue.KilobytesPerSecond);
        Assert.Equal(1, queue.TotalSlots);
        var job = Assert.Single(queue.Items);
        Assert.Equal(("SABnzbd_nzo_p86tgx", "Some.Show.S01E01.1080p", "tv"), (job.Id, job.Name, job.Category));
    }

    [Fact]
    public async Task Config_reads_folders_categories_and_servers_and_masks_keys_in_raw()
    {
        using var client = NewClient();

        var config = await client.GetConfigAsync(CancellationToken.None);

        Assert.Equal("/data/usenet/complete", config.CompleteDir);
        Assert.Equal("/data/usenet/incomplete", config.DownloadDir);
        Assert.Equal(["*", "movies", "tv"], config.Categories.Select(c => c.Name));
        Assert.Equal("movies", config.Categories[1].Dir);
        var server = Assert.Single(config.Servers);
        Assert.Equal(("news.example.test", 563, true, true, 8), (server.Host, server.Port, server.Ssl, server.Enabled, server.Connections));
        Assert.Equal("********", config.Raw["misc"]!["api_key"]!.GetValue<string>());
        Assert.Equal("********", config.Raw["misc"]!["nzb_key"]!.GetValue<string>());
        Assert.Equal("/data/usenet/complete", config.Raw["misc"]!["complete_dir"]!.GetValue<string>());
        Assert.DoesNotContain(SabnzbdFake.ApiKey, config.Raw.ToJsonString());
    }

    [Fact]
    public async Task Categories_list_names()
    {
        using var client = NewClient();

        Assert.Equal(["*", "movies", "tv"], await client.GetCategoriesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_key_travels_as_the_apikey_query_parameter_and_logs_show_it_redacted()
    {
        var host = new RecordingHost();
        using var client = NewClient(host: host);

        await client.GetQueueAsync(CancellationToken.None);

        var request = Assert.Single(_fake.Server.Requests, r => r.QueryValue("mode") == "queue");
        Assert.Equal(SabnzbdFake.ApiKey, request.QueryValue("apikey"));
        Assert.Equal("json", request.QueryValue("output"));
        Assert.Contains("apikey=(secret)", host.AllText);
        Assert.DoesNotContain(SabnzbdFake.ApiKey, host.AllText);
    }

    [Theory]
    [InlineData(SabnzbdKeyErrorStyle.JsonStatusFalse)]
    [InlineData(SabnzbdKeyErrorStyle.Forbidden403Text)]
    public async Task A_wrong_key_is_a_401_error_that_does_not_show_the_key(SabnzbdKeyErrorStyle style)
    {
        _fake.KeyErrorStyle = style;
        const string wrong = "wrong0000000000000000000000000key";
        var host = new RecordingHost();
        using var client = NewClient(apiKey: wrong, host: host);

        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetQueueAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("StarrUnauthorized", error.ErrorId);
        Assert.Equal(StarrErrorCategory.AuthenticationError, error.Category);
        Assert.Equal("API Key Incorrect", error.ApiMessage);
        Assert.Contains("sabnzbd", error.Message);
        Assert.Contains("api?mode=queue", error.Message);
        Assert.NotNull(error.RecommendedAction);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, host.AllText);
    }

    [Fact]
    public async Task Calls_that_need_a_key_fail_before_sending_when_there_is_none()
    {
        using var client = NewClient(apiKey: null);

        var error = await Assert.ThrowsAsync<StarrConfigurationException>(() => client.GetQueueAsync(CancellationToken.None));

        Assert.Contains("SABNZBD_API_KEY", error.Message);
        Assert.Empty(_fake.Server.RequestsTo("GET", "/api"));
    }
}
