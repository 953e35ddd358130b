using StarrOps.Core.Certificates;
using StarrOps.Core.Metrics;
using StarrOps.Tests.Core;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Certificates;

/// <summary>Real TLS handshakes against Kestrel on 127.0.0.1, with the test host name sent as SNI.</summary>
public sealed class CertificateProbeTests : IAsyncLifetime
{
    private TlsTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TlsTestServer.StartAsync(new Dictionary<string, Func<TestCa, System.Security.Cryptography.X509Certificates.X509Certificate2>>
        {
            ["good.media.test"] = ca => ca.Issue(TimeSpan.FromDays(60), "good.media.test", "www.media.test"),
            ["soon.media.test"] = ca => ca.Issue(TimeSpan.FromDays(10), "soon.media.test"),
            ["expired.media.test"] = ca => ca.Issue(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddDays(-1), "expired.media.test"),
            ["wrong.media.test"] = ca => ca.Issue(TimeSpan.FromDays(60), "other.media.test"),
            ["self.media.test"] = _ => TestCa.SelfSigned(TimeSpan.FromDays(60), "self.media.test"),
            ["wild.media.test"] = ca => ca.Issue(TimeSpan.FromDays(60), "*.media.test"),
        });
        foreach (var host in new[] { "good.media.test", "soon.media.test", "expired.media.test", "wrong.media.test", "self.media.test", "wild.media.test" })
            _server.RedirectHosts.Add(host);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CertificateCheckOptions Options(bool redirect = true) => new()
    {
        ConnectTo = "127.0.0.1",
        HttpPort = _server.HttpPort,
        TrustedRoots = [_server.Root],
        CheckHttpRedirect = redirect,
    };

    private Task<CertificateCheck> Check(string host, CertificateCheckOptions? options = null) =>
        CertificateProbe.CheckAsync(new CertificateTarget(new Uri($"https://{host}:{_server.HttpsPort}")), new RecordingHost(), options ?? Options(), CancellationToken.None);

    [Fact]
    public async Task A_trusted_certificate_with_60_days_left_passes()
    {
        var check = await Check("good.media.test");

        Assert.Equal(CertificateStatus.Pass, check.Status);
        Assert.True(check.HandshakeSucceeded);
        Assert.True(check.Trusted);
        Assert.True(check.CoversHost);
        Assert.True(check.RedirectsToHttps);
        Assert.Equal("CN=StarrOps Test Root CA", check.Issuer);
        Assert.Equal(["good.media.test", "www.media.test"], check.SubjectAlternativeNames);
        Assert.InRange(check.DaysUntilExpiry!.Value, 59, 60.01);
        Assert.Empty(check.Problems);
    }

    [Fact]
    public async Task Ten_days_left_is_a_warning()
    {
        var check = await Check("soon.media.test");

        Assert.Equal(CertificateStatus.Warn, check.Status);
        Assert.True(check.Trusted);
        Assert.InRange(check.DaysUntilExpiry!.Value, 9, 10.01);
        Assert.Contains(check.Problems, p => p.Contains("expires in"));
    }

    [Fact]
    public async Task The_warning_threshold_is_configurable()
    {
        var check = await Check("soon.media.test", Options() with { WarningDays = 7 });

        Assert.Equal(CertificateStatus.Pass, check.Status);
    }

    [Fact]
    public async Task An_expired_certificate_fails()
    {
        var check = await Check("expired.media.test");

        Assert.Equal(CertificateStatus.Fail, check.Status);
        Assert.False(check.Trusted);
        Assert.True(check.DaysUntilExpiry < 0);
        Assert.Contains(check.Problems, p => p.Contains("expired"));
    }

    [Fact]
    public async Task A_certificate_for_another_host_fails()
    {
        var check = await Check("wrong.media.test");

        Assert.Equal(CertificateStatus.Fail, check.Status);
        Assert.False(check.CoversHost);
        Assert.Contains(check.Problems, p => p.Contains("do not cover wrong.media.test"));
    }

    [Fact]
    public async Task A_self_signed_certificate_fails()
    {
        var check = await Check("self.media.test");

        Assert.Equal(CertificateStatus.Fail, check.Status);
        Assert.True(check.HandshakeSucceeded);
        Assert.False(check.Trusted);
        Assert.True(check.CoversHost);
        Assert.Contains(check.Problems, p => p.Contains("self-signed"));
    }

    [Fact]
    public async Task A_wildcard_covers_one_label()
    {
        var check = await Check("wild.media.test");

        Assert.Equal(CertificateStatus.Pass, check.Status);
        Assert.False(CertificateProbe.Covers(["*.media.test"], "a.b.media.test"));
        Assert.False(CertificateProbe.Covers(["*.media.test"], "media.test"));
    }

    [Fact]
    public async Task Missing_redirect_from_http_fails()
    {
        _server.RedirectHosts.Remove("good.media.test");

        var check = await Check("good.media.test");
        var skipped = await Check("good.media.test", Options(redirect: false));

        Assert.Equal(CertificateStatus.Fail, check.Status);
        Assert.False(check.RedirectsToHttps);
        Assert.Contains(check.Problems, p => p.Contains("does not redirect") && p.Contains("200"));
        Assert.Equal(CertificateStatus.Pass, skipped.Status);
        Assert.Null(skipped.RedirectsToHttps);
    }

    [Fact]
    public async Task Nothing_listening_fails_with_the_reason()
    {
        var check = await CertificateProbe.CheckAsync(new CertificateTarget(new Uri($"https://gone.media.test:{FreePort()}")), new RecordingHost(),
            Options(redirect: false), CancellationToken.None);

        Assert.Equal(CertificateStatus.Fail, check.Status);
        Assert.False(check.HandshakeSucceeded);
        Assert.Contains(check.Problems, p => p.Contains("handshake"));
    }

    [Fact]
    public async Task The_system_trust_store_does_not_trust_the_test_ca()
    {
        var check = await Check("good.media.test", Options() with { TrustedRoots = [] });

        Assert.Equal(CertificateStatus.Fail, check.Status);
        Assert.False(check.Trusted);
    }

    [Fact]
    public async Task Metrics_carry_expiry_seconds_and_validity_per_host()
    {
        var checks = await CertificateProbe.CheckAllAsync(
            new[] { "good.media.test", "expired.media.test" }.Select(h => new CertificateTarget(new Uri($"https://{h}:{_server.HttpsPort}"))), new RecordingHost(), Options(), CancellationToken.None);

        var text = PrometheusTextWriter.Write(CertificateMetrics.From(checks));

        Assert.Matches($@"starrops_certificate_expiry_seconds\{{host=""good\.media\.test:{_server.HttpsPort}""\}} 5\d{{6}}\n", text);
        Assert.Matches($@"starrops_certificate_expiry_seconds\{{host=""expired\.media\.test:{_server.HttpsPort}""\}} -\d+\n", text);
        Assert.Contains($"starrops_certificate_valid{{host=\"expired.media.test:{_server.HttpsPort}\"}} 0\n", text);
        Assert.Contains($"starrops_certificate_valid{{host=\"good.media.test:{_server.HttpsPort}\"}} 1\n", text);
        Assert.Equal(0, StarrOps.Tests.Metrics.Promtool.Run(Path.GetTempPath(), text, "check", "metrics").ExitCode);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
