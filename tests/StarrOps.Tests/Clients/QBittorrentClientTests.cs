using System.Net;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.QBittorrent;
using StarrOps.TestKit.Real;
using StarrOps.Tests.Clients.Fakes;
using Xunit.Abstractions;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Clients;

/// <summary>The qBittorrent client against the REAL qbittorrent-nox (see <see cref="QBittorrentNoxFixture"/>).</summary>
public sealed class QBittorrentClientTests(QBittorrentNoxFixture fixture, ITestOutputHelper output) : IClassFixture<QBittorrentNoxFixture>
{
    private bool Skipped()
    {
        if (fixture.SkipReason is null) return false;
        output.WriteLine(fixture.SkipReason);
        return true;
    }

    [Fact]
    public async Task Login_succeeds_and_reports_the_installed_version()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());

        var version = await client.GetVersionAsync(CancellationToken.None);
        var webApi = await client.GetWebApiVersionAsync(CancellationToken.None);

        Assert.Equal(QBittorrentNoxServer.InstalledVersion, Version.Parse(version));
        Assert.True(webApi >= new Version(2, 0), $"WebUI API {webApi}");
    }

    [Fact]
    public async Task Wrong_password_is_rejected_naming_the_instance_and_settings_but_not_the_password()
    {
        if (Skipped()) return;
        const string wrong = "definitely-not-the-password-31337";
        var host = new RecordingHost();
        using var client = new QBittorrentClient(fixture.NewInstance(password: wrong), host);

        var error = await Assert.ThrowsAsync<StarrLoginException>(() => client.GetVersionAsync(CancellationToken.None));

        Assert.Contains("qbittorrent", error.Message);
        Assert.Contains("login rejected", error.Message);
        Assert.Contains("QBITTORRENT_USERNAME/QBITTORRENT_PASSWORD", error.Message);
        Assert.Equal("StarrLoginRejected", error.ErrorId);
        Assert.Equal(StarrErrorCategory.AuthenticationError, error.Category);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(wrong, host.AllText);
    }

    [Fact]
    public async Task A_successful_login_never_writes_the_password_to_verbose_or_debug()
    {
        if (Skipped()) return;
        var host = new RecordingHost();
        using var client = new QBittorrentClient(fixture.NewInstance(), host);

        await client.LoginAsync(CancellationToken.None);
        await client.GetPreferencesAsync(CancellationToken.None);

        Assert.Contains("password=(secret)", host.AllText);
        Assert.DoesNotContain(fixture.Server!.Password, host.AllText);
    }

    [Fact]
    public async Task Preferences_show_the_session_bound_to_the_loopback_interface()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());

        var preferences = await client.GetPreferencesAsync(CancellationToken.None);

        Assert.Equal("qbittorrent", preferences.Instance);
        Assert.Equal("lo", preferences.CurrentNetworkInterface);
        Assert.Equal("127.0.0.1", preferences.CurrentInterfaceAddress);
        Assert.Equal(fixture.Server!.ListenPort, preferences.ListenPort);
        Assert.Equal("lo", preferences.Raw["current_network_interface"]?.GetValue<string>());
    }

    [Fact]
    public async Task Peer_discovery_and_port_forwarding_are_off()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());

        var preferences = await client.GetPreferencesAsync(CancellationToken.None);

        Assert.False(preferences.Dht, "DHT");
        Assert.False(preferences.Pex, "PeX");
        Assert.False(preferences.Lsd, "local peer discovery");
        Assert.False(preferences.Upnp, "UPnP/NAT-PMP");
    }

    [Fact]
    public async Task A_changed_preference_reads_back_and_others_stay_as_they_were()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());
        var before = await client.GetPreferencesAsync(CancellationToken.None);
        var wanted = before.Raw["max_active_downloads"]!.GetValue<int>() + 4;

        await client.SetPreferencesAsync(new Dictionary<string, object?> { ["max_active_downloads"] = wanted }, CancellationToken.None);
        var after = await client.GetPreferencesAsync(CancellationToken.None);

        Assert.Equal(wanted, after.Raw["max_active_downloads"]!.GetValue<int>());
        Assert.Equal(before.CurrentNetworkInterface, after.CurrentNetworkInterface);
        Assert.Equal(before.Dht, after.Dht);
    }

    [Fact]
    public async Task A_created_category_is_listed_and_creating_it_again_says_it_exists()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());
        var name = "tv-" + Guid.NewGuid().ToString("N")[..8];

        var created = await client.CreateCategoryAsync(name, null, CancellationToken.None);
        var listed = await client.GetCategoriesAsync(CancellationToken.None);
        var again = await Assert.ThrowsAsync<StarrApiException>(() => client.CreateCategoryAsync(name, null, CancellationToken.None));
        var ensured = await client.EnsureCategoryAsync(name, null, CancellationToken.None);

        Assert.Equal(name, created.Name);
        Assert.Contains(listed, c => c.Name == name && c.Instance == "qbittorrent");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already exists", again.Message);
        Assert.False(ensured);
    }

    [Fact]
    public async Task Ensure_category_creates_a_missing_one_with_its_save_path()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());
        var name = "movies-" + Guid.NewGuid().ToString("N")[..8];
        var savePath = Path.Combine(fixture.Server!.ProfileDirectory, "downloads", name);

        var created = await client.EnsureCategoryAsync(name, savePath, CancellationToken.None);
        var listed = await client.GetCategoriesAsync(CancellationToken.None);

        Assert.True(created);
        Assert.Equal(savePath, Assert.Single(listed, c => c.Name == name).SavePath.TrimEnd('/'));
    }

    [Fact]
    public async Task Transfer_info_reports_a_connection_status()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(fixture.NewInstance());

        var info = await client.GetTransferInfoAsync(CancellationToken.None);

        Assert.Contains(info.ConnectionStatus, new[] { "connected", "firewalled", "disconnected" });
        Assert.Equal("qbittorrent", info.Instance);
    }

    [Fact]
    public async Task An_expired_session_after_a_restart_is_renewed_by_logging_in_again()
    {
        if (Skipped()) return;
        var host = new RecordingHost();
        using var client = new QBittorrentClient(fixture.NewInstance(), host);
        await client.GetVersionAsync(CancellationToken.None);

        await fixture.Server!.RestartAsync();
        var version = await client.GetVersionAsync(CancellationToken.None);

        Assert.Equal(QBittorrentNoxServer.InstalledVersion, Version.Parse(version));
        Assert.Contains("session expired", host.AllText);
    }

    [Fact]
    public async Task Without_credentials_a_403_names_the_settings_to_set()
    {
        if (Skipped()) return;
        using var client = new QBittorrentClient(new StarrInstance("qbittorrent", ServiceKind.QBittorrent, fixture.Server!.Url));

        var error = await Assert.ThrowsAsync<StarrLoginException>(() => client.GetVersionAsync(CancellationToken.None));

        Assert.Contains("QBITTORRENT_USERNAME/QBITTORRENT_PASSWORD", error.Message);
    }

    [Fact]
    public void A_non_qbittorrent_instance_is_refused()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => new QBittorrentClient(new StarrInstance("sonarr", ServiceKind.Sonarr, new Uri("http://127.0.0.1:1"))));
        Assert.Contains("not a qBittorrent instance", error.Message);
    }
}

