using System.Net;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Jellyfin;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Clients;

public sealed class JellyfinClientTests : IAsyncLifetime
{
    private JellyfinFake _fake = null!;

    public async Task InitializeAsync() => _fake = await JellyfinFake.StartAsync();
    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private JellyfinClient NewClient(string? apiKey = null, string? user = null, string? password = null, RecordingHost? host = null) =>
        new(new StarrInstance("jellyfin", ServiceKind.Jellyfin, _fake.Server.Url, Secret.FromNullable(apiKey), user, Secret.FromNullable(password)), host);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Public_info_tells_whether_the_startup_wizard_is_done(bool completed)
    {
        _fake.WizardCompleted = completed;
        using var client = NewClient();

        var info = await client.GetPublicInfoAsync(CancellationToken.None);

        Assert.Equal(("jellyfin", "10.11.11", "starrops-jellyfin", completed), (info.Instance, info.Version, info.ServerName, info.StartupWizardCompleted));
    }

    [Fact]
    public async Task Login_sends_the_mediabrowser_client_header_and_then_uses_the_token()
    {
        using var client = NewClient(user: JellyfinFake.AdminUser, password: JellyfinFake.AdminPassword);

        var session = await client.AuthenticateAsync(null, null, CancellationToken.None);
        var system = await client.GetSystemInfoAsync(CancellationToken.None);

        var login = Assert.Single(_fake.Server.RequestsTo("POST", "/Users/AuthenticateByName"));
        var header = JellyfinFake.ClientHeader(login);
        Assert.NotNull(header);
        Assert.Equal("StarrOps", header["Client"]);
        Assert.Equal("starrops-jellyfin", header["DeviceId"]);
        Assert.Equal(JellyfinFake.AdminUser, login.Json!["Username"]!.GetValue<string>());
        Assert.Equal(new Secret(JellyfinFake.UserToken), session.AccessToken);
        Assert.True(session.IsAdministrator);
        Assert.Equal("6d8d9d2cca40434d9f89e6ff7e0eb68c", session.UserId);
        Assert.Equal("10.11.11", system.Version);
        var info = Assert.Single(_fake.Server.RequestsTo("GET", "/System/Info"));
        Assert.Contains($"Token=\"{JellyfinFake.UserToken}\"", info.Header("Authorization"));
    }

    [Fact]
    public async Task A_wrong_password_is_a_login_error_that_never_shows_the_password()
    {
        const string wrong = "not-the-admin-password";
        var host = new RecordingHost();
        using var client = NewClient(user: JellyfinFake.AdminUser, password: wrong, host: host);

        var error = await Assert.ThrowsAsync<StarrLoginException>(() => client.AuthenticateAsync(null, null, CancellationToken.None));

        Assert.Contains("jellyfin", error.Message);
        Assert.Contains("'admin'", error.Message);
        Assert.Contains("JELLYFIN_USERNAME/JELLYFIN_PASSWORD", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, host.AllText);
    }

    [Fact]
    public async Task An_api_key_works_without_logging_in_and_a_wrong_one_is_a_401()
    {
        _fake.AddKey("starrops", JellyfinFake.ExistingKey, DateTimeOffset.UtcNow);
        using var good = NewClient(apiKey: JellyfinFake.ExistingKey);
        using var bad = NewClient(apiKey: "deadbeefdeadbeefdeadbeefdeadbeef");

        var info = await good.GetSystemInfoAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<StarrApiException>(() => bad.GetSystemInfoAsync(CancellationToken.None));

        Assert.Equal("starrops-jellyfin", info.ServerName);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.DoesNotContain("deadbeefdeadbeefdeadbeefdeadbeef", error.Message);
    }

    [Fact]
    public async Task Calls_that_need_a_token_say_so_before_sending()
    {
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<StarrConfigurationException>(() => client.GetApiKeysAsync(CancellationToken.None));

        Assert.Contains("JELLYFIN_API_KEY", error.Message);
        Assert.Empty(_fake.Server.RequestsTo("GET", "/Auth/Keys"));
    }

    [Fact]
    public async Task A_created_api_key_is_read_back_from_the_key_list()
    {
        _fake.AddKey("other-app", "11111111111111111111111111111111", DateTimeOffset.UtcNow.AddDays(-1));
        var host = new RecordingHost();
        using var client = NewClient(user: JellyfinFake.AdminUser, password: JellyfinFake.AdminPassword, host: host);
        await client.AuthenticateAsync(null, null, CancellationToken.None);

        var key = await client.CreateApiKeyAsync("jellyseerr", CancellationToken.None);

        Assert.Equal("jellyseerr", key.AppName);
        Assert.Equal(["other-app", "jellyseerr"], _fake.KeyApps);
        Assert.NotEqual(new Secret("11111111111111111111111111111111"), key.AccessToken);
        var post = Assert.Single(_fake.Server.RequestsTo("POST", "/Auth/Keys"));
        Assert.Equal("jellyseerr", post.QueryValue("app"));
        Assert.DoesNotContain(JellyfinFake.UserToken, host.AllText);
        Assert.Equal("(secret)", key.AccessToken.ToString());
    }

    [Fact]
    public async Task Get_or_create_reuses_an_existing_key_of_the_app()
    {
        _fake.AddKey("starrops", JellyfinFake.ExistingKey, DateTimeOffset.UtcNow);
        using var client = NewClient(apiKey: JellyfinFake.ExistingKey);

        var key = await client.GetOrCreateApiKeyAsync("starrops", CancellationToken.None);

        Assert.Equal(new Secret(JellyfinFake.ExistingKey), key.AccessToken);
        Assert.Empty(_fake.Server.RequestsTo("POST", "/Auth/Keys"));
    }

    [Fact]
    public async Task Libraries_list_names_types_and_folders()
    {
        using var client = NewClient(user: JellyfinFake.AdminUser, password: JellyfinFake.AdminPassword);
        await client.AuthenticateAsync(null, null, CancellationToken.None);

        var libraries = await client.GetVirtualFoldersAsync(CancellationToken.None);

        Assert.Equal(["Movies", "TV Shows"], libraries.Select(l => l.Name));
        Assert.Equal(["movies", "tvshows"], libraries.Select(l => l.CollectionType));
        Assert.Equal(["/media/tv"], libraries[1].Locations);
        Assert.All(libraries, l => Assert.Equal("jellyfin", l.Instance));
    }
}
