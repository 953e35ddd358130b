using System.Net;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Gluetun;

/// <summary>What Gluetun says its VPN egress is: the public address the world sees and where it is.</summary>
public sealed record GluetunPublicIp
{
    public string Instance { get; init; } = "";
    /// <summary>The VPN's public IP ("" while the tunnel is not up yet).</summary>
    [JsonPropertyName("public_ip")] public string PublicIp { get; init; } = "";
    [JsonPropertyName("country")] public string? Country { get; init; }
    [JsonPropertyName("region")] public string? Region { get; init; }
    [JsonPropertyName("city")] public string? City { get; init; }
    [JsonPropertyName("organization")] public string? Organization { get; init; }
    [JsonPropertyName("hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("location")] public string? Location { get; init; }
    [JsonPropertyName("timezone")] public string? Timezone { get; init; }
}

/// <summary>The VPN process state: "running" or "stopped".</summary>
public sealed record GluetunVpnStatus
{
    public string Instance { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonIgnore] public bool IsRunning => string.Equals(Status, "running", StringComparison.OrdinalIgnoreCase);
    /// <summary>The route that answered: v1/vpn/status, or v1/openvpn/status on older Gluetun versions.</summary>
    [JsonIgnore] public string Source { get; init; } = "";
}

/// <summary>
/// Gluetun's HTTP control server (port 8000). Sends <c>X-API-Key</c> when the instance has a key; Gluetun answers 401
/// without one when its auth config asks for it.
/// </summary>
public sealed class GluetunClient : IDisposable
{
    private const string VpnStatusPath = "v1/vpn/status";
    private const string OpenVpnStatusPath = "v1/openvpn/status";
    private readonly StarrHttpClient _http;

    public GluetunClient(StarrInstance instance, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.EnsureKind(ServiceKind.Gluetun, "Gluetun");
        _http = new StarrHttpClient(instance, host, StarrHttpClient.ApiKeyHeader(instance, "X-API-Key"));
    }

    public StarrInstance Instance => _http.Instance;

    public async Task<GluetunPublicIp> GetPublicIpAsync(CancellationToken cancellationToken)
    {
        const string path = "v1/publicip/ip";
        var node = await GuardAsync(() => _http.GetJsonAsync(path, cancellationToken)).ConfigureAwait(false);
        return StarrHttpClient.Deserialize<GluetunPublicIp>(node, "GET", path) with { Instance = Instance.Name };
    }

    /// <summary>The VPN state from <c>/v1/vpn/status</c>, falling back to <c>/v1/openvpn/status</c> on Gluetun versions that predate it (404).</summary>
    public async Task<GluetunVpnStatus> GetVpnStatusAsync(CancellationToken cancellationToken)
    {
        var path = VpnStatusPath;
        JsonNode? node;
        try
        {
            node = await GuardAsync(() => _http.GetJsonAsync(path, cancellationToken)).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            _http.Host.WriteVerbose($"{Instance.Name}: {VpnStatusPath} not found; trying {OpenVpnStatusPath} (older Gluetun)");
            path = OpenVpnStatusPath;
            node = await GuardAsync(() => _http.GetJsonAsync(path, cancellationToken)).ConfigureAwait(false);
        }
        return StarrHttpClient.Deserialize<GluetunVpnStatus>(node, "GET", path) with { Instance = Instance.Name, Source = path };
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new StarrApiException(ex.Instance, ex.Method, ex.Path, ex.StatusCode, ex.ApiMessage, ex.Failures, ex.DebugDetail)
            {
                RecommendedAction = Instance.HasApiKey
                    ? $"Gluetun rejected the key: set {Instance.Kind.EnvironmentPrefix()}_API_KEY to a key listed in Gluetun's control-server auth config (HTTP_CONTROL_SERVER_AUTH_CONFIG_FILEPATH)."
                    : $"Gluetun's control server requires a key: set {Instance.Kind.EnvironmentPrefix()}_API_KEY to one listed in its auth config.",
            };
        }
    }
}
