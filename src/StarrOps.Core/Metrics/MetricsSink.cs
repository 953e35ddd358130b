using System.Net.Http.Headers;
using System.Text;

namespace StarrOps.Core.Metrics;

/// <summary>
/// Where metrics go: a file for the node-exporter textfile collector (written atomically: a temporary file in the
/// same folder, then a rename, so the collector never reads half a file), or a Pushgateway.
/// </summary>
public static class MetricsSink
{
    public const string DefaultJob = "starrops";

    /// <summary>Writes the samples to <paramref name="path"/> (a .prom file) atomically.</summary>
    public static async Task WriteFileAsync(string path, IEnumerable<MetricSample> samples, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        var text = PrometheusTextWriter.Write(samples);
        // The collector reads *.prom only: the temporary name must not end in .prom.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The Pushgateway URL of a group: {gateway}/metrics/job/{job}/instance/{instance} (segments URL-encoded).</summary>
    public static Uri PushgatewayGroupUrl(Uri gateway, string job, string instance)
    {
        var baseText = gateway.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{baseText}/metrics/job/{Segment(job)}/instance/{Segment(instance)}");
    }

    /// <summary>
    /// PUTs the samples to the Pushgateway group job/instance, replacing what the group held before.
    /// A Pushgateway is not one of the stack's services, so it does not go through StarrHttpClient (whose
    /// messages and auth are per service instance); this is a single PUT with a timeout.
    /// </summary>
    public static async Task PushAsync(Uri gateway, string instance, IEnumerable<MetricSample> samples, CancellationToken cancellationToken,
        string job = DefaultJob, TimeSpan? timeout = null)
    {
        var url = PushgatewayGroupUrl(gateway, job, instance);
        var shown = new UriBuilder(gateway) { UserName = "", Password = "" }.Uri; // messages never carry the credentials of http://user:pass@gateway
        var text = PrometheusTextWriter.Write(samples);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        using var content = new StringContent(text, new UTF8Encoding(false));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(PrometheusTextWriter.ContentType);
        using var request = new HttpRequestMessage(HttpMethod.Put, new UriBuilder(url) { UserName = "", Password = "" }.Uri) { Content = content };
        if (gateway.UserInfo.Length > 0)
        {
            // Basic auth from the URL (a Pushgateway behind an authenticating proxy); the password is registered for redaction.
            var userInfo = Uri.UnescapeDataString(gateway.UserInfo);
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0) Instances.SecretRegistry.Register(userInfo[(colon + 1)..]);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        }
        HttpResponseMessage response;
        try
        {
            response = await Http.Value.SendAsync(request, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StarrConnectionException("pushgateway", shown, $"The Pushgateway at {shown.GetLeftPart(UriPartial.Authority)} did not answer within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds:0.#} s.", timedOut: true);
        }
        catch (HttpRequestException ex)
        {
            throw new StarrConnectionException("pushgateway", shown, $"Could not push metrics to {shown.GetLeftPart(UriPartial.Authority)}: {Instances.SecretRegistry.Redact(ex.Message)}", timedOut: false, ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new StarrApiException("pushgateway", "PUT", url.AbsolutePath, response.StatusCode,
                    body.Trim(), [], null);
            }
        }
    }

    private static readonly Lazy<HttpClient> Http = new(() => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });

    private static string Segment(string value) => string.IsNullOrEmpty(value) ? "_" : Uri.EscapeDataString(value);
}
