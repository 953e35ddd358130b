using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;
using StarrOps.Core.Jellyseerr;
using StarrOps.TestKit;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Clients;

/// <summary>The Jellyseerr client against the TestKit's emulated Jellyseerr (with an emulated Jellyfin, Sonarr and Radarr beside it).</summary>
public sealed class JellyseerrClientTests : IAsyncLifetime
{
    private const string SonarrKey = "b0000000000000000000000000000002";
    private EmulatedStack _stack = null!;

    public async Task InitializeAsync() => _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions
    {
        Lidarr = [],
        Prowlarr = false,
        Gluetun = false,
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private JellyseerrClient NewClient(RecordingHost? host = null, string? apiKey = null) =>
        new(new StarrInstance("jellyseerr", ServiceKind.Jellyseerr, _stack.Jellyseerr.Url, new Secret(apiKey ?? _stack.Jellyseerr.ApiKey)), host);

    private static JellyseerrServer NewSonarr(string name = "Sonarr") => new()
    {
        Kind = JellyseerrServerKind.Sonarr,
        Name = name,
        Hostname = "sonarr",
        Port = 8989,
        ApiKey = new Secret(SonarrKey),
        BaseUrl = "",
        ActiveProfileId = 1,
        ActiveProfileName = "Any",
        ActiveDirectory = "/data/media/tv",
        IsDefault = true,
        EnableSeasonFolders = true,
    };

    [Fact]
    public async Task Before_setup_status_answers_but_settings_are_403_with_a_hint()
    {
        using var client = NewClient();

        var status = await client.GetStatusAsync(CancellationToken.None);
        var state = await client.GetSetupStateAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetServersAsync(JellyseerrServerKind.Sonarr, CancellationToken.None));

        Assert.Equal(("jellyseerr", "3.1.0"), (status.Instance, status.Version));
        Assert.False(state.Initialized);
        Assert.False(state.ApiKeyAccepted);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Contains("You do not have permission", error.Message);
        Assert.Contains("first-time setup", error.RecommendedAction);
        Assert.Contains("JELLYSEERR_API_KEY", error.RecommendedAction);
    }

    [Fact]
    public async Task Setup_with_a_jellyfin_admin_opens_the_api_key_and_initialize_finishes_it()
    {
        var host = new RecordingHost();
        using var client = NewClient(host);
        var jellyfin = _stack.Jellyfin;

        var owner = await client.SetupWithJellyfinAsync(new JellyseerrJellyfinSetup
        {
            Hostname = "jellyfin",
            Port = 8096,
            UserName = jellyfin.AdminUserName,
            Password = new Secret(jellyfin.AdminPassword),
            Email = "admin@example.com",
        }, CancellationToken.None);
        var afterSetup = await client.GetSetupStateAsync(CancellationToken.None);
        await client.InitializeAsync(CancellationToken.None);

        Assert.Equal(1, owner.Id);
        Assert.Equal(jellyfin.AdminUserName, owner.JellyfinUserName);
        Assert.True(afterSetup.ApiKeyAccepted);
        Assert.False(afterSetup.Initialized);
        Assert.True(await client.IsSetUpAsync(CancellationToken.None));
        var settings = await client.GetJellyfinSettingsAsync(CancellationToken.None);
        Assert.Equal(("jellyfin", 8096), (settings.Ip, settings.Port));
        Assert.NotNull(settings.ApiKey);
        Assert.DoesNotContain(jellyfin.AdminPassword, host.AllText);
    }

    [Fact]
    public async Task Setup_with_a_wrong_jellyfin_password_is_a_login_error_without_the_password()
    {
        const string wrong = "not-the-jellyfin-password";
        var host = new RecordingHost();
        using var client = NewClient(host);

        var error = await Assert.ThrowsAsync<StarrLoginException>(() => client.SetupWithJellyfinAsync(new JellyseerrJellyfinSetup
        {
            Hostname = "jellyfin",
            UserName = "admin",
            Password = new Secret(wrong),
        }, CancellationToken.None));

        Assert.Contains("'admin'", error.Message);
        Assert.Contains("INVALID_CREDENTIALS", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, host.AllText);
        Assert.False(_stack.Jellyseerr.IsSetUp);
    }

