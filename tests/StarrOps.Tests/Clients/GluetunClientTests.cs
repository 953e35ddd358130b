using System.Net;
using StarrOps.Core;
using StarrOps.Core.Gluetun;
using StarrOps.Core.Instances;
using StarrOps.Tests.Clients.Fakes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Clients;

public sealed class GluetunClientTests : IAsyncLifetime
{
    private const string Key = "gluetun-control-key-0001";
    private GluetunFake _fake = null!;

    public async Task InitializeAsync() => _fake = await GluetunFake.StartAsync();
    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private GluetunClient NewClient(string? apiKey = null, RecordingHost? host = null) =>
        new(new StarrInstance("gluetun", ServiceKind.Gluetun, _fake.Server.Url, Secret.FromNullable(apiKey)), host);

    [Fact]
    public async Task Public_ip_reports_the_vpn_egress_and_where_it_is()
    {
        using var client = NewClient();

        var ip = await client.GetPublicIpAsync(CancellationToken.None);

        Assert.Equal(("gluetun", "203.0.113.7", "Netherlands", "Amsterdam"), (ip.Instance, ip.PublicIp, ip.Country, ip.City));
        Assert.Equal("AS9009 M247 Europe SRL", ip.Organization);
    }

    [Theory]
    [InlineData("running", true)]
    [InlineData("stopped", false)]
    public async Task Vpn_status_says_whether_the_tunnel_runs(string status, bool running)
    {
        _fake.VpnStatus = status;
        using var client = NewClient();

        var vpn = await client.GetVpnStatusAsync(CancellationToken.None);

        Assert.Equal(status, vpn.Status);
        Assert.Equal(running, vpn.IsRunning);
        Assert.Equal("v1/vpn/status", vpn.Source);
    }

    [Fact]
    public async Task Older_gluetun_is_asked_on_the_openvpn_route_after_a_404()
    {
        _fake.OnlyOpenVpnRoute = true;
        using var client = NewClient();

        var vpn = await client.GetVpnStatusAsync(CancellationToken.None);

        Assert.True(vpn.IsRunning);
        Assert.Equal("v1/openvpn/status", vpn.Source);
        Assert.Single(_fake.Server.RequestsTo("GET", "/v1/vpn/status"));
    }

    [Fact]
    public async Task The_key_is_sent_in_x_api_key_and_never_logged()
    {
        _fake.ApiKey = Key;
        var host = new RecordingHost();
        using var client = NewClient(Key, host);

        await client.GetPublicIpAsync(CancellationToken.None);

        Assert.Equal(Key, Assert.Single(_fake.Server.Requests).Header("X-API-Key"));
        Assert.DoesNotContain(Key, host.AllText);
    }

    [Fact]
    public async Task Without_the_key_gluetun_answers_401_and_the_error_says_which_setting_to_fix()
    {
        _fake.ApiKey = Key;
        using var client = NewClient();

        var error = await Assert.ThrowsAsync<StarrApiException>(() => client.GetVpnStatusAsync(CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("GLUETUN_API_KEY", error.RecommendedAction);
        Assert.Single(_fake.Server.Requests); // a 401 is not a 404: no fallback to the old route
    }
}
