using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.QBittorrent;

/// <summary>
/// qBittorrent's WebUI API v2. Logs in with the instance's username and password (form POST with a
/// <c>Referer</c> equal to the base URL, as the WebUI's CSRF check wants) and keeps the <c>SID</c> cookie;
/// a 403 on a later call means the session expired (qBittorrent restarted, timeout), so it logs in again once.
/// Without credentials it calls the API directly, for setups that whitelist StarrOps' subnet.
/// </summary>
public sealed class QBittorrentClient : IDisposable
{
    private readonly StarrHttpClient _http;
    private readonly SemaphoreSlim _loginLock = new(1, 1);
    private volatile bool _loggedIn;

    public QBittorrentClient(StarrInstance instance, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.EnsureKind(ServiceKind.QBittorrent, "qBittorrent");
        _http = new StarrHttpClient(instance, host, authenticate: null, cookies: new CookieContainer());
    }

    public StarrInstance Instance => _http.Instance;

    private bool HasCredentials => !string.IsNullOrEmpty(Instance.UserName) && Instance.Password is { IsEmpty: false };

    /// <summary>Logs in now (other calls log in on first use). Wrong credentials throw <see cref="StarrLoginException"/>.</summary>
    public async Task LoginAsync(CancellationToken cancellationToken)
    {
        if (!HasCredentials)
            throw new StarrConfigurationException($"{Instance.Name} (qBittorrent) has no username/password: set {CredentialVariables()}.");
        await _loginLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LoginCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loginLock.Release();
        }
    }

    /// <summary>The application version without the leading "v" ("4.5.2").</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken)
    {
        var text = await WithSessionAsync(() => _http.GetTextAsync("api/v2/app/version", cancellationToken), cancellationToken).ConfigureAwait(false);
        return text.Trim().TrimStart('v', 'V');
    }

    /// <summary>The WebUI API version ("2.8.19"): what the API can do, independent of the app version.</summary>
    public async Task<Version> GetWebApiVersionAsync(CancellationToken cancellationToken)
    {
        var text = (await WithSessionAsync(() => _http.GetTextAsync("api/v2/app/webapiVersion", cancellationToken), cancellationToken).ConfigureAwait(false)).Trim();
        return Version.TryParse(text, out var version)
            ? version
            : throw new StarrApiException(Instance.Name, "GET", "api/v2/app/webapiVersion", HttpStatusCode.OK, $"'{text}' is not a version number (is {Instance.Url} really qBittorrent?)", [], null);
    }

    public async Task<QBittorrentPreferences> GetPreferencesAsync(CancellationToken cancellationToken)
    {
        const string path = "api/v2/app/preferences";
        var node = await WithSessionAsync(() => _http.GetJsonAsync(path, cancellationToken), cancellationToken).ConfigureAwait(false);
        var preferences = StarrHttpClient.Deserialize<QBittorrentPreferences>(node, "GET", path);
        return preferences with { Instance = Instance.Name, Raw = StarrHttpClient.MaskSecrets(node) as JsonObject ?? new JsonObject() };
    }

    /// <summary>
    /// Changes only the given preferences (names as in <see cref="QBittorrentPreferences.Raw"/>, e.g. "current_network_interface").
    /// Values may be strings, numbers, booleans, <see cref="JsonNode"/>s or <see cref="Secret"/>s (sent revealed). qBittorrent answers 200 to
    /// anything, silently ignoring unknown names, so read the preferences back to verify.
    /// </summary>
    public async Task SetPreferencesAsync(IReadOnlyDictionary<string, object?> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0) return;
        var json = new JsonObject();
        foreach (var (name, value) in changes) json[name] = ToJson(value);
        var form = new[] { KeyValuePair.Create("json", json.ToJsonString()) };
        await WithSessionAsync(() => _http.SendFormAsync("api/v2/app/setPreferences", form, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<QBittorrentTransferInfo> GetTransferInfoAsync(CancellationToken cancellationToken)
    {
        const string path = "api/v2/transfer/info";
        var node = await WithSessionAsync(() => _http.GetJsonAsync(path, cancellationToken), cancellationToken).ConfigureAwait(false);
        return StarrHttpClient.Deserialize<QBittorrentTransferInfo>(node, "GET", path) with { Instance = Instance.Name };
    }

    public async Task<IReadOnlyList<QBittorrentCategory>> GetCategoriesAsync(CancellationToken cancellationToken)
    {
        const string path = "api/v2/torrents/categories";
        var node = await WithSessionAsync(() => _http.GetJsonAsync(path, cancellationToken), cancellationToken).ConfigureAwait(false);
        // An object keyed by name: {"tv-sonarr": {"name": "tv-sonarr", "savePath": ""}}.
        if (node is not JsonObject categories) return [];
        return categories
            .Select(pair => new QBittorrentCategory
            {
                Instance = Instance.Name,
                Name = pair.Value?["name"]?.GetValue<string>() ?? pair.Key,
                SavePath = pair.Value?["savePath"]?.GetValue<string>() ?? "",
            })
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// Creates a category. qBittorrent answers 409 when it already exists or the name is invalid, and 400 when the
    /// name is empty; both surface as <see cref="StarrApiException"/>. Use <see cref="EnsureCategoryAsync"/> to create only when missing.
    /// </summary>
    public async Task<QBittorrentCategory> CreateCategoryAsync(string name, string? savePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var form = new[] { KeyValuePair.Create("category", name), KeyValuePair.Create("savePath", savePath ?? "") };
        try
        {
            await WithSessionAsync(() => _http.SendFormAsync("api/v2/torrents/createCategory", form, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            var exists = (await GetCategoriesAsync(cancellationToken).ConfigureAwait(false)).Any(c => string.Equals(c.Name, name, StringComparison.Ordinal));
            throw new StarrApiException(Instance.Name, ex.Method, ex.Path, ex.StatusCode,
                exists ? $"category '{name}' already exists" : $"'{name}' is not a valid category name ({ex.ApiMessage})", [], ex.DebugDetail);
        }
        return new QBittorrentCategory { Instance = Instance.Name, Name = name, SavePath = savePath ?? "" };
    }

    /// <summary>Creates the category unless one with that exact name exists. True when it was created.</summary>
    public async Task<bool> EnsureCategoryAsync(string name, string? savePath, CancellationToken cancellationToken)
    {
        var existing = await GetCategoriesAsync(cancellationToken).ConfigureAwait(false);
        if (existing.Any(c => string.Equals(c.Name, name, StringComparison.Ordinal))) return false;
        await CreateCategoryAsync(name, savePath, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Dispose()
    {
        _http.Dispose();
        _loginLock.Dispose();
    }

    private async Task<T> WithSessionAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        if (!_loggedIn && HasCredentials) await EnsureLoggedInAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            if (!HasCredentials)
                throw new StarrLoginException(Instance.Name,
                    $"{Instance.Name}: qBittorrent requires a login (403 on {ex.Path}): set {CredentialVariables()}, or whitelist StarrOps' subnet in qBittorrent's WebUI settings.");
            // The session expired (restart, WebUI session timeout): log in again, once.
            _http.Host.WriteVerbose($"{Instance.Name}: qBittorrent session expired; logging in again");
            _loggedIn = false;
            await EnsureLoggedInAsync(cancellationToken).ConfigureAwait(false);
            return await call().ConfigureAwait(false);
        }
    }

    private async Task EnsureLoggedInAsync(CancellationToken cancellationToken)
    {
        await _loginLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_loggedIn) await LoginCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _loginLock.Release();
        }
    }

    private async Task LoginCoreAsync(CancellationToken cancellationToken)
    {
        var form = new[]
        {
            KeyValuePair.Create("username", Instance.UserName!),
            KeyValuePair.Create("password", Instance.Password!.Reveal()),
        };
        // qBittorrent's CSRF protection compares Referer/Origin with the host it serves; the base URL passes.
        var referer = Instance.Url.AbsoluteUri;
        string answer;
        try
        {
            answer = await _http.SendFormAsync("api/v2/auth/login", form, cancellationToken,
                request => request.Headers.Referrer = new Uri(referer)).ConfigureAwait(false);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new StarrLoginException(Instance.Name,
                $"{Instance.Name}: qBittorrent has banned this address after too many failed logins ({ex.ApiMessage ?? "403"}). " +
                $"Fix {CredentialVariables()}, then wait for the ban to expire (WebUI ban duration, 1 hour by default) or restart qBittorrent.", banned: true);
        }
        catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
        {
            // 4.x answers a wrong password with "Fails." but a refused Referer/Host (CSRF, host-header validation) with 401.
            throw new StarrLoginException(Instance.Name,
                $"{Instance.Name}: qBittorrent refused the login request (401). Check {CredentialVariables()}; if they are right, qBittorrent's " +
                $"CSRF or host-header protection rejected {referer} as Referer/Host: use the URL qBittorrent is served at, or add the host to its WebUI server domains.");
        }

        // "Ok." on success, "Fails." (still 200) on a wrong username or password.
        if (!string.Equals(answer.Trim(), "Ok.", StringComparison.OrdinalIgnoreCase)) throw Rejected();
        _loggedIn = true;
        _http.Host.WriteVerbose($"{Instance.Name}: logged in to qBittorrent as '{Instance.UserName}'");
    }

    private StarrLoginException Rejected() => new(Instance.Name,
        $"{Instance.Name}: qBittorrent login rejected for user '{Instance.UserName}': check {CredentialVariables()}. " +
        "Repeated failures get this address banned for a while.")
    {
        RecommendedAction = $"Check the WebUI username and password of {Instance.Url} ({CredentialVariables()}).",
    };

    /// <summary>QBITTORRENT_USERNAME/QBITTORRENT_PASSWORD, or QBITTORRENT_4K_… for an instance named qbittorrent-4k.</summary>
    private string CredentialVariables()
    {
        var prefix = Instance.Kind.EnvironmentPrefix();
        var stem = Instance.Name.ToUpperInvariant().Replace('-', '_');
        if (!stem.StartsWith(prefix, StringComparison.Ordinal)) stem = prefix;
        return $"{stem}_USERNAME/{stem}_PASSWORD";
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        Secret secret => JsonValue.Create(secret.Reveal()),
        JsonNode node => node.DeepClone(),
        _ => JsonSerializer.SerializeToNode(value, JsonDefaults.Options),
    };
}