/// <summary>Repeated failures make qBittorrent ban the address; the error must say so instead of "wrong password".</summary>
public sealed class QBittorrentBanTests(BanningQBittorrentNoxFixture fixture, ITestOutputHelper output) : IClassFixture<BanningQBittorrentNoxFixture>
{
    [Fact]
    public async Task A_banned_address_gets_a_ban_error_even_with_the_right_password()
    {
        if (fixture.SkipReason is not null)
        {
            output.WriteLine(fixture.SkipReason);
            return;
        }
        using (var wrong = new QBittorrentClient(fixture.NewInstance(password: "wrong-password-1")))
            await Assert.ThrowsAsync<StarrLoginException>(() => wrong.LoginAsync(CancellationToken.None));
        using var right = new QBittorrentClient(fixture.NewInstance());

        var error = await Assert.ThrowsAsync<StarrLoginException>(() => right.LoginAsync(CancellationToken.None));

        Assert.True(error.Banned);
        Assert.Equal("StarrLoginBanned", error.ErrorId);
        Assert.Contains("banned", error.Message);
        Assert.DoesNotContain(fixture.Server!.Password, error.Message);
    }
}

/// <summary>The PBKDF2 hash the harness writes must be the one qBittorrent verifies (a wrong one would only show as a failed login).</summary>
public sealed class QBittorrentPasswordHashTests
{
    [Fact]
    public void Hash_has_qbittorrents_bytearray_shape_with_a_16_byte_salt_and_64_byte_key()
    {
        var salt = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();

        var hash = QBittorrentNoxServer.HashPassword("adminadmin", salt);

        Assert.StartsWith("@ByteArray(", hash);
        var parts = hash["@ByteArray(".Length..^1].Split(':');
        Assert.Equal(salt, Convert.FromBase64String(parts[0]));
        Assert.Equal(64, Convert.FromBase64String(parts[1]).Length);
        Assert.Equal(hash, QBittorrentNoxServer.HashPassword("adminadmin", salt));
        Assert.NotEqual(hash, QBittorrentNoxServer.HashPassword("adminadmin2", salt));
    }
}
