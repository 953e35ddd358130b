using System.Net;
using StarrOps.Core;
using StarrOps.Core.Bazarr;
using StarrOps.Core.Instances;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Clients;

public sealed class BazarrClientTests : IAsyncLifetime
{
    private const string SonarrKey = "b0000000000000000000000000000002";
    private BazarrFake _fake = null!;

    public async Task InitializeAsync() => _fake = await BazarrFake.StartAsync();
    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private BazarrClient NewClient(RecordingHost? host = null, string apiKey = BazarrFake.ApiKey) =>
        new(new StarrInstance("bazarr", ServiceKind.Bazarr, _fake.Server.Url, new Secret(apiKey)), host);

    private static BazarrConnection Sonarr(int port = 8989, string baseUrl = "") =>
        new() { Ip = "sonarr.media.svc", Port = port, BaseUrl = baseUrl, Ssl = false, ApiKey = new Secret(SonarrKey) };

    [Fact]
    public async Task Status_reports_bazarrs_version_and_disabled_apps()
    {
        using var client = NewClient();

        var status = await client.GetStatusAsync(CancellationToken.None);

        Assert.Equal(("bazarr", "1.5.2", "", ""), (status.Instance, status.BazarrVersion, status.SonarrVersion, status.RadarrVersion));
        Assert.Equal(BazarrLinkState.Disabled, status.Sonarr);
    }

    [Theory]
    [InlineData("", BazarrLinkState.Disabled)]
    [InlineData("unknown", BazarrLinkState.Unreachable)]
    [InlineData("4.0.19.0", BazarrLinkState.Connected)]
    public void Link_state_follows_the_reported_version(string version, BazarrLinkState expected) =>
        Assert.Equal(expected, BazarrStatus.StateOf(version));

    [Fact]
    public async Task Settings_read_the_connections_and_mask_every_secret_in_raw()
    {
        _fake.Set("sonarr", "apikey", SonarrKey);
        using var client = NewClient();

        var settings = await client.GetSettingsAsync(CancellationToken.None);

        Assert.False(settings.UseSonarr);
        Assert.Equal(("127.0.0.1", 8989, "/", false), (settings.Sonarr.Ip, settings.Sonarr.Port, settings.Sonarr.BaseUrl, settings.Sonarr.Ssl));
        Assert.Equal(new Secret(SonarrKey), settings.Sonarr.ApiKey);
        Assert.Equal("(secret)", settings.Sonarr.ApiKey!.ToString());
        Assert.Equal("********", settings.Raw["sonarr"]!["apikey"]!.GetValue<string>());
        Assert.Equal("********", settings.Raw["auth"]!["apikey"]!.GetValue<string>());
        Assert.Equal("********", settings.Raw["opensubtitlescom"]!["password"]!.GetValue<string>());
        Assert.Equal("someone", settings.Raw["opensubtitlescom"]!["username"]!.GetValue<string>());
        Assert.DoesNotContain(SonarrKey, settings.Raw.ToJsonString());
    }

