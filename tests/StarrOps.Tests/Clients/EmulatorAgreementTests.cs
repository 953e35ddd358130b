using StarrOps.Core.Gluetun;
using StarrOps.Core.Instances;
using StarrOps.Core.Jellyfin;
using StarrOps.TestKit;

namespace StarrOps.Tests.Clients;

/// <summary>
/// The Gluetun and Jellyfin clients against the TestKit's emulators too, so the client, the emulator and the small
/// fakes in Clients/Fakes cannot drift apart on the shapes they share.
/// </summary>
public sealed class EmulatorAgreementTests
{
    [Fact]
    public async Task Gluetun_client_reads_the_emulated_control_server_with_its_key()
    {
        await using var gluetun = new EmulatedGluetun(new EmulatedGluetunOptions());
        await gluetun.StartAsync();
        gluetun.PublicIp = "198.51.100.9";
        gluetun.VpnStatus = "stopped";
        using var client = new GluetunClient(new StarrInstance("gluetun", ServiceKind.Gluetun, gluetun.Url, new Secret(gluetun.ApiKey)));

        var ip = await client.GetPublicIpAsync(CancellationToken.None);
        var vpn = await client.GetVpnStatusAsync(CancellationToken.None);

        Assert.Equal(("198.51.100.9", gluetun.Country), (ip.PublicIp, ip.Country));
        Assert.False(vpn.IsRunning);
    }

    [Fact]
    public async Task Jellyfin_client_logs_in_creates_a_key_and_uses_it_on_the_emulated_jellyfin()
    {
        await using var jellyfin = new EmulatedJellyfin(new EmulatedJellyfinOptions());
        await jellyfin.StartAsync();
        using var admin = new JellyfinClient(new StarrInstance("jellyfin", ServiceKind.Jellyfin, jellyfin.Url,
            userName: jellyfin.AdminUserName, password: new Secret(jellyfin.AdminPassword)));

        await admin.AuthenticateAsync(null, null, CancellationToken.None);
        var key = await admin.GetOrCreateApiKeyAsync("starrops-test", CancellationToken.None);
        var again = await admin.GetOrCreateApiKeyAsync("starrops-test", CancellationToken.None);
        using var withKey = new JellyfinClient(new StarrInstance("jellyfin", ServiceKind.Jellyfin, jellyfin.Url, key.AccessToken));
        var info = await withKey.GetSystemInfoAsync(CancellationToken.None);

        Assert.Equal(key.AccessToken, again.AccessToken);
        Assert.Single(jellyfin.ApiKeys, k => k["AppName"]!.GetValue<string>() == "starrops-test");
        Assert.Equal(jellyfin.ServerName, info.ServerName);
    }
}
