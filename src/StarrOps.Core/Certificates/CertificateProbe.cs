using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using StarrOps.Core.Hosting;
using StarrOps.Core.Kubernetes;

namespace StarrOps.Core.Certificates;

/// <summary>
/// Checks public HTTPS endpoints: a real TLS handshake (SNI = the host), the served certificate's issuer, names and
/// expiry, chain trust, and whether plain HTTP redirects to HTTPS. Never throws for an endpoint's failure: it is a
/// <see cref="CertificateStatus.Fail"/> result with the problems listed.
/// </summary>
public static class CertificateProbe
{
    public static async Task<IReadOnlyList<CertificateCheck>> CheckAllAsync(IEnumerable<CertificateTarget> targets, IStarrHost host, CertificateCheckOptions? options, CancellationToken cancellationToken)
    {
        options ??= new CertificateCheckOptions();
        var o = options;
        return await Task.WhenAll(targets.Select(t => CheckAsync(t, host, o, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The TLS hosts of the Ingresses in a namespace (spec.tls[].hosts), one target each, deduplicated.</summary>
    public static async Task<IReadOnlyList<CertificateTarget>> TargetsFromIngressesAsync(KubernetesClient kubernetes, string @namespace, string? labelSelector, CancellationToken cancellationToken)
    {
        var ingresses = await kubernetes.ListIngressesAsync(@namespace, labelSelector, cancellationToken).ConfigureAwait(false);
        return ingresses
            .SelectMany(i => i.Tls.SelectMany(t => t.Hosts).Select(h => (Host: h, Source: $"Ingress/{i.Metadata.Namespace ?? @namespace}/{i.Name}")))
            .Where(h => !string.IsNullOrWhiteSpace(h.Host) && !h.Host.StartsWith('*'))
            .DistinctBy(h => h.Host, StringComparer.OrdinalIgnoreCase)
            .Select(h => new CertificateTarget(new Uri($"https://{h.Host}"), h.Source))
            .ToList();
    }

    public static async Task<CertificateCheck> CheckAsync(CertificateTarget target, IStarrHost host, CertificateCheckOptions? options, CancellationToken cancellationToken)
    {
        options ??= new CertificateCheckOptions();
        var uri = target.Uri;
        var hostName = uri.IdnHost;
        var port = uri.IsDefaultPort && uri.Scheme == Uri.UriSchemeHttp ? 443 : uri.Port;
        var result = new CertificateCheck { Host = hostName, Port = port, Uri = new Uri($"https://{uri.Authority}"), Source = target.Source };
        var problems = new List<string>();
        host.WriteVerbose($"TLS handshake with {hostName}:{port}{(options.ConnectTo is null ? "" : $" (at {options.ConnectTo})")}");

        var handshake = await HandshakeAsync(options.ConnectTo ?? hostName, port, hostName, options, cancellationToken).ConfigureAwait(false);
        if (handshake.Certificate is null)
        {
            problems.Add($"TLS handshake with {hostName}:{port} failed: {handshake.Error}");
        }
        else
        {
            using var certificate = handshake.Certificate;
            var now = options.Clock.GetUtcNow();
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            var days = (notAfter - now).TotalDays;
            var names = SubjectAlternativeNames(certificate);
            var covers = Covers(names.Count > 0 ? names : [certificate.GetNameInfo(X509NameType.SimpleName, false)], hostName);
            var trusted = IsTrusted(certificate, handshake.Intermediates, options, out var chainProblem);
            if (!trusted) problems.Add($"The certificate is not trusted: {chainProblem}");
            if (!covers) problems.Add($"The certificate's names ({string.Join(", ", names)}) do not cover {hostName}.");
            if (days < 0) problems.Add($"The certificate expired {-days:0.#} days ago ({notAfter:yyyy-MM-dd}).");
            else if (now < notBefore) problems.Add($"The certificate is not valid before {notBefore:yyyy-MM-dd HH:mm} UTC.");
            result = result with
            {
                HandshakeSucceeded = true,
                Trusted = trusted && days >= 0 && now >= notBefore,
                CoversHost = covers,
                Subject = certificate.Subject,
                Issuer = certificate.Issuer,
                SubjectAlternativeNames = names,
                NotBefore = notBefore,
                NotAfter = notAfter,
                DaysUntilExpiry = Math.Round(days, 2),
                Thumbprint = certificate.Thumbprint,
            };
        }

        if (options.CheckHttpRedirect)
        {
            var (redirects, detail) = await CheckRedirectAsync(options.ConnectTo ?? hostName, options.HttpPort, hostName, options.Timeout, cancellationToken).ConfigureAwait(false);
            result = result with { RedirectsToHttps = redirects };
            if (!redirects) problems.Add($"Plain HTTP on {hostName}:{options.HttpPort} does not redirect to HTTPS: {detail}");
        }

        var status = CertificateStatus.Pass;
        if (problems.Count > 0) status = CertificateStatus.Fail;
        else if (result.DaysUntilExpiry < options.WarningDays)
        {
            status = CertificateStatus.Warn;
            problems.Add($"The certificate expires in {result.DaysUntilExpiry:0.#} days (warning at {options.WarningDays}).");
        }
        return result with { Status = status, Problems = problems };
    }

    private sealed record Handshake(X509Certificate2? Certificate, X509Certificate2Collection Intermediates, string? Error);

    private static async Task<Handshake> HandshakeAsync(string connectTo, int port, string serverName, CertificateCheckOptions options, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        X509Certificate2? served = null;
        var intermediates = new X509Certificate2Collection();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(connectTo, port, deadline.Token).ConfigureAwait(false);
            await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = serverName,
                // Accept anything here: the point is to inspect what is served and judge it ourselves, with reasons.
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    if (certificate is not null) served = new X509Certificate2(certificate);
                    if (chain is not null)
                        foreach (var element in chain.ChainElements.Skip(1)) intermediates.Add(new X509Certificate2(element.Certificate));
                    return true;
                },
            }, deadline.Token).ConfigureAwait(false);
            return new Handshake(served, intermediates, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            served?.Dispose();
            return new Handshake(null, intermediates, $"no answer within {options.Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            served?.Dispose();
            return new Handshake(null, intermediates, ex.Message);
        }
    }

    private static bool IsTrusted(X509Certificate2 certificate, X509Certificate2Collection intermediates, CertificateCheckOptions options, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // revocation needs the internet; the clock and the chain are what break homelabs
        chain.ChainPolicy.VerificationTime = options.Clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        if (options.TrustedRoots.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(options.TrustedRoots.ToArray());
        }
        // Expiry is reported on its own (with days), so it does not count as a trust failure here.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        var ok = chain.Build(certificate);
        problem = ok ? "" : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        if (!ok && problem.Length == 0) problem = "the chain does not lead to a trusted root";
        if (!ok && certificate.Subject == certificate.Issuer) problem = "it is self-signed (" + problem + ")";
        return ok;
    }

    internal static IReadOnlyList<string> SubjectAlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null) return [];
        return extension.EnumerateDnsNames().Concat(extension.EnumerateIPAddresses().Select(a => a.ToString())).ToList();
    }

