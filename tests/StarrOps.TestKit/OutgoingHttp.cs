using System.Net;
using System.Text.Json.Nodes;
using System.Text;

namespace StarrOps.TestKit;

/// <summary>A non-success answer to an emulator's outgoing call, worded like Servarr's HttpException.</summary>
internal sealed class OutgoingHttpException(HttpStatusCode status, string method, string url, string? body)
    : Exception($"HTTP request failed: [{(int)status}:{status}] [{method}] at [{url}]")
{
    public HttpStatusCode Status { get; } = status;

    public string? Body { get; } = body;
}

/// <summary>JSON calls one emulated app makes to another (or to a real server) through its <see cref="EmulatedNetwork"/>.</summary>
internal static class OutgoingHttp
{
    public static async Task<JsonNode?> SendAsync(EmulatedNetwork network, HttpMethod method, string url, IReadOnlyDictionary<string, string>? headers,
        JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (headers is not null)
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var response = await network.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new OutgoingHttpException(response.StatusCode, method.Method, url, text);
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }

    public static Dictionary<string, string> ApiKeyHeader(string apiKey) => new() { ["X-Api-Key"] = apiKey };
}