    [Fact]
    public async Task Adding_appends_entries_with_ids_from_zero_and_never_logs_the_apps_key()
    {
        _stack.Jellyseerr.CompleteSetup();
        var host = new RecordingHost();
        using var client = NewClient(host);

        var first = await client.AddServerAsync(NewSonarr(), CancellationToken.None);
        var second = await client.AddServerAsync(NewSonarr("Sonarr 4K") with { Is4k = true }, CancellationToken.None);
        var listed = await client.GetServersAsync(JellyseerrServerKind.Sonarr, CancellationToken.None);

        Assert.Equal((0, 1), (first.Id, second.Id));
        Assert.Equal(["Sonarr", "Sonarr 4K"], listed.Select(s => s.Name));
        Assert.Equal(new Secret(SonarrKey), listed[0].ApiKey);
        Assert.Equal("(secret)", listed[0].ApiKey!.ToString());
        Assert.Equal(SonarrKey, _stack.Jellyseerr.SonarrSettings[0]["apiKey"]!.GetValue<string>());
        Assert.DoesNotContain(SonarrKey, host.AllText);
        Assert.DoesNotContain(SonarrKey, listed[0].ToString());
    }

    [Fact]
    public async Task A_radarr_entry_needs_minimum_availability_and_is_refused_before_sending_without_it()
    {
        _stack.Jellyseerr.CompleteSetup();
        using var client = NewClient();
        var radarr = NewSonarr("Radarr") with { Kind = JellyseerrServerKind.Radarr, Hostname = "radarr", Port = 7878, EnableSeasonFolders = null };

        var error = await Assert.ThrowsAsync<StarrConfigurationException>(() => client.AddServerAsync(radarr, CancellationToken.None));
        var added = await client.AddServerAsync(radarr with { MinimumAvailability = "released" }, CancellationToken.None);

        Assert.Contains("minimumAvailability", error.Message);
        Assert.Equal("released", added.MinimumAvailability);
        Assert.Single(_stack.Jellyseerr.RadarrSettings);
        Assert.Equal(1, _stack.Jellyseerr.Requests.Count("POST", "/api/v1/settings/radarr"));
    }

    [Fact]
    public async Task Update_preserves_unmanaged_fields()
    {
        _stack.Jellyseerr.CompleteSetup();
        await SeedSonarrWithUnknownFieldAsync();
        using var client = NewClient();
        var fetched = Assert.Single(await client.GetServersAsync(JellyseerrServerKind.Sonarr, CancellationToken.None));

        var updated = await client.UpdateServerAsync(fetched with { ActiveDirectory = "/data/media/tv2" }, CancellationToken.None);

        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal("/data/media/tv2", stored["activeDirectory"]!.GetValue<string>());
        Assert.Equal("keep me", stored["futureField"]!.GetValue<string>());
        Assert.Equal(SonarrKey, stored["apiKey"]!.GetValue<string>());
        Assert.Equal("/data/media/tv2", updated.ActiveDirectory);
        var put = Assert.Single(_stack.Jellyseerr.Requests.Find("PUT", "/api/v1/settings/sonarr/0"));
        Assert.False(JsonNode.Parse(put.Body!)!.AsObject().ContainsKey("id"));
    }

    [Fact]
    public async Task Update_of_an_entry_that_was_not_read_first_reads_it_and_keeps_the_rest()
    {
        _stack.Jellyseerr.CompleteSetup();
        await SeedSonarrWithUnknownFieldAsync();
        using var client = NewClient();
        var desired = NewSonarr() with { Id = 0, ApiKey = null, ActiveProfileName = "HD-1080p", ActiveProfileId = 4 };

        await client.UpdateServerAsync(desired, CancellationToken.None);

        var stored = Assert.Single(_stack.Jellyseerr.SonarrSettings);
        Assert.Equal("HD-1080p", stored["activeProfileName"]!.GetValue<string>());
        Assert.Equal("keep me", stored["futureField"]!.GetValue<string>());
        Assert.Equal(SonarrKey, stored["apiKey"]!.GetValue<string>()); // null ApiKey keeps the stored key
    }

