using System.Security.Cryptography.X509Certificates;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>What one request authenticates with: a bearer token and/or a client certificate.</summary>
internal sealed record KubernetesCredential(Secret? Token, X509Certificate2? ClientCertificate);

/// <summary>Where credentials come from: fixed values, a token file that rotates, or an exec plugin.</summary>
internal abstract class KubernetesCredentials
{
    /// <summary>How the user authenticates, for messages ("token", "token file /x", "exec plugin aws").</summary>
    public abstract string Description { get; }

    public abstract ValueTask<KubernetesCredential> GetAsync(CancellationToken cancellationToken);

    /// <summary>Called after a 401: forget cached values. True when asking again may give different credentials.</summary>
    public virtual bool Invalidate() => false;
}

internal sealed class StaticCredentials(Secret? token, X509Certificate2? clientCertificate) : KubernetesCredentials
{
    private readonly KubernetesCredential _credential = new(token, clientCertificate);

    public override string Description => (token, clientCertificate) switch
    {
        (not null, not null) => "token and client certificate",
        (not null, null) => "token",
        (null, not null) => "client certificate",
        _ => "no credentials",
    };

    public override ValueTask<KubernetesCredential> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_credential);
}

/// <summary>
/// A token read from a file and read again when the file changes: projected service-account tokens are
/// rotated by the kubelet (hourly), and a long-running process must pick up the new one. Reads at most
/// once a minute unless the file's time stamp moved.
/// </summary>
internal sealed class TokenFileCredentials(string path, X509Certificate2? clientCertificate) : KubernetesCredentials
{
    private static readonly TimeSpan MaximumAge = TimeSpan.FromMinutes(1);
    private readonly object _gate = new();
    private KubernetesCredential? _cached;
    private DateTime _cachedWriteTime;
    private DateTime _readAt;

    public override string Description => $"token file {path}";

    public override ValueTask<KubernetesCredential> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var writeTime = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
            if (_cached is null || writeTime != _cachedWriteTime || DateTime.UtcNow - _readAt > MaximumAge)
            {
                string text;
                try
                {
                    text = File.ReadAllText(path).Trim();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StarrConfigurationException($"The Kubernetes token file {path} cannot be read: {ex.Message}");
                }
                if (text.Length == 0) throw new StarrConfigurationException($"The Kubernetes token file {path} is empty.");
                _cached = new KubernetesCredential(new Secret(text), clientCertificate);
                _cachedWriteTime = writeTime;
                _readAt = DateTime.UtcNow;
            }
            return ValueTask.FromResult(_cached);
        }
    }

    public override bool Invalidate()
    {
        lock (_gate) _cached = null;
        return true;
    }
}
