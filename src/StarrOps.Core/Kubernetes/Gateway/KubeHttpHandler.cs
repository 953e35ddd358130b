using System.Diagnostics;
using System.Net;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// Sits in front of KubernetesClient's HTTP handler: writes one verbose line per call (method, path, status, time;
/// never a header, so never the token) and, when the token comes from a file that may have rotated, sends a
/// request refused with 401 once more with the token read again.
/// </summary>
internal sealed class KubeHttpHandler(IStarrHost host, RotatingTokenFile? tokenFile) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await TimedAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || tokenFile is null || !tokenFile.Invalidate()) return response;

        host.WriteVerbose("Kubernetes: 401, reading the token file again");
        var retry = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            if (!string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase)) retry.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        if (request.Content is not null)
        {
            retry.Content = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            foreach (var header in request.Content.Headers) retry.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        retry.Headers.Authorization = await tokenFile.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        response.Dispose();
        return await TimedAsync(retry, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> TimedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        host.WriteVerbose($"Kubernetes: {request.Method} {Describe(request.RequestUri)} -> {(int)response.StatusCode} ({stopwatch.ElapsedMilliseconds} ms)");
        return response;
    }

    internal static string Describe(Uri? uri) => uri is null ? "" : SecretRegistry.Redact(uri.PathAndQuery);

}
