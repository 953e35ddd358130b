using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// HTTP to the API server: TLS against the cluster CA, bearer token or client certificate on every
/// request, one retry after a 401 when the credentials can be refreshed (rotated token file, exec plugin),
/// Status bodies turned into <see cref="KubernetesException"/>, verbose logging without secrets.
/// It is separate from StarrHttpClient because the trust (cluster CA, client certificates), the error
/// shape (meta/v1 Status) and the WebSocket upgrade for exec are Kubernetes' own.
/// </summary>
internal sealed class KubernetesTransport : IDisposable
{
    private static readonly ProductInfoHeaderValue UserAgent = new("StarrOps", typeof(KubernetesTransport).Assembly.GetName().Version?.ToString(3) ?? "0");
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _http;
    private X509Certificate2? _clientCertificate;

    public KubernetesTransport(KubernetesConnection connection, IStarrHost host, TimeSpan timeout)
    {
        Connection = connection;
        Host = host;
        Timeout = timeout;
        _handler = KubernetesTls.CreateHandler(connection, () => _clientCertificate);
        _http = new HttpClient(_handler, disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public KubernetesConnection Connection { get; }
    public IStarrHost Host { get; }
    public TimeSpan Timeout { get; }

    /// <summary>Sends a JSON request and returns the JSON answer (null for an empty body).</summary>
    public async Task<JsonNode?> SendJsonAsync(HttpMethod method, string pathAndQuery, JsonNode? body, KubernetesOperation operation,
        CancellationToken cancellationToken, string contentType = "application/json")
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var payload = body?.ToJsonString();
        try
        {
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(method, pathAndQuery);
                if (payload is not null) request.Content = new StringContent(payload, Encoding.UTF8, contentType);
                return request;
            }, operation, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text)) return null;
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                throw new KubernetesException($"{operation}: the answer of {Connection.Server} was not JSON (is it a Kubernetes API server?).",
                    operation, KubernetesFailure.ApiError, response.StatusCode);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(operation);
        }
    }

    /// <summary>Sends a request and returns the successful response unread (for streams: logs). The caller disposes it.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, KubernetesOperation operation,
        HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = createRequest();
            request.RequestUri = Resolve(request.RequestUri!.OriginalString);
            request.Headers.UserAgent.Add(UserAgent);
            request.Headers.Accept.ParseAdd("application/json");
            if ((await CredentialAsync(cancellationToken).ConfigureAwait(false)).Token is { } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
            var stopwatch = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw Unreachable(operation, ex);
            }
            Host.WriteVerbose($"Kubernetes: {request.Method} {Describe(request.RequestUri)} -> {(int)response.StatusCode} ({stopwatch.ElapsedMilliseconds} ms)");
            if (response.IsSuccessStatusCode) return response;
            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && Connection.Credentials.Invalidate())
                {
                    Host.WriteVerbose("Kubernetes: 401, reading the credentials again");
                    continue;
                }
                var text = await SafeReadAsync(response, cancellationToken).ConfigureAwait(false);
                throw KubernetesException.FromResponse(operation, response.StatusCode, text, Connection.Server.ToString());
            }
        }
    }

    /// <summary>
    /// Opens a WebSocket (exec) over the same TLS and credentials. A refused upgrade is fetched again as a
    /// plain request, because the API server explains it only in the body (pod not found, container not valid, forbidden).
    /// </summary>
    public async Task<ClientWebSocket> ConnectWebSocketAsync(string pathAndQuery, IReadOnlyList<string> subProtocols, KubernetesOperation operation,
        CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(Resolve(pathAndQuery));
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttp ? "ws" : "wss";
        for (var attempt = 0; ; attempt++)
        {
            var socket = new ClientWebSocket();
            foreach (var protocol in subProtocols) socket.Options.AddSubProtocol(protocol);
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
            socket.Options.SetRequestHeader("User-Agent", UserAgent.ToString());
            if ((await CredentialAsync(cancellationToken).ConfigureAwait(false)).Token is { } token)
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token.Reveal());
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            var stopwatch = Stopwatch.StartNew();
            try
            {
                using var invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
                await socket.ConnectAsync(builder.Uri, invoker, deadline.Token).ConfigureAwait(false);
                Host.WriteVerbose($"Kubernetes: GET {Describe(builder.Uri)} -> 101 {socket.SubProtocol} ({stopwatch.ElapsedMilliseconds} ms)");
                return socket;
            }
            catch (WebSocketException) when (socket.HttpStatusCode is not 0 and not HttpStatusCode.SwitchingProtocols)
            {
                var status = socket.HttpStatusCode;
                socket.Dispose();
                Host.WriteVerbose($"Kubernetes: GET {Describe(builder.Uri)} -> {(int)status} ({stopwatch.ElapsedMilliseconds} ms)");
                if (status == HttpStatusCode.Unauthorized && attempt == 0 && Connection.Credentials.Invalidate()) continue;
                // Ask again without the upgrade to read the Status body that explains the refusal.
                var body = await ExplainRefusalAsync(pathAndQuery, cancellationToken).ConfigureAwait(false);
                throw KubernetesException.FromResponse(operation, status, body, Connection.Server.ToString());
            }
            catch (WebSocketException ex)
            {
                socket.Dispose();
                throw ex.InnerException is HttpRequestException inner ? Unreachable(operation, inner) : Unreachable(operation, new HttpRequestException(ex.Message, ex));
            }
            catch (HttpRequestException ex)
            {
                socket.Dispose();
                throw Unreachable(operation, ex);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw TimedOut(operation);
            }
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    private async Task<string?> ExplainRefusalAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Resolve(pathAndQuery));
            request.Headers.UserAgent.Add(UserAgent);
            if ((await CredentialAsync(cancellationToken).ConfigureAwait(false)).Token is { } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Reveal());
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            using var response = await _http.SendAsync(request, deadline.Token).ConfigureAwait(false);
            return await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    // The server may have a path of its own (Rancher's /k8s/clusters/c-x): API paths go below it.
    private Uri Resolve(string pathAndQuery) => new(Connection.Server.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    private async ValueTask<KubernetesCredential> CredentialAsync(CancellationToken cancellationToken)
    {
        var credential = await Connection.Credentials.GetAsync(cancellationToken).ConfigureAwait(false);
        _clientCertificate = credential.ClientCertificate;
        return credential;
    }

    private KubernetesException Unreachable(KubernetesOperation operation, HttpRequestException ex)
    {
        var reason = ex.InnerException switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "host name not found",
            SocketException { SocketErrorCode: SocketError.TimedOut } => "connection timed out",
            SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable } => "network unreachable",
            AuthenticationException auth => $"TLS failed: {auth.Message} (is the cluster's certificate authority in the kubeconfig right?)",
            { } inner => inner.Message,
            null => ex.Message,
        };
        return new KubernetesException($"{operation}: the Kubernetes API server at {Connection.Server} is unreachable ({reason}). Check the server address in {Connection.Source} and that the cluster is running.",
            operation, KubernetesFailure.Unreachable, inner: ex)
        { RecommendedAction = $"Check that {Connection.Server} answers from where StarrOps runs (kubectl cluster-info)." };
    }

    private KubernetesException TimedOut(KubernetesOperation operation) =>
        new($"{operation}: the Kubernetes API server at {Connection.Server} did not answer within {Timeout.TotalSeconds:0.#} s.", operation, KubernetesFailure.TimedOut);

    private static string Describe(Uri uri) => SecretRegistry.Redact(uri.PathAndQuery);

    private static async Task<string?> SafeReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return null;
        }
    }
}
