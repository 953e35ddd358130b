using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StarrOps.Tests.Certificates;

/// <summary>
/// A real TLS endpoint on loopback (Kestrel): the certificate served is picked by the SNI host name, and a plain HTTP
/// listener redirects to HTTPS for the hosts in <see cref="RedirectHosts"/> and answers 200 for the others.
/// Certificates are made with CertificateRequest and signed by a test CA that only the tests trust.
/// </summary>
public sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, X509Certificate2> _certificates;

    private TlsTestServer(WebApplication app, Dictionary<string, X509Certificate2> certificates, X509Certificate2 root)
    {
        _app = app;
        _certificates = certificates;
        Root = root;
    }

    public X509Certificate2 Root { get; }
    public int HttpsPort { get; private set; }
    public int HttpPort { get; private set; }
    public HashSet<string> RedirectHosts { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="certificates">SNI host → how to make its certificate.</param>
    public static async Task<TlsTestServer> StartAsync(IReadOnlyDictionary<string, Func<TestCa, X509Certificate2>> certificates)
    {
        var ca = TestCa.Create();
        var served = certificates.ToDictionary(c => c.Key, c => c.Value(ca), StringComparer.OrdinalIgnoreCase);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(https => https.ServerCertificateSelector = (_, name) =>
                    name is not null && served.TryGetValue(name, out var certificate) ? certificate : served.Values.First());
            });
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new TlsTestServer(app, served, ca.Root);
        app.Run(context =>
        {
            if (!context.Request.IsHttps && server.RedirectHosts.Contains(context.Request.Host.Host))
            {
                context.Response.StatusCode = 301;
                context.Response.Headers.Location = $"https://{context.Request.Host.Host}/";
                return Task.CompletedTask;
            }
            context.Response.StatusCode = 200;
            return context.Response.WriteAsync("hello");
        });
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        server.HttpsPort = addresses.Single(a => a.Scheme == "https").Port;
        server.HttpPort = addresses.Single(a => a.Scheme == "http").Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var certificate in _certificates.Values) certificate.Dispose();
        Root.Dispose();
    }
}

/// <summary>A throwaway certificate authority and the leaf certificates it signs.</summary>
public sealed class TestCa
{
    private readonly RSA _key;

    private TestCa(X509Certificate2 root, RSA key)
    {
        Root = root;
        _key = key;
    }

    public X509Certificate2 Root { get; }

    public static TestCa Create()
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=StarrOps Test Root CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(2));
        return new TestCa(root, key);
    }

    /// <summary>A leaf for <paramref name="names"/> valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>, signed by this CA.</summary>
    public X509Certificate2 Issue(DateTimeOffset notBefore, DateTimeOffset notAfter, params string[] names)
    {
        using var key = RSA.Create(2048);
        var request = Leaf(key, names);
        using var issued = request.Create(Root, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    public X509Certificate2 Issue(TimeSpan validFor, params string[] names) => Issue(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.Add(validFor), names);

    public static X509Certificate2 SelfSigned(TimeSpan validFor, params string[] names)
    {
        using var key = RSA.Create(2048);
        using var certificate = Leaf(key, names).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.Add(validFor));
        return Reload(certificate);
    }

    private static CertificateRequest Leaf(RSA key, string[] names)
    {
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names) san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request;
    }

    /// <summary>Kestrel needs a certificate whose private key it can use from the store provider: round-trip through PKCS#12.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
