using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// A throw-away certificate authority made at start: it signs the API server's certificate (SAN IP
/// 127.0.0.1 and DNS localhost) and client certificates, like a cluster's CA does.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly X509Certificate2 _certificate;

    public TestCertificateAuthority(string commonName = "kubernetes")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate => _certificate;

    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>A TLS server certificate with its key, valid for 127.0.0.1, ::1 and localhost.</summary>
    public X509Certificate2 IssueServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes.default.svc");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        return Sign(request, key);
    }

    /// <summary>A client certificate for <paramref name="user"/> (CN) as PEM certificate and PEM key, like kubeadm's admin.conf.</summary>
    public (string CertificatePem, string KeyPem) IssueClientCertificate(string user, bool rsa = false)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsaKey
            ? new CertificateRequest($"CN={user}, O=system:masters", rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={user}, O=system:masters", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        using var certificate = Issue(request);
        // kubeadm writes "RSA PRIVATE KEY" / "EC PRIVATE KEY" (PKCS#1 / SEC1): do the same to exercise those readers.
        var keyPem = key is RSA r ? PemEncoding.WriteString("RSA PRIVATE KEY", r.ExportRSAPrivateKey()) : ((ECDsa)key).ExportECPrivateKeyPem();
        return (certificate.ExportCertificatePem(), keyPem);
    }

    /// <summary>True when <paramref name="certificate"/> was signed by this CA.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(_certificate);
        return chain.Build(certificate);
    }

    public void Dispose() => _certificate.Dispose();

    private X509Certificate2 Sign(CertificateRequest request, ECDsa key)
    {
        using var certificate = Issue(request);
        using var withKey = certificate.CopyWithPrivateKey(key);
        // Kestrel wants a key it can use on every platform: round-trip through PKCS#12.
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
#else
        return new X509Certificate2(withKey.Export(X509ContentType.Pkcs12), (string?)null, X509KeyStorageFlags.Exportable);
#endif
    }

    // Signed with the CA's EC key whatever the subject's key type (an RSA client certificate from an EC CA, as kubeadm can make).
    private X509Certificate2 Issue(CertificateRequest request)
    {
        using var caKey = _certificate.GetECDsaPrivateKey()!;
        return request.Create(_certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey),
            DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), NewSerial());
    }

    private static byte[] NewSerial() => RandomNumberGenerator.GetBytes(16);
}