    /// <summary>RFC 6125: exact match, or a wildcard in the left-most label covering exactly one label.</summary>
    internal static bool Covers(IEnumerable<string> names, string host)
    {
        foreach (var name in names)
        {
            if (string.Equals(name, host, StringComparison.OrdinalIgnoreCase)) return true;
            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = host.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && string.Equals(name[1..], host[dot..], StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// GET http://host/ without following redirects; a 301/302/307/308 whose Location is https:// passes. The
    /// connection goes to <paramref name="connectTo"/> with the host in the Host header, like a browser after DNS.
    /// </summary>
    private static async Task<(bool Redirects, string Detail)> CheckRedirectAsync(string connectTo, int port, string hostName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(connectTo, port, token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { Timeout = timeout };
        var url = port == 80 ? $"http://{hostName}/" : $"http://{hostName}:{port}/";
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var location = response.Headers.Location;
            if (code is 301 or 302 or 303 or 307 or 308 && location is not null)
            {
                var absolute = location.IsAbsoluteUri ? location : new Uri(new Uri(url), location);
                return absolute.Scheme == Uri.UriSchemeHttps
                    ? (true, $"{code} to {absolute.GetLeftPart(UriPartial.Authority)}")
                    : (false, $"{code} to {absolute.GetLeftPart(UriPartial.Authority)}, not to https://");
            }
            return (false, $"it answered {code} without a redirect");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            return (false, ex.Message);
        }
    }
}
