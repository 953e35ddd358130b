using System.Net.Http.Headers;
using k8s.Authentication;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// A bearer token read from a file and read again when the file changes: projected service-account tokens are
/// rotated by the kubelet (hourly), and a long-running process must pick up the new one. Reads at most once a
/// minute unless the file's time stamp moved; <see cref="Invalidate"/> (after a 401) forces the next read.
/// KubernetesClient's own TokenFileAuth re-reads only by the clock and cannot be told that a token was refused.
/// </summary>
internal sealed class RotatingTokenFile(string path) : ITokenProvider
{
    private static readonly TimeSpan MaximumAge = TimeSpan.FromMinutes(1);
    private readonly object _gate = new();
    private string? _token;
    private DateTime _cachedWriteTime;
    private DateTime _readAt;

    public string Path { get; } = path;

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AuthenticationHeaderValue("Bearer", Token()));

    /// <summary>Forgets the cached token. True: asking again may give another one.</summary>
    public bool Invalidate()
    {
        lock (_gate) _token = null;
        return true;
    }

    private string Token()
    {
        lock (_gate)
        {
            var writeTime = File.Exists(Path) ? File.GetLastWriteTimeUtc(Path) : DateTime.MinValue;
            if (_token is null || writeTime != _cachedWriteTime || DateTime.UtcNow - _readAt > MaximumAge)
            {
                string text;
                try
                {
                    text = File.ReadAllText(Path).Trim();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StarrConfigurationException($"The Kubernetes token file {Path} cannot be read: {ex.Message}");
                }
                if (text.Length == 0) throw new StarrConfigurationException($"The Kubernetes token file {Path} is empty.");
                _token = text;
                _cachedWriteTime = writeTime;
                _readAt = DateTime.UtcNow;
            }
            return _token;
        }
    }
}
