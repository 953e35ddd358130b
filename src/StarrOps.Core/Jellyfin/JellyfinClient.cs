using System.Net;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Jellyfin;

/// <summary>
/// Jellyfin's REST API. Every request carries <c>Authorization: MediaBrowser Client="StarrOps", Device=…, DeviceId=…, Version=…</c>,
/// plus <c>Token="…"</c> once there is one: the instance's API key, or the access token from <see cref="AuthenticateAsync"/>.
/// The device id is stable per instance, so repeated logins replace Jellyfin's session instead of piling up devices.
/// </summary>
public sealed class JellyfinClient : IDisposable
{
    private readonly StarrHttpClient _http;
    private readonly string _clientHeader;
    private volatile Secret? _token;

    public JellyfinClient(StarrInstance instance, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.EnsureKind(ServiceKind.Jellyfin, "Jellyfin");
        _token = instance.HasApiKey ? instance.ApiKey : null;
        var version = typeof(JellyfinClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        _clientHeader = $"MediaBrowser Client=\"StarrOps\", Device=\"StarrOps\", DeviceId=\"{Quote("starrops-" + instance.Name)}\", Version=\"{version}\"";
        _http = new StarrHttpClient(instance, host, Authenticate);
    }

    public StarrInstance Instance => _http.Instance;

    /// <summary>True when calls carry a token (an API key or a login's access token).</summary>
    public bool HasToken => _token is not null;

    public async Task<JellyfinPublicInfo> GetPublicInfoAsync(CancellationToken cancellationToken) =>
        await _http.GetAsync<JellyfinPublicInfo>("System/Info/Public", cancellationToken).ConfigureAwait(false) with { Instance = Instance.Name };

    /// <summary>
    /// Logs in (<c>POST /Users/AuthenticateByName</c>) with the given user, or the instance's username and password, and uses
    /// the access token for the following calls. A wrong password throws <see cref="StarrLoginException"/>.
    /// </summary>
    public async Task<JellyfinSession> AuthenticateAsync(string? userName, Secret? password, CancellationToken cancellationToken)
    {
        userName ??= Instance.UserName;
        password ??= Instance.Password;
        if (string.IsNullOrEmpty(userName) || password is null)
            throw new StarrConfigurationException($"{Instance.Name} (Jellyfin) has no username/password to log in with: set {CredentialVariables()}.");

        const string path = "Users/AuthenticateByName";
        JsonNode? answer;
        try
        {
            answer = await _http.SendJsonAsync(HttpMethod.Post, path, new JsonObject { ["Username"] = userName, ["Pw"] = password.Reveal() }, cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
        {
            throw new StarrLoginException(Instance.Name, $"{Instance.Name}: Jellyfin rejected the login for user '{userName}': check {CredentialVariables()}.")
            {
                RecommendedAction = $"Check the Jellyfin username and password ({CredentialVariables()}).",
            };
        }

        var token = answer?["AccessToken"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token))
            throw new StarrApiException(Instance.Name, "POST", path, HttpStatusCode.OK, "the login answer has no AccessToken", [], null);
        var session = new JellyfinSession
        {
            Instance = Instance.Name,
            AccessToken = new Secret(token),
            UserName = answer?["User"]?["Name"]?.GetValue<string>() ?? userName,
            UserId = answer?["User"]?["Id"]?.GetValue<string>() ?? "",
            ServerId = answer?["ServerId"]?.GetValue<string>() ?? "",
            IsAdministrator = answer?["User"]?["Policy"]?["IsAdministrator"]?.GetValue<bool>() ?? false,
        };
        _token = session.AccessToken;
        return session;
    }

    public async Task<JellyfinSystemInfo> GetSystemInfoAsync(CancellationToken cancellationToken)
    {
        RequireToken("System/Info");
        return await _http.GetAsync<JellyfinSystemInfo>("System/Info", cancellationToken).ConfigureAwait(false) with { Instance = Instance.Name };
    }

    /// <summary>All API keys (needs an administrator's token).</summary>
    public async Task<IReadOnlyList<JellyfinApiKey>> GetApiKeysAsync(CancellationToken cancellationToken)
    {
        RequireToken("Auth/Keys");
        var node = await _http.GetJsonAsync("Auth/Keys", cancellationToken).ConfigureAwait(false);
        return (node?["Items"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(item => !string.IsNullOrEmpty(item["AccessToken"]?.GetValue<string>()))
            .Select(item => new JellyfinApiKey
            {
                Instance = Instance.Name,
                AppName = item["AppName"]?.GetValue<string>() ?? "",
                AccessToken = new Secret(item["AccessToken"]!.GetValue<string>()),
                DateCreated = Date(item["DateCreated"]),
                DateLastActivity = Date(item["DateLastActivity"]),
            })
            .ToList();
    }

    /// <summary>
    /// Creates an API key for <paramref name="appName"/>. Jellyfin answers 204 without the key, so it is read back from
    /// <c>GET /Auth/Keys</c> (the newest key of that app). Jellyfin allows several keys per app; see <see cref="GetOrCreateApiKeyAsync"/>.
    /// </summary>
    public async Task<JellyfinApiKey> CreateApiKeyAsync(string appName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appName);
        var path = "Auth/Keys?app=" + Uri.EscapeDataString(appName);
        RequireToken(path);
        await _http.SendJsonAsync(HttpMethod.Post, path, null, cancellationToken).ConfigureAwait(false);
        return Newest(await GetApiKeysAsync(cancellationToken).ConfigureAwait(false), appName)
               ?? throw new StarrApiException(Instance.Name, "GET", "Auth/Keys", HttpStatusCode.OK,
                   $"the API key created for '{appName}' is not in the list of keys", [], null);
    }

    /// <summary>The newest existing key of <paramref name="appName"/>, or a new one.</summary>
    public async Task<JellyfinApiKey> GetOrCreateApiKeyAsync(string appName, CancellationToken cancellationToken) =>
        Newest(await GetApiKeysAsync(cancellationToken).ConfigureAwait(false), appName)
        ?? await CreateApiKeyAsync(appName, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<JellyfinLibrary>> GetVirtualFoldersAsync(CancellationToken cancellationToken)
    {
        RequireToken("Library/VirtualFolders");
        return (await _http.GetAsync<List<JellyfinLibrary>>("Library/VirtualFolders", cancellationToken).ConfigureAwait(false))
            .Select(l => l with { Instance = Instance.Name }).ToList();
    }

    public void Dispose() => _http.Dispose();

    private void Authenticate(HttpRequestMessage request)
    {
        var header = _token is { } token ? $"{_clientHeader}, Token=\"{token.Reveal()}\"" : _clientHeader;
        request.Headers.TryAddWithoutValidation("Authorization", header);
    }

    private void RequireToken(string path)
    {
        if (_token is null)
            throw new StarrConfigurationException(
                $"{Instance.Name} (Jellyfin): {path} needs an API key or a login; set {Instance.Kind.EnvironmentPrefix()}_API_KEY, or call AuthenticateAsync first.");
    }

    private static JellyfinApiKey? Newest(IEnumerable<JellyfinApiKey> keys, string appName) =>
        keys.Where(k => string.Equals(k.AppName, appName, StringComparison.Ordinal))
            .OrderByDescending(k => k.DateCreated ?? DateTimeOffset.MinValue)
            .FirstOrDefault();

    private static DateTimeOffset? Date(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : null;

    private static string Quote(string value) => value.Replace("\"", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);

    private string CredentialVariables()
    {
        var prefix = Instance.Kind.EnvironmentPrefix();
        var stem = Instance.Name.ToUpperInvariant().Replace('-', '_');
        if (!stem.StartsWith(prefix, StringComparison.Ordinal)) stem = prefix;
        return $"{stem}_USERNAME/{stem}_PASSWORD";
    }
}
