using Microsoft.AspNetCore.Http;
using StarrOps.Core;
using StarrOps.Core.Health;
using StarrOps.Core.Instances;
using StarrOps.Core.Metrics;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    /// <summary>One sample of every family StarrOps defines, with label values that need escaping.</summary>
    private static IEnumerable<MetricSample> OneOfEach() => MetricNames.All.Select((d, i) =>
        new MetricSample(d.Name, i + 0.5, d.Labels.ToDictionary(l => l, l => $"va\"l\\ue\n{l}")));

    [Fact]
    public void Every_family_gets_one_help_and_type_line_and_escaped_labels()
    {
        var samples = new[]
        {
            MetricSample.Of(MetricNames.InstanceUp, 1, ("instance", "sonarr"), ("kind", "Sonarr")),
            MetricSample.Of(MetricNames.InstanceUp, 0, ("instance", "say \"hi\"\\\nbye"), ("kind", "Radarr")),
            MetricSample.Of(MetricNames.ReconcileFailures, 3),
        };

        var text = PrometheusTextWriter.Write(samples);

        Assert.Equal(1, CountLines(text, $"# TYPE {MetricNames.InstanceUp} gauge"));
        Assert.Equal(1, CountLines(text, $"# TYPE {MetricNames.ReconcileFailures} counter"));
        Assert.Contains($"{MetricNames.InstanceUp}{{instance=\"sonarr\",kind=\"Sonarr\"}} 1\n", text);
        Assert.Contains($"{MetricNames.InstanceUp}{{instance=\"say \\\"hi\\\"\\\\\\nbye\",kind=\"Radarr\"}} 0\n", text);
        Assert.Contains($"{MetricNames.ReconcileFailures} 3\n", text);
        Assert.DoesNotContain("\r", text);
    }

    [Fact]
    public void Values_use_invariant_culture_and_prometheus_specials()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal("0.25", PrometheusTextWriter.FormatValue(0.25));
            Assert.Equal("+Inf", PrometheusTextWriter.FormatValue(double.PositiveInfinity));
            Assert.Equal("NaN", PrometheusTextWriter.FormatValue(double.NaN));
            Assert.Contains(" -1.5\n", PrometheusTextWriter.Write([MetricSample.Of(MetricNames.CertificateExpirySeconds, -1.5, ("host", "a"))]));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Unknown_names_and_bad_labels_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([MetricSample.Of("starrops_made_up", 1)]));
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([MetricSample.Of(MetricNames.InstanceUp, 1, ("bad-label", "x"))]));
        Assert.Throws<ArgumentException>(() => PrometheusTextWriter.Write([MetricSample.Of(MetricNames.InstanceUp, 1, ("__reserved", "x"))]));
    }

    [Fact]
    public void Metric_names_follow_prometheus_conventions()
    {
        Assert.All(MetricNames.All, d =>
        {
            Assert.StartsWith("starrops_", d.Name);
            Assert.Matches("^[a-z_]+$", d.Name);
            Assert.Equal(d.Type == MetricType.Counter, d.Name.EndsWith("_total", StringComparison.Ordinal));
            Assert.DoesNotMatch("_(milliseconds|ms|kilobytes|megabytes)$", d.Name);
        });
        Assert.Equal(MetricNames.All.Count, MetricNames.All.Select(d => d.Name).Distinct().Count());
    }

    [Fact]
    public void Promtool_accepts_every_metric_family()
    {
        var text = PrometheusTextWriter.Write(OneOfEach());

        var (exit, output) = Promtool.Run(Path.GetTempPath(), text, "check", "metrics");

        Assert.True(exit == 0, $"promtool check metrics failed:\n{output}\n---\n{text}");
        Assert.Equal("", output.Trim());
    }

    [Fact]
    public void Promtool_accepts_health_metrics()
    {
        var results = new[]
        {
            new InstanceHealth { Instance = "sonarr", Kind = ServiceKind.Sonarr, Reachable = true, Status = HealthStatus.Healthy, ResponseTimeMs = 42, CheckedAt = DateTimeOffset.UtcNow },
            new InstanceHealth { Instance = "radarr", Kind = ServiceKind.Radarr, Reachable = false, Status = HealthStatus.Down, ResponseTimeMs = 2001, CheckedAt = DateTimeOffset.UtcNow,
                Items = [new HealthCheckItem { Instance = "radarr", Check = "Ping", Status = HealthStatus.Down, Message = "down" }] },
        };

        var text = PrometheusTextWriter.Write(HealthMetrics.From(results));

        Assert.Contains($"{MetricNames.InstanceUp}{{instance=\"radarr\",kind=\"Radarr\"}} 0\n", text);
        Assert.Contains($"{MetricNames.InstanceHealthIssues}{{instance=\"radarr\",kind=\"Radarr\"}} 1\n", text);
        Assert.Contains($"{MetricNames.ProbeDuration}{{instance=\"sonarr\",kind=\"Sonarr\"}} 0.042\n", text);
        var (exit, output) = Promtool.Run(Path.GetTempPath(), text, "check", "metrics");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task File_is_replaced_whole_and_no_temporary_file_is_left()
    {
        var folder = Directory.CreateTempSubdirectory("starrops-metrics-");
        try
        {
            var path = Path.Combine(folder.FullName, "starrops.prom");
            await File.WriteAllTextAsync(path, "old content that is longer than the new one ..........................................");

            await MetricsSink.WriteFileAsync(path, [MetricSample.Of(MetricNames.ReconcileFailures, 1)], CancellationToken.None);

            Assert.Equal(PrometheusTextWriter.Write([MetricSample.Of(MetricNames.ReconcileFailures, 1)]), await File.ReadAllTextAsync(path));
            Assert.Equal(["starrops.prom"], folder.GetFiles().Select(f => f.Name));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Push_puts_the_exposition_to_the_job_and_instance_group()
    {
        await using var gateway = await ScriptedServer.StartAsync();
        string? body = null, contentType = null;
        gateway.Fallback = async context =>
        {
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            contentType = context.Request.ContentType;
            context.Response.StatusCode = 200;
        };
        var samples = new[] { MetricSample.Of(MetricNames.InstanceUp, 1, ("instance", "sonarr"), ("kind", "Sonarr")) };

        await MetricsSink.PushAsync(gateway.Url, "health check", samples, CancellationToken.None);

        Assert.Equal(["PUT /metrics/job/starrops/instance/health%20check"], gateway.Seen);
        Assert.Equal(PrometheusTextWriter.Write(samples), body);
        Assert.StartsWith("text/plain; version=0.0.4", contentType);
    }

    [Fact]
    public async Task A_refused_push_is_an_api_error()
    {
        await using var gateway = await ScriptedServer.StartAsync();
        gateway.Then(400, "pushed metrics are invalid or inconsistent", "text/plain");

        var error = await Assert.ThrowsAsync<StarrApiException>(() => MetricsSink.PushAsync(gateway.Url, "x", [MetricSample.Of(MetricNames.ReconcileFailures, 1)], CancellationToken.None));

        Assert.Contains("inconsistent", error.Message);
    }

    private static int CountLines(string text, string line) => text.Split('\n').Count(l => l == line);
}

public sealed class PushgatewayCredentialTests
{
    [Fact]
    public async Task Credentials_in_the_gateway_url_become_basic_auth_and_never_appear_in_errors()
    {
        await using var gateway = await ScriptedServer.StartAsync();
        gateway.Then(200).Then(500, "boom", "text/plain");
        var url = new UriBuilder(gateway.Url) { UserName = "pusher", Password = "push-secret-98765" }.Uri;

        await MetricsSink.PushAsync(url, "health", [MetricSample.Of(MetricNames.ReconcileFailures, 1)], CancellationToken.None);
        var error = await Assert.ThrowsAsync<StarrOps.Core.StarrApiException>(() => MetricsSink.PushAsync(url, "health", [MetricSample.Of(MetricNames.ReconcileFailures, 1)], CancellationToken.None));
        var refused = await Assert.ThrowsAsync<StarrOps.Core.StarrConnectionException>(() =>
            MetricsSink.PushAsync(new Uri("http://pusher:push-secret-98765@127.0.0.1:1"), "health", [MetricSample.Of(MetricNames.ReconcileFailures, 1)], CancellationToken.None));

        var expected = "Authorization=Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("pusher:push-secret-98765"));
        Assert.Contains(expected, gateway.SeenHeaders.First());
        Assert.DoesNotContain("push-secret-98765", error.Message);
        Assert.DoesNotContain("push-secret-98765", refused.Message);
        Assert.DoesNotContain("push-secret-98765", refused.Url.ToString());
    }
}
