namespace StarrOps.Core.Instances;

/// <summary>
/// One running service: a name (e.g. "sonarr", "sonarr-4k"), its kind, its URL (with any URL base)
/// and credentials. The credentials are <see cref="Secret"/>s so that printing, formatting or
/// serialising an instance never shows them.
/// </summary>
public sealed record StarrInstance
{
    public StarrInstance(string name, ServiceKind kind, Uri url, Secret? apiKey = null, string? userName = null, Secret? password = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An instance needs a name.", nameof(name));
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The URL of instance '{name}' must be an absolute http:// or https:// URL, not '{url}'.", nameof(url));
        Name = name;
        Kind = kind;
        Url = NormaliseUrl(url);
        ApiKey = apiKey;
        UserName = userName;
        Password = password;
    }

    public string Name { get; }
    public ServiceKind Kind { get; }
    /// <summary>Base URL including the URL base, without a trailing slash.</summary>
    public Uri Url { get; }
    /// <summary>Where the instance was described: Environment, Parameter, Kubernetes, Config.</summary>
    public string Source { get; init; } = "Parameter";
    public Secret? ApiKey { get; }
    public string? UserName { get; }
    public Secret? Password { get; }
    /// <summary>Per-request timeout. Unreachable hosts fail within it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Skip TLS certificate validation (self-signed homelab certificates). Off by default.</summary>
    public bool SkipCertificateCheck { get; init; }

    public bool HasApiKey => ApiKey is { IsEmpty: false };

    public override string ToString() => $"{Name} ({Kind}, {Url})";

    /// <summary>Stops a client from being built for an instance of another kind ("radarr is Radarr, not a Bazarr instance").</summary>
    /// <param name="displayName">The service as users write it: qBittorrent, SABnzbd.</param>
    public void EnsureKind(ServiceKind kind, string displayName)
    {
        if (Kind != kind) throw new StarrConfigurationException($"{Name} is {Kind}, not a {displayName} instance.");
    }

    private static Uri NormaliseUrl(Uri url)
    {
        var text = url.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text, UriKind.Absolute);
    }

    /// <summary>Resolves a path relative to the URL base: "api/v3/tag" under http://h/sonarr → http://h/sonarr/api/v3/tag.</summary>
    public Uri Resolve(string relative) => new(Url.AbsoluteUri.TrimEnd('/') + "/" + relative.TrimStart('/'));
}