    [Fact]
    public async Task Updating_a_missing_entry_is_a_404()
    {
        _stack.Jellyseerr.CompleteSetup();
        using var client = NewClient();
        var added = await client.AddServerAsync(NewSonarr(), CancellationToken.None);

        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.UpdateServerAsync(added with { Id = 99 }, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("Settings instance not found", error.Message);
    }

    [Fact]
    public async Task Remove_deletes_the_entry()
    {
        _stack.Jellyseerr.CompleteSetup();
        using var client = NewClient();
        var added = await client.AddServerAsync(NewSonarr(), CancellationToken.None);

        await client.RemoveServerAsync(JellyseerrServerKind.Sonarr, added.Id!.Value, CancellationToken.None);

        Assert.Empty(_stack.Jellyseerr.SonarrSettings);
    }

    [Fact]
    public async Task Testing_a_server_returns_its_profiles_and_root_folders()
    {
        _stack.Jellyseerr.CompleteSetup();
        using var client = NewClient();
        var sonarr = _stack.Sonarr;

        var test = await client.TestServerAsync(JellyseerrServerKind.Sonarr, "sonarr", 8989, new Secret(sonarr.ApiKey), false, null, CancellationToken.None);
        var unreachable = await Assert.ThrowsAsync<StarrApiException>(() =>
            client.TestServerAsync(JellyseerrServerKind.Sonarr, "sonarr", 18999, new Secret(sonarr.ApiKey), false, null, CancellationToken.None));

        Assert.NotEmpty(test.Profiles);
        Assert.All(test.Profiles, p => Assert.False(string.IsNullOrEmpty(p.Name)));
        Assert.Equal(sonarr.RootFolders.Select(f => f["path"]!.GetValue<string>()), test.RootFolders.Select(f => f.Path));
        Assert.Equal(HttpStatusCode.InternalServerError, unreachable.StatusCode);
        Assert.Contains("Failed to connect to Sonarr", unreachable.Message);
    }

    [Fact]
    public async Task Jellyfin_settings_change_only_the_given_fields()
    {
        _stack.Jellyseerr.CompleteSetup(jellyfinHost: "jellyfin", jellyfinPort: 8096, jellyfinApiKey: _stack.Jellyfin.ApiKey);
        using var client = NewClient();

        var changed = await client.SetJellyfinSettingsAsync(new JellyseerrJellyfinConnection { ExternalHostname = "https://jellyfin.example.test" }, CancellationToken.None);

        Assert.Equal("https://jellyfin.example.test", changed.ExternalHostname);
        Assert.Equal(("jellyfin", 8096), (changed.Ip, changed.Port));
        Assert.Equal(new Secret(_stack.Jellyfin.ApiKey), changed.ApiKey);
        var post = Assert.Single(_stack.Jellyseerr.Requests.Find("POST", "/api/v1/settings/jellyfin"));
        Assert.Equal(["externalHostname"], JsonNode.Parse(post.Body!)!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Main_settings_mask_jellyseerrs_own_api_key()
    {
        _stack.Jellyseerr.CompleteSetup();
        using var client = NewClient();

        var main = await client.GetMainSettingsAsync(CancellationToken.None);

        Assert.Equal(2, main.MediaServerType);
        Assert.Equal(StarrHttpClient.MaskedValue, main.Raw["apiKey"]!.GetValue<string>());
        Assert.DoesNotContain(_stack.Jellyseerr.ApiKey, main.Raw.ToJsonString());
    }

    [Fact]
    public void Jellyseerrs_400_shape_is_parsed_into_field_failures()
    {
        const string body = """
            {"message": "request.body should have required property 'port', request.body.useSsl should be boolean",
             "errors": [{"path": ".body.port", "message": "should have required property 'port'", "errorCode": "required.openapi.validation"},
                        {"path": ".body.useSsl", "message": "should be boolean", "errorCode": "type.openapi.validation"}]}
            """;

        var error = StarrErrorParser.Parse("jellyseerr", "POST", "api/v1/settings/sonarr", HttpStatusCode.BadRequest, body);

        Assert.Equal([(".body.port", "should have required property 'port'"), (".body.useSsl", "should be boolean")],
            error.Failures.Select(f => (f.PropertyName, f.ErrorMessage)));
        Assert.Contains(".body.useSsl: should be boolean", error.Message);
    }

    private async Task SeedSonarrWithUnknownFieldAsync()
    {
        var entry = new JsonObject
        {
            ["name"] = "Sonarr", ["hostname"] = "sonarr", ["port"] = 8989, ["apiKey"] = SonarrKey, ["useSsl"] = false, ["baseUrl"] = "",
            ["activeProfileId"] = 1, ["activeProfileName"] = "Any", ["activeDirectory"] = "/data/media/tv", ["is4k"] = false,
            ["enableSeasonFolders"] = true, ["isDefault"] = true, ["futureField"] = "keep me",
        };
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _stack.Jellyseerr.BaseAddress + "/api/v1/settings/sonarr")
        {
            Content = new StringContent(entry.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", _stack.Jellyseerr.ApiKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }
}
