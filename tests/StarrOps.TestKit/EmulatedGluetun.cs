using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
namespace StarrOps.TestKit;

/// <summary>Settings for an emulated Gluetun control server.</summary>
public sealed class EmulatedGluetunOptions
{
    public string? Name { get; set; }

    /// <summary>The X-API-Key the control server requires (default: a random key).</summary>
    public string? ApiKey { get; set; }

    /// <summary>false = no auth configured: every request is accepted and <see cref="EmulatedServer.ApiKey"/> is "".</summary>
    public bool RequireApiKey { get; set; } = true;

    public EmulatedNetwork? Network { get; set; }
}

/// <summary>
/// Gluetun's HTTP control server (port 8000): GET /v1/publicip/ip → {"public_ip":…,"country":…},
/// GET/PUT /v1/vpn/status → {"status":"running"}, GET /v1/portforward → {"port":…} (and the older
/// /v1/openvpn/* paths). With an API key configured, requests without the right X-API-Key get 401.
/// Tests change what it reports through the settable properties.
/// </summary>
public sealed class EmulatedGluetun : EmulatedServer
{
    private readonly bool _requireKey;
    private volatile string _status = "running";

    public EmulatedGluetun(EmulatedGluetunOptions? options = null)
        : base(options?.Name ?? "gluetun", options?.RequireApiKey == false ? "" : options?.ApiKey, null, options?.Network)
    {
        _requireKey = options?.RequireApiKey != false;
    }

    public override string AppName => "Gluetun";

    /// <summary>The VPN's public IP (documentation range by default).</summary>
    public string PublicIp { get; set; } = "203.0.113.7";

    public string Country { get; set; } = "Netherlands";

    public string Region { get; set; } = "North Holland";

    public string City { get; set; } = "Amsterdam";

    public string Organization { get; set; } = "Example VPN B.V.";

    /// <summary>"running" or "stopped"; PUT /v1/vpn/status changes it too.</summary>
    public string VpnStatus
    {
        get => _status;
        set => _status = value;
    }

    /// <summary>The forwarded port (0 = none).</summary>
    public int PortForwarded { get; set; }

    protected override ValueTask<bool> AuthorizeAsync(HttpContext context)
    {
        if (!_requireKey || string.Equals(context.Request.Headers["X-API-Key"].ToString(), ApiKey, StringComparison.Ordinal)) return ValueTask.FromResult(true);
        return new ValueTask<bool>(Unauthorized(context));

        static async Task<bool> Unauthorized(HttpContext context)
        {
            await context.WriteEmptyAsync(401).ConfigureAwait(false);
            return false;
        }
    }

    protected override void MapRoutes(IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "GET", "/v1/publicip/ip", context => context.WriteJsonAsync(200, new JsonObject
        {
            ["public_ip"] = PublicIp,
            ["region"] = Region,
            ["country"] = Country,
            ["city"] = City,
            ["location"] = "52.3740,4.8897",
            ["organization"] = Organization,
            ["postal_code"] = "1012",
            ["timezone"] = "Europe/Amsterdam",
        }));
        foreach (var path in (string[])["/v1/vpn/status", "/v1/openvpn/status"])
        {
            Map(endpoints, "GET", path, context => context.WriteJsonAsync(200, new JsonObject { ["status"] = VpnStatus }));
            Map(endpoints, "PUT", path, SetStatusAsync);
        }
        Map(endpoints, "GET", "/v1/portforward", context => context.WriteJsonAsync(200, new JsonObject { ["port"] = PortForwarded }));
        Map(endpoints, "GET", "/v1/openvpn/portforwarded", context => context.WriteJsonAsync(200, new JsonObject { ["port"] = PortForwarded }));
    }

    private async Task SetStatusAsync(HttpContext context)
    {
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false)) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        var status = body?.GetString("status");
        if (status is not ("running" or "stopped"))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("invalid status", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        VpnStatus = status;
        await context.WriteJsonAsync(200, new JsonObject { ["outcome"] = status }).ConfigureAwait(false);
    }
}
