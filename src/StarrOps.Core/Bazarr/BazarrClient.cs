using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using static StarrOps.Core.Http.LenientJson;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Bazarr;

/// <summary>
/// Bazarr's API (header <c>X-API-KEY</c>). Settings are read as one document from <c>GET /api/system/settings</c> and written
/// as a form of only the keys that change (<c>settings-sonarr-port=…</c>): 204 on success, 406 with a JSON string when a value
/// has the wrong type (nothing saved). Bazarr accepts and stores unknown keys, so every key is checked against the document first.
/// </summary>
public sealed class BazarrClient : IDisposable
{
    /// <summary>How long enabling Sonarr/Radarr may take before StarrOps gives up (Bazarr never answers while the app is unreachable).</summary>
    public static readonly TimeSpan DefaultEnableTimeout = TimeSpan.FromSeconds(15);

    private const string SettingsPath = "api/system/settings";
    private readonly StarrHttpClient _http;
    private readonly Action<HttpRequestMessage>? _authenticate;

    public BazarrClient(StarrInstance instance, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.EnsureKind(ServiceKind.Bazarr, "Bazarr");
        if (!instance.HasApiKey)
            throw new StarrConfigurationException($"{instance.Name} (Bazarr) has no API key: set {instance.Kind.EnvironmentPrefix()}_API_KEY (Settings > General > Security in Bazarr, or auth.apikey in config.yaml).");
        _authenticate = StarrHttpClient.ApiKeyHeader(instance, "X-API-KEY");
        _http = new StarrHttpClient(instance, host, _authenticate);
    }

    public StarrInstance Instance => _http.Instance;

