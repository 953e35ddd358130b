using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// TLS for the API server: verified by default; against the cluster's CA only when the kubeconfig or the
/// service account gives one (like kubectl, the system store is then not consulted); host name always checked.
/// </summary>
internal static class KubernetesTls
{
    public static SocketsHttpHandler CreateHandler(KubernetesConnection connection, Func<X509Certificate2?> clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
        };
        var ssl = handler.SslOptions;
        if (connection.TlsServerName is not null) ssl.TargetHost = connection.TlsServerName;
        ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate()!;
        if (connection.InsecureSkipTlsVerify)
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        else if (connection.CertificateAuthorities is { } authorities)
            ssl.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, authorities);
        return handler;
    }

    internal static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection authorities)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // Intermediates the server sent along, so that a CA bundle with only the root still verifies.
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
