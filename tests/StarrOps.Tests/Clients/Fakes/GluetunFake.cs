using Microsoft.AspNetCore.Http;

namespace StarrOps.Tests.Clients.Fakes;

/// <summary>
/// A fake Gluetun control server: /v1/publicip/ip and /v1/vpn/status (or only the older /v1/openvpn/status),
/// with an optional key in X-API-Key (401 without it).
/// </summary>
internal sealed class GluetunFake : IAsyncDisposable
{
    private GluetunFake(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    /// <summary>The key Gluetun's auth config asks for; null for no auth.</summary>
    public string? ApiKey { get; set; }
    /// <summary>Gluetun before /v1/vpn/status existed.</summary>
    public bool OnlyOpenVpnRoute { get; set; }
    public string VpnStatus { get; set; } = "running";

    public static async Task<GluetunFake> StartAsync()
    {
        GluetunFake? fake = null;
        var server = await LoopbackServer.StartAsync((context, request) => fake!.HandleAsync(context, request));
        fake = new GluetunFake(server);
        return fake;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (ApiKey is not null && request.Header("X-API-Key") != ApiKey) return LoopbackServer.Text(context, 401, "Unauthorized");
        return (request.Method, request.Path) switch
        {
            ("GET", "/v1/publicip/ip") => LoopbackServer.Json(context, 200,
                """{"public_ip":"203.0.113.7","region":"Noord-Holland","country":"Netherlands","city":"Amsterdam","location":"52.3740,4.8897","organization":"AS9009 M247 Europe SRL","postal_code":"1012","timezone":"Europe/Amsterdam"}"""),
            ("GET", "/v1/vpn/status") when !OnlyOpenVpnRoute => LoopbackServer.Json(context, 200, $$"""{"status":"{{VpnStatus}}"}"""),
            ("GET", "/v1/openvpn/status") => LoopbackServer.Json(context, 200, $$"""{"status":"{{VpnStatus}}"}"""),
            _ => LoopbackServer.Text(context, 404, "404 page not found"),
        };
    }
}
