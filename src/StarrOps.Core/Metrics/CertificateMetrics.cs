using StarrOps.Core.Certificates;

namespace StarrOps.Core.Metrics;

public static class CertificateMetrics
{
    public static IEnumerable<MetricSample> From(IEnumerable<CertificateCheck> checks)
    {
        var list = checks.ToList();
        var served = list.Where(c => c.NotAfter is not null).ToList();
        foreach (var c in served) yield return Sample(MetricNames.CertificateExpirySeconds, Math.Round(c.DaysUntilExpiry!.Value * 86400), c);
        foreach (var c in list) yield return Sample(MetricNames.CertificateValid, c.HandshakeSucceeded && c.Trusted && c.CoversHost ? 1 : 0, c);
        foreach (var c in list.Where(c => c.RedirectsToHttps is not null)) yield return Sample(MetricNames.HttpsRedirect, c.RedirectsToHttps == true ? 1 : 0, c);
    }

    private static MetricSample Sample(string name, double value, CertificateCheck c) => MetricSample.Of(name, value, ("host", c.Port == 443 ? c.Host : $"{c.Host}:{c.Port}"));
}
