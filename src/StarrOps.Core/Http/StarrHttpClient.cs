using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;

namespace StarrOps.Core.Http;

/// <summary>
/// The one place that speaks HTTP to a service: base URL with URL base, authentication, the
/// per-call timeout (retries included), retry with backoff on transient failures only, error
/// parsing into <see cref="StarrApiException"/>, and verbose/debug logging with secrets redacted.
/// Every app client is a thin layer of paths and shapes on top of it.
/// </summary>
public sealed class StarrHttpClient : IDisposable
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600)];
    private static readonly HttpStatusCode[] TransientStatuses =
        [HttpStatusCode.RequestTimeout, HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout];

    private static readonly Lazy<HttpClient> SharedVerified = new(() => NewClient(skipCertificateCheck: false, cookies: null));
    private static readonly Lazy<HttpClient> SharedUnverified = new(() => NewClient(skipCertificateCheck: true, cookies: null));

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Action<HttpRequestMessage>? _authenticate;

    /// <param name="authenticate">Adds credentials to each request (an API-key header, a token); null for none.</param>
    /// <param name="cookies">A cookie jar for services that log in with a session cookie (qBittorrent, UI login); null shares pooled connections without cookies.</param>
    public StarrHttpClient(StarrInstance instance, IStarrHost? host = null, Action<HttpRequestMessage>? authenticate = null, CookieContainer? cookies = null)
    {
        Instance = instance;
        Host = host ?? NullStarrHost.Instance;
        _authenticate = authenticate;
        if (cookies is null)
        {
            _http = instance.SkipCertificateCheck ? SharedUnverified.Value : SharedVerified.Value;
        }
        else
        {
            _http = NewClient(instance.SkipCertificateCheck, cookies);
            _ownsHttp = true;
        }
    }

    public StarrInstance Instance { get; }
    public IStarrHost Host { get; }

    /// <summary>Adds the API key as a header: <c>X-Api-Key</c> for the *arr apps and Jellyseerr, <c>X-API-KEY</c> for Bazarr, <c>X-API-Key</c> for Gluetun.</summary>
    public static Action<HttpRequestMessage>? ApiKeyHeader(StarrInstance instance, string headerName = "X-Api-Key")
    {
        if (instance.ApiKey is not { IsEmpty: false } key) return null;
        var value = key.Reveal();
        return request => request.Headers.TryAddWithoutValidation(headerName, value);
    }

    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, path, null, cancellationToken);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        var node = await GetJsonAsync(path, cancellationToken).ConfigureAwait(false);
        return Deserialize<T>(node, "GET", path);
    }

    /// <summary>GETs an object and reads it with <paramref name="read"/> (<see cref="JsonFields"/>), without the serializer.</summary>
    internal async Task<T> GetAsync<T>(string path, Func<JsonFields, T> read, CancellationToken cancellationToken) =>
        read(JsonFields.Of(await GetJsonAsync(path, cancellationToken).ConfigureAwait(false), "GET " + path));

    /// <summary>GETs a list and reads each element with <paramref name="read"/> (<see cref="JsonFields"/>), without the serializer.</summary>
    internal async Task<List<T>> GetListAsync<T>(string path, Func<JsonFields, T> read, CancellationToken cancellationToken) =>
        JsonFields.List(await GetJsonAsync(path, cancellationToken).ConfigureAwait(false), "GET " + path, read);

    /// <summary>Sends JSON (or nothing) and parses the JSON answer; a 2xx with an empty body gives null.</summary>
    public async Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var payload = body?.ToJsonString();
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, Instance.Resolve(path));
            if (payload is not null) request.Content = new StringContent(payload, Encoding.UTF8, "application/json");
            return request;
        }, path, cancellationToken, debugBody: payload).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new StarrApiException(Instance.Name, method.Method, MaskQuery(path), response.StatusCode,
                $"the answer was not JSON (is {Instance.Url} really {Instance.Kind}?)", [], Truncate(text));
        }
    }

    /// <summary>
    /// Sends a request built fresh for each attempt and returns the successful response (the caller disposes it).
    /// Non-success statuses become <see cref="StarrApiException"/>, except <paramref name="alsoAccept"/> (testall answers its results with 400);
    /// network failures and timeouts become <see cref="StarrConnectionException"/>.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, string path, CancellationToken cancellationToken,
        string? debugBody = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool acceptRedirect = false,
        HttpStatusCode? alsoAccept = null)
    {
        path = MaskQuery(path); // from here on, path is only for messages
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Instance.Timeout);
        for (var attempt = 0; ; attempt++)
        {
            using var request = createRequest();
            _authenticate?.Invoke(request);
            request.Headers.UserAgent.Add(UserAgent);
            var method = request.Method.Method;
            var stopwatch = Stopwatch.StartNew();
            var shown = Describe(request.RequestUri);
            Host.WriteVerbose($"{Instance.Name}: {method} {shown}");
            if (debugBody is not null) Host.WriteDebug($"{Instance.Name}: request body {Truncate(SecretRegistry.Redact(debugBody))}");
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new StarrConnectionException(Instance.Name, Instance.Url,
                    $"{Instance.Name} ({Instance.Kind}) at {Instance.Url} did not answer {method} {path} within {Instance.Timeout.TotalSeconds:0.#} s.", timedOut: true);
            }
            catch (HttpRequestException ex)
            {
                if (IsSafeToRetry(ex, request.Method) && attempt < Backoff.Length && await Wait(attempt, deadline.Token).ConfigureAwait(false))
                {
                    Host.WriteVerbose($"{Instance.Name}: {Describe(ex)}; retrying");
                    continue;
                }
                throw Unreachable(ex, method, path, deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
            }

            Host.WriteVerbose($"{Instance.Name}: {method} {shown} -> {(int)response.StatusCode} ({stopwatch.ElapsedMilliseconds} ms)");
            if (response.IsSuccessStatusCode || (acceptRedirect && (int)response.StatusCode is >= 300 and < 400) || response.StatusCode == alsoAccept) return response;

            using (response)
            {
                if (TransientStatuses.Contains(response.StatusCode) && IsIdempotent(request.Method) && attempt < Backoff.Length
                    && await Wait(attempt, deadline.Token).ConfigureAwait(false))
                {
                    Host.WriteVerbose($"{Instance.Name}: {(int)response.StatusCode} is transient; retrying");
                    continue;
                }
                var text = await SafeReadAsync(response, deadline.Token).ConfigureAwait(false);
                var error = StarrErrorParser.Parse(Instance.Name, method, path, response.StatusCode, text);
                if (error.DebugDetail is not null) Host.WriteDebug($"{Instance.Name}: server detail: {Truncate(SecretRegistry.Redact(error.DebugDetail))}");
                throw error;
            }
        }
    }

    public static T Deserialize<T>(JsonNode? node, string method, string path)
    {
        if (node is null) throw new InvalidDataException($"{method} {path} answered with an empty body where {typeof(T).Name} was expected.");
        return node.Deserialize<T>(JsonDefaults.Options)
               ?? throw new InvalidDataException($"{method} {path} answered null where {typeof(T).Name} was expected.");
    }

    /// <summary>GETs a plain-text answer (qBittorrent's <c>app/version</c>, <c>auth/login</c>).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Instance.Resolve(path)), path, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// POSTs an <c>application/x-www-form-urlencoded</c> body (qBittorrent, Bazarr) and returns the answer's text.
    /// The debug log shows the form with the values of secret-looking keys hidden.
    /// </summary>
    /// <param name="configure">Adds per-request headers (qBittorrent's <c>Referer</c>).</param>
    public async Task<string> SendFormAsync(string path, IReadOnlyList<KeyValuePair<string, string>> form, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure = null)
    {
        var shown = string.Join('&', form.Select(p => p.Key + "=" + (IsSecretParameter(p.Key) ? Secret.Display : p.Value)));
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Instance.Resolve(path)) { Content = new FormUrlEncodedContent(form) };
            configure?.Invoke(request);
            return request;
        }, path, cancellationToken, debugBody: shown).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A deep copy of <paramref name="node"/> in which every non-empty string under a secret-looking name
    /// (password, apikey, api_key, token, secret, passkey, cookies …) reads "********", for settings documents
    /// that apps return unmasked (Bazarr, qBittorrent, SABnzbd, Jellyseerr). The hidden values are registered for redaction.
    /// </summary>
    public static JsonNode? MaskSecrets(JsonNode? node)
    {
        var copy = node?.DeepClone();
        Mask(copy);
        return copy;

        static void Mask(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        if (value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length > 0 && IsSecretName(name))
                        {
                            SecretRegistry.Register(s);
                            obj[name] = MaskedValue;
                        }
                        else Mask(value);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array) Mask(item);
                    break;
            }
        }
    }

    /// <summary>What the apps themselves send for a stored secret; sending it back keeps the stored value.</summary>
    public const string MaskedValue = "********";

    // Whole words only, so that bypass_local_auth or bypass_auth_subnet_whitelist stay visible.
    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
        { "password", "pass", "passwd", "pwd", "apikey", "key", "token", "secret", "passkey", "cookie", "cookies" };

    private static bool IsSecretName(string name)
    {
        var words = CamelCase.Underscored(name).Split(['_', '-', '.', ' '], StringSplitOptions.RemoveEmptyEntries);
        return words.Any(SecretWords.Contains);
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private static readonly ProductInfoHeaderValue UserAgent = new("StarrOps", typeof(StarrHttpClient).Assembly.GetName().Version?.ToString(3) ?? "0");

    private static HttpClient NewClient(bool skipCertificateCheck, CookieContainer? cookies)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        };
        if (cookies is not null) handler.CookieContainer = cookies;
        if (skipCertificateCheck)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        // The per-call deadline is ours (Instance.Timeout); HttpClient's own would race it.
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static bool IsIdempotent(HttpMethod method) => method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete;

    // A refused connection never reached the server, so even a POST is safe to send again.
    private static bool IsSafeToRetry(HttpRequestException ex, HttpMethod method) =>
        ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } || IsIdempotent(method);

    private static async Task<bool> Wait(int attempt, CancellationToken token)
    {
        try
        {
            await Task.Delay(Backoff[attempt], token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private StarrConnectionException Unreachable(HttpRequestException ex, string method, string path, bool timedOut) =>
        new(Instance.Name, Instance.Url,
            $"{Instance.Name} ({Instance.Kind}) at {Instance.Url} is unreachable ({method} {path}): {Describe(ex)}. Check the URL, that the service is running, and network policies between StarrOps and it.",
            timedOut, ex)
        { RecommendedAction = $"Check that {Instance.Url} answers from where StarrOps runs." };

    private static string Describe(HttpRequestException ex)
    {
        var reason = ex.InnerException is SocketException socket ? socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => "host name not found",
            SocketError.TimedOut => "connection timed out",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
            _ => socket.SocketErrorCode.ToString(),
        } : ex.InnerException?.Message ?? ex.Message;
        return SecretRegistry.Redact(reason);
    }

    private static string Describe(Uri? uri) => uri is null ? "" : MaskQuery(uri.GetLeftPart(UriPartial.Path) + uri.Query);

    // Query strings can hold keys (SABnzbd's apikey=): messages show them with values of secret-looking parameters hidden.
    internal static string MaskQuery(string pathAndQuery)
    {
        var question = pathAndQuery.IndexOf('?');
        if (question < 0) return SecretRegistry.Redact(pathAndQuery);
        var parts = pathAndQuery[(question + 1)..].Split('&').Select(p =>
        {
            var eq = p.IndexOf('=');
            var name = eq < 0 ? p : p[..eq];
            return IsSecretParameter(name) ? name + "=" + Secret.Display : p;
        });
        return SecretRegistry.Redact(pathAndQuery[..question] + "?" + string.Join('&', parts));
    }

    private static bool IsSecretParameter(string name) =>
        name.Contains("key", StringComparison.OrdinalIgnoreCase) || name.Contains("pass", StringComparison.OrdinalIgnoreCase)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase);

    private static async Task<string> SafeReadAsync(HttpResponseMessage response, CancellationToken token)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return string.Empty;
        }
    }

    internal static string Truncate(string text, int max = 2000) => text.Length <= max ? text : text[..max] + "…";
}