    [Fact]
    public async Task Set_settings_posts_only_the_given_keys_as_a_form()
    {
        using var client = NewClient();

        await client.SetSettingsAsync([new("sonarr", "port", 18989), new("sonarr", "ssl", true)], CancellationToken.None);

        var post = Assert.Single(_fake.SettingsPosts);
        Assert.StartsWith("application/x-www-form-urlencoded", post.Header("Content-Type"));
        Assert.Equal([KeyValuePair.Create("settings-sonarr-port", "18989"), KeyValuePair.Create("settings-sonarr-ssl", "true")], post.Form);
        Assert.Equal(18989, _fake.Settings["sonarr"]!["port"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_the_valid_names_before_anything_is_sent()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<StarrConfigurationException>(() =>
            client.SetSettingsAsync([new("sonarr", "hostname", "sonarr")], CancellationToken.None));

        Assert.Contains("'hostname'", error.Message);
        Assert.Contains("ip, only_monitored, port", error.Message);
        Assert.Empty(_fake.SettingsPosts);
    }

    [Fact]
    public async Task A_bad_value_surfaces_bazarrs_406_reason()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<StarrApiException>(() =>
            client.SetSettingsAsync([new("radarr", "port", 70000)], CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotAcceptable, error.StatusCode);
        Assert.Equal("radarr.port must lte 65535 but it is 70000", error.ApiMessage);
        Assert.Equal(7878, _fake.Settings["radarr"]!["port"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_wrong_bazarr_key_is_a_401()
    {
        using var client = NewClient(apiKey: "wrongkey-wrongkey");

        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetStatusAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain("wrongkey-wrongkey", error.Message);
    }

    [Fact]
    public async Task Connect_writes_the_fields_with_the_app_disabled_then_enables_it()
    {
        _fake.ReachablePorts.Add(18989);
        var host = new RecordingHost();
        using var client = NewClient(host);

        var result = await client.ConnectAsync(BazarrTarget.Sonarr, Sonarr(port: 18989), null, CancellationToken.None);

        Assert.True(result.Applied);
        Assert.Equal(BazarrLinkState.Connected, result.State);
        Assert.Equal("4.0.19.0", result.AppVersion);
        var posts = _fake.SettingsPosts;
        Assert.Equal(2, posts.Count);
        Assert.Equal(
            [
                KeyValuePair.Create("settings-general-use_sonarr", "false"),
                KeyValuePair.Create("settings-sonarr-ip", "sonarr.media.svc"),
                KeyValuePair.Create("settings-sonarr-port", "18989"),
                KeyValuePair.Create("settings-sonarr-apikey", SonarrKey),
            ],
            posts[0].Form);
        Assert.Equal([KeyValuePair.Create("settings-general-use_sonarr", "true")], posts[1].Form);
        Assert.Contains(result.Changes, c => c.Setting == "sonarr.apikey" && c.IsSecret && c.NewValue is null);
        Assert.Single(host.Questions);
        Assert.DoesNotContain(SonarrKey, host.AllText);
        Assert.DoesNotContain(SonarrKey, string.Join("\n", result.Changes));
    }

    [Fact]
    public async Task Connect_changes_nothing_when_bazarr_already_matches_and_slash_base_urls_count_as_equal()
    {
        _fake.Set("sonarr", "ip", "sonarr.media.svc");
        _fake.Set("sonarr", "apikey", SonarrKey);
        _fake.Set("sonarr", "base_url", "");
        _fake.Set("general", "use_sonarr", true);
        using var client = NewClient();

        var result = await client.ConnectAsync(BazarrTarget.Sonarr, Sonarr(baseUrl: "/"), null, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Empty(result.Changes);
        Assert.Equal(BazarrLinkState.Connected, result.State);
        Assert.Empty(_fake.SettingsPosts);
    }

    [Fact]
    public async Task Connect_compares_base_urls_without_trailing_slashes()
    {
        _fake.Set("sonarr", "ip", "sonarr.media.svc");
        _fake.Set("sonarr", "apikey", SonarrKey);
        _fake.Set("sonarr", "base_url", "/sonarr");
        _fake.Set("general", "use_sonarr", true);
        using var client = NewClient();

        var result = await client.ConnectAsync(BazarrTarget.Sonarr, Sonarr(baseUrl: "/sonarr/"), null, CancellationToken.None);

        Assert.Empty(result.Changes);
        Assert.Empty(_fake.SettingsPosts);
    }

    [Fact]
    public async Task Connect_asks_first_and_writes_nothing_when_declined()
    {
        var host = new RecordingHost(approve: false);
        using var client = NewClient(host);

        var result = await client.ConnectAsync(BazarrTarget.Radarr, Sonarr(port: 7878) with { Ip = "radarr" }, null, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Contains(result.Changes, c => c.Setting == "radarr.ip" && c.OldValue == "127.0.0.1" && c.NewValue == "radarr");
        Assert.Contains(result.Changes, c => c.Setting == "general.use_radarr");
        Assert.Contains(host.Questions, call => call.Action.Contains("Radarr"));
        Assert.Empty(_fake.SettingsPosts);
    }

    [Fact]
    public async Task Connect_stops_before_enabling_when_bazarr_cannot_reach_the_app()
    {
        var host = new RecordingHost();
        using var client = NewClient(host);

        var error = await Assert.ThrowsAsync<StarrConnectionException>(() =>
            client.ConnectAsync(BazarrTarget.Sonarr, Sonarr(port: 18999), TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Contains("cannot reach Sonarr at http://sonarr.media.svc:18999", error.Message);
        Assert.Contains("use_sonarr=false", error.Message);
        Assert.DoesNotContain(SonarrKey, error.Message);
        Assert.DoesNotContain(SonarrKey, host.AllText);
        Assert.DoesNotContain(_fake.SettingsPosts, p => p.Form.Contains(KeyValuePair.Create("settings-general-use_sonarr", "true")));
        Assert.Equal(18999, _fake.Settings["sonarr"]!["port"]!.GetValue<int>());
        Assert.False(_fake.Settings["general"]!["use_sonarr"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Connect_gives_a_clear_error_when_enabling_hangs()
    {
        _fake.TestRouteAvailable = false; // an older Bazarr: no pre-check, so the enable itself hangs
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<StarrConnectionException>(() =>
            client.ConnectAsync(BazarrTarget.Sonarr, Sonarr(port: 18999), TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.True(error.TimedOut);
        Assert.Contains("did not answer within 1 s while enabling Sonarr at http://sonarr.media.svc:18999", error.Message);
        Assert.NotNull(error.RecommendedAction);
        Assert.DoesNotContain(SonarrKey, error.Message);
    }
}
