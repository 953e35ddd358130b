namespace StarrOps.Core.Certificates;

public enum CertificateStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>The outcome of checking one public HTTPS endpoint: the TLS handshake, the certificate it served, and the HTTP→HTTPS redirect.</summary>
public sealed record CertificateCheck
{
    public string Host { get; init; } = "";
    public int Port { get; init; } = 443;
    public Uri? Uri { get; init; }
    /// <summary>Where the host came from: Parameter, or Ingress/{namespace}/{name}.</summary>
    public string Source { get; init; } = "Parameter";
    public CertificateStatus Status { get; init; }
    public bool HandshakeSucceeded { get; init; }
    /// <summary>The chain builds to a trusted root and the certificate is within its validity period.</summary>
    public bool Trusted { get; init; }
    /// <summary>A subject alternative name (or, lacking any, the common name) matches the host.</summary>
    public bool CoversHost { get; init; }
    public string? Subject { get; init; }
    public string? Issuer { get; init; }
    public IReadOnlyList<string> SubjectAlternativeNames { get; init; } = [];
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotAfter { get; init; }
    /// <summary>Whole and fractional days until expiry; negative when expired.</summary>
    public double? DaysUntilExpiry { get; init; }
    public string? Thumbprint { get; init; }
    /// <summary>True when plain HTTP answered with a redirect to https://; null when not checked.</summary>
    public bool? RedirectsToHttps { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>How to check certificates.</summary>
public sealed record CertificateCheckOptions
{
    public int WarningDays { get; init; } = 30;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
    public bool CheckHttpRedirect { get; init; } = true;
    /// <summary>Extra roots to trust (a homelab CA); when set, the chain is built against these only.</summary>
    public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> TrustedRoots { get; init; } = [];
    /// <summary>
    /// Connect to this address instead of resolving the host (the host is still sent as SNI and Host header):
    /// for checking a name before DNS points at it, and for tests on loopback.
    /// </summary>
    public string? ConnectTo { get; init; }
    /// <summary>The port plain HTTP is tried on for the redirect check.</summary>
    public int HttpPort { get; init; } = 80;
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>An endpoint to check: https://host[:port], and where it was found.</summary>
public sealed record CertificateTarget(Uri Uri, string Source = "Parameter");