    public async Task<BazarrStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var node = await _http.GetJsonAsync("api/system/status", cancellationToken).ConfigureAwait(false);
        var data = node?["data"] as JsonObject ?? throw new StarrApiException(Instance.Name, "GET", "api/system/status", HttpStatusCode.OK,
            $"the answer has no 'data' object (is {Instance.Url} really Bazarr?)", [], null);
        return new BazarrStatus
        {
            Instance = Instance.Name,
            BazarrVersion = Text(data["bazarr_version"]),
            SonarrVersion = Text(data["sonarr_version"]),
            RadarrVersion = Text(data["radarr_version"]),
            PythonVersion = Text(data["python_version"]),
            OperatingSystem = Text(data["operating_system"]),
        };
    }

    public async Task<BazarrSettings> GetSettingsAsync(CancellationToken cancellationToken)
    {
        var node = await _http.GetJsonAsync(SettingsPath, cancellationToken).ConfigureAwait(false);
        if (node is not JsonObject document || document["general"] is not JsonObject general)
            throw new StarrApiException(Instance.Name, "GET", SettingsPath, HttpStatusCode.OK, $"the answer has no 'general' section (is {Instance.Url} really Bazarr?)", [], null);
        return new BazarrSettings
        {
            Instance = Instance.Name,
            UseSonarr = Bool(general["use_sonarr"]),
            UseRadarr = Bool(general["use_radarr"]),
            Sonarr = Connection(document["sonarr"]),
            Radarr = Connection(document["radarr"]),
            Raw = StarrHttpClient.MaskSecrets(document) as JsonObject ?? new JsonObject(),
        };
    }

    /// <summary>
    /// Writes the given settings only. Each section/key must exist in Bazarr's settings document (Bazarr would store a typo
    /// silently); a bad value makes Bazarr answer 406 with its reason, and nothing is saved.
    /// </summary>
    public async Task SetSettingsAsync(IReadOnlyList<BazarrSettingValue> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return;
        var settings = await GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(_http, settings.Raw, values, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks Bazarr to reach the app the way its Settings page's Test button does (from Bazarr's own network position).</summary>
    public async Task<BazarrConnectionTest> TestConnectionAsync(BazarrTarget target, BazarrConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var address = $"{connection.Ip}:{connection.Port}{BazarrSettings.NormaliseBaseUrl(connection.BaseUrl)}/api/v3/system/status";
        var label = $"test/{(connection.Ssl ? "https" : "http")}/{address}";
        var query = connection.ApiKey is { IsEmpty: false } key ? "?apikey=" + Uri.EscapeDataString(key.Reveal()) : "";
        var result = new BazarrConnectionTest { Instance = Instance.Name, Target = target, Url = connection.Url };
        JsonNode? node;
        try
        {
            using var response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Instance.Resolve(label + query)), label, cancellationToken).ConfigureAwait(false);
            node = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is StarrApiException or JsonException)
        {
            // Older or login-protected Bazarr versions: no verdict, not a failure.
            _http.Host.WriteVerbose($"{Instance.Name}: Bazarr's connection test is not available ({SecretRegistry.Redact(ex.Message)})");
            return result;
        }

        if (node?["status"] is not JsonValue status || status.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) return result;
        var reachable = status.GetValueKind() == JsonValueKind.True;
        return result with
        {
            Reachable = reachable,
            Version = reachable ? Text(node["version"]) : null,
            // Bazarr's error is the Python repr of the request failure, URL and key included.
            Error = reachable ? null : SecretRegistry.Redact(Text(node["error"])),
        };
    }

    /// <summary>
    /// Connects Bazarr to Sonarr or Radarr as DESIGN.md describes: compare with the stored settings (base URLs without
    /// trailing slashes), and when something differs write the connection fields with use_x=false, check with Bazarr's
    /// own connection test that the app is reachable, then enable it with a short timeout, because Bazarr never answers
    /// an enable while the app is unreachable. Asks <see cref="IStarrHost.ShouldProcess"/> before writing.
    /// </summary>
    /// <param name="enableTimeout">How long the enabling POST may take; <see cref="DefaultEnableTimeout"/> when null.</param>
    public async Task<BazarrConnectResult> ConnectAsync(BazarrTarget target, BazarrConnection desired, TimeSpan? enableTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        if (string.IsNullOrWhiteSpace(desired.Ip) || desired.Port is <= 0 or > 65535)
            throw new StarrConfigurationException($"{Instance.Name}: connecting Bazarr to {target} needs a host name and a port between 1 and 65535 (got '{desired.Ip}', {desired.Port}).");

        var useKey = "use_" + target.ToString().ToLowerInvariant();
        var settings = await GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        var current = settings.ConnectionOf(target);
        var (changes, writes) = Compare(settings, target, desired);
        var enabled = settings.Uses(target);

        var result = new BazarrConnectResult { Instance = Instance.Name, Target = target, Url = desired.Url, Changes = changes };
        if (changes.Count == 0)
        {
            var status = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var version = target == BazarrTarget.Sonarr ? status.SonarrVersion : status.RadarrVersion;
            return result with { State = BazarrStatus.StateOf(version), AppVersion = version };
        }
        if (!_http.Host.ShouldProcess($"{Instance.Name} ({target} connection)", $"Connect Bazarr to {target} at {desired.Url}"))
            return result with { State = enabled ? BazarrLinkState.Connected : BazarrLinkState.Disabled };

        if (writes.Count > 0)
        {
            // Disabled while the fields change: enabling is the step that can hang.
            await WriteAsync(_http, settings.Raw, [new BazarrSettingValue("general", useKey, false), .. writes], cancellationToken).ConfigureAwait(false);
        }

        var test = await TestConnectionAsync(target, desired with { ApiKey = desired.ApiKey ?? current.ApiKey }, cancellationToken).ConfigureAwait(false);
        if (test.Reachable == false)
            throw new StarrConnectionException(Instance.Name, Instance.Url,
                $"{Instance.Name}: Bazarr cannot reach {target} at {desired.Url}: {test.Error}. The connection settings are saved with {useKey}=false; " +
                $"run again once {target} answers from Bazarr's pod (Service name, port, URL base, network policies, API key).", timedOut: false);

        await EnableAsync(target, useKey, desired.Url, settings.Raw, enableTimeout ?? DefaultEnableTimeout, cancellationToken).ConfigureAwait(false);
        var after = await GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var appVersion = target == BazarrTarget.Sonarr ? after.SonarrVersion : after.RadarrVersion;
        return result with { Applied = true, State = BazarrStatus.StateOf(appVersion), AppVersion = appVersion };
    }

    /// <summary>
    /// What connecting Bazarr to <paramref name="target"/> would change, without writing: the changes to show (secrets
    /// as such) and the connection fields to send. Base URLs compare without trailing slashes ("/" reads back as "").
    /// </summary>
    public static (IReadOnlyList<BazarrSettingChange> Changes, IReadOnlyList<BazarrSettingValue> Writes) Compare(BazarrSettings settings, BazarrTarget target, BazarrConnection desired)
    {
        var section = target.ToString().ToLowerInvariant();
        var current = settings.ConnectionOf(target);
        var changes = new List<BazarrSettingChange>();
        var writes = new List<BazarrSettingValue>();
        if (!string.Equals(current.Ip, desired.Ip, StringComparison.OrdinalIgnoreCase))
            Change("ip", current.Ip, desired.Ip, desired.Ip);
        if (current.Port != desired.Port)
            Change("port", current.Port.ToString(CultureInfo.InvariantCulture), desired.Port.ToString(CultureInfo.InvariantCulture), desired.Port);
        var wantedBase = BazarrSettings.NormaliseBaseUrl(desired.BaseUrl);
        if (!string.Equals(BazarrSettings.NormaliseBaseUrl(current.BaseUrl), wantedBase, StringComparison.Ordinal))
            Change("base_url", current.BaseUrl, wantedBase.Length == 0 ? "/" : wantedBase, wantedBase.Length == 0 ? "/" : wantedBase);
        if (current.Ssl != desired.Ssl)
            Change("ssl", Flag(current.Ssl), Flag(desired.Ssl), desired.Ssl);
        if (desired.ApiKey is { IsEmpty: false } key && !key.Equals(current.ApiKey))
        {
            changes.Add(new BazarrSettingChange($"{section}.apikey", null, null, IsSecret: true));
            writes.Add(new BazarrSettingValue(section, "apikey", key));
        }
        if (!settings.Uses(target)) changes.Add(new BazarrSettingChange($"general.use_{section}", "false", "true", IsSecret: false));
        return (changes, writes);

        void Change(string key, string? oldValue, string? newValue, object value)
        {
            changes.Add(new BazarrSettingChange($"{section}.{key}", oldValue, newValue, IsSecret: false));
            writes.Add(new BazarrSettingValue(section, key, value));
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task EnableAsync(BazarrTarget target, string useKey, string url, JsonObject document, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A client of its own with the short deadline: Bazarr retries inside the request while the app is unreachable.
        using var shortHttp = new StarrHttpClient(Instance with { Timeout = timeout }, _http.Host, _authenticate);
        try
        {
            await WriteAsync(shortHttp, document, [new BazarrSettingValue("general", useKey, true)], cancellationToken).ConfigureAwait(false);
        }
        catch (StarrConnectionException ex) when (ex.TimedOut)
        {
            throw new StarrConnectionException(Instance.Name, Instance.Url,
                $"{Instance.Name}: Bazarr did not answer within {timeout.TotalSeconds:0.#} s while enabling {target} at {url}. Bazarr keeps retrying inside " +
                $"that request when it cannot reach {target}, and has probably saved {useKey}=true already. Check that {target} answers at {url} " +
                "from Bazarr's pod (Service name, port, URL base, network policies) and that its API key is right.", timedOut: true, ex)
            {
                RecommendedAction = $"Make {target} reachable from Bazarr, then run again; or disable it in Bazarr (general.{useKey}=false).",
            };
        }
    }

    private async Task WriteAsync(StarrHttpClient http, JsonObject document, IReadOnlyList<BazarrSettingValue> values, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>(values.Count);
        foreach (var value in values)
        {
            if (document[value.Section] is not JsonObject section)
                throw new StarrConfigurationException(
                    $"{Instance.Name}: Bazarr has no settings section '{value.Section}'. Sections: {string.Join(", ", document.Select(p => p.Key).Order(StringComparer.Ordinal))}.");
            if (!section.ContainsKey(value.Key))
                throw new StarrConfigurationException(
                    $"{Instance.Name}: Bazarr's '{value.Section}' settings have no '{value.Key}' (Bazarr would store it silently). Valid names: {string.Join(", ", section.Select(p => p.Key).Order(StringComparer.Ordinal))}.");
            form.Add(KeyValuePair.Create(value.FormName, FormValue(value.Value)));
        }
        await http.SendFormAsync(SettingsPath, form, cancellationToken).ConfigureAwait(false);
    }

    private static string FormValue(object value) => value switch
    {
        Secret secret => secret.Reveal(),
        bool flag => Flag(flag),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Flag(bool value) => value ? "true" : "false";

    private static BazarrConnection Connection(JsonNode? node) => new()
    {
        Ip = Text(node?["ip"]),
        Port = int.TryParse(Text(node?["port"]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : 0,
        BaseUrl = Text(node?["base_url"]),
        Ssl = Bool(node?["ssl"]),
        ApiKey = Secret.FromNullable(Text(node?["apikey"])),
    };
}
