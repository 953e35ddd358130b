namespace StarrOps.TestKit;

/// <summary>Which emulated servers an <see cref="EmulatedStack"/> starts.</summary>
public sealed class EmulatedStackOptions
{
    /// <summary>Sonarr instance names; the first is <see cref="EmulatedStack.Sonarr"/>. E.g. ["sonarr", "sonarr-4k"]; empty = none.</summary>
    public IList<string> Sonarr { get; set; } = ["sonarr"];

    public IList<string> Radarr { get; set; } = ["radarr"];

    public IList<string> Lidarr { get; set; } = ["lidarr"];

    /// <summary>Readarr instances (default none; Readarr is approximate, see <see cref="EmulatedReadarr"/>).</summary>
    public IList<string> Readarr { get; set; } = [];

    public bool Prowlarr { get; set; } = true;

    public bool Jellyseerr { get; set; } = true;

    public bool Jellyfin { get; set; } = true;

    public bool Gluetun { get; set; } = true;

    /// <summary>Give every *arr a URL base "/{name}" (e.g. /sonarr/api/v3), as behind a path-routing ingress.</summary>
    public bool UseUrlBase { get; set; }

    /// <summary>false = Gluetun without auth (no GLUETUN_API_KEY).</summary>
    public bool GluetunRequiresApiKey { get; set; } = true;

    /// <summary>Called with each *arr's options before it starts (set API keys, existing paths, ...).</summary>
    public Action<EmulatedArrOptions>? ConfigureArr { get; set; }
}

/// <summary>
/// A whole emulated media stack on loopback: Sonarr, Radarr, Lidarr, Prowlarr, Jellyseerr, Jellyfin and Gluetun (and Readarr on request),
/// started in parallel and sharing one <see cref="EmulatedNetwork"/> on which each server is also reachable by
/// its in-cluster style name and default port (e.g. http://sonarr:8989, http://prowlarr:9696), so Prowlarr
/// applications and Jellyseerr settings can use the names a Kubernetes deployment would.
/// </summary>
public sealed class EmulatedStack : IAsyncDisposable
{
    private readonly List<EmulatedServer> _servers;

    private EmulatedStack(EmulatedNetwork network, List<EmulatedServer> servers)
    {
        Network = network;
        _servers = servers;
    }

    public EmulatedNetwork Network { get; }

    public IReadOnlyList<EmulatedServer> All => _servers;

    public IReadOnlyList<EmulatedArr> SonarrInstances => _servers.OfType<EmulatedSonarr>().ToArray();

    public IReadOnlyList<EmulatedArr> RadarrInstances => _servers.OfType<EmulatedRadarr>().ToArray();

    public IReadOnlyList<EmulatedArr> LidarrInstances => _servers.OfType<EmulatedLidarr>().ToArray();

    public EmulatedArr Sonarr => Single<EmulatedSonarr>("Sonarr");

    public EmulatedArr Radarr => Single<EmulatedRadarr>("Radarr");

    public EmulatedArr Lidarr => Single<EmulatedLidarr>("Lidarr");

    public IReadOnlyList<EmulatedArr> ReadarrInstances => _servers.OfType<EmulatedReadarr>().ToArray();

    /// <summary>Only when <see cref="EmulatedStackOptions.Readarr"/> names an instance.</summary>
    public EmulatedArr Readarr => Single<EmulatedReadarr>("Readarr");

    public EmulatedArr Prowlarr => Single<EmulatedProwlarr>("Prowlarr");

    public EmulatedJellyseerr Jellyseerr => Single<EmulatedJellyseerr>("Jellyseerr");

    public EmulatedJellyfin Jellyfin => Single<EmulatedJellyfin>("Jellyfin");

    public EmulatedGluetun Gluetun => Single<EmulatedGluetun>("Gluetun");

    /// <summary>A server by instance name ("sonarr-4k").</summary>
    public EmulatedServer this[string name] =>
        _servers.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No emulated server named '{name}'. Running: {string.Join(", ", _servers.Select(s => s.Name))}");

    public static async Task<EmulatedStack> StartAsync(EmulatedStackOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatedStackOptions();
        var network = new EmulatedNetwork();
        var servers = new List<EmulatedServer>();
        EmulatedArrOptions ArrOptions(string name)
        {
            var arr = new EmulatedArrOptions { Name = name, Network = network, UrlBase = options.UseUrlBase ? "/" + name : null };
            options.ConfigureArr?.Invoke(arr);
            return arr;
        }
        servers.AddRange(options.Sonarr.Select(n => new EmulatedSonarr(ArrOptions(n))));
        servers.AddRange(options.Radarr.Select(n => new EmulatedRadarr(ArrOptions(n))));
        servers.AddRange(options.Lidarr.Select(n => new EmulatedLidarr(ArrOptions(n))));
        servers.AddRange(options.Readarr.Select(n => new EmulatedReadarr(ArrOptions(n))));
        if (options.Prowlarr) servers.Add(new EmulatedProwlarr(ArrOptions("prowlarr")));
        if (options.Jellyseerr) servers.Add(new EmulatedJellyseerr(new EmulatedJellyseerrOptions { Network = network }));
        if (options.Jellyfin) servers.Add(new EmulatedJellyfin(new EmulatedJellyfinOptions { Network = network }));
        if (options.Gluetun) servers.Add(new EmulatedGluetun(new EmulatedGluetunOptions { Network = network, RequireApiKey = options.GluetunRequiresApiKey }));
        var duplicate = servers.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two emulated servers are named '{duplicate.Key}'.", nameof(options));

        var stack = new EmulatedStack(network, servers);
        try
        {
            await Task.WhenAll(servers.Select(s => s.StartAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            await stack.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        foreach (var server in servers) network.Map(server.Name, DefaultPort(server), server);
        return stack;
    }

    /// <summary>
    /// Variables for environment-based discovery (Get-StarrInstance): SONARR_URL/SONARR_API_KEY,
    /// SONARR_4K_URL/SONARR_4K_API_KEY, RADARR_…, LIDARR_…, PROWLARR_…, JELLYSEERR_…, JELLYFIN_URL/_API_KEY/_USERNAME/_PASSWORD,
    /// GLUETUN_URL/GLUETUN_API_KEY. URLs carry the URL base and no trailing slash.
    /// </summary>
    public IDictionary<string, string> Environment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var server in _servers)
        {
            var stem = EnvironmentStem(server);
            variables[$"{stem}_URL"] = server.BaseAddress;
            if (server.ApiKey.Length > 0) variables[$"{stem}_API_KEY"] = server.ApiKey;
            if (server is EmulatedJellyfin jellyfin)
            {
                variables[$"{stem}_USERNAME"] = jellyfin.AdminUserName;
                variables[$"{stem}_PASSWORD"] = jellyfin.AdminPassword;
            }
        }
        return variables;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        Network.Dispose();
    }

    /// <summary>"sonarr" → SONARR, "sonarr-4k" → SONARR_4K, "tv" (a Sonarr) → SONARR_TV.</summary>
    private static string EnvironmentStem(EmulatedServer server)
    {
        var prefix = server.AppName.ToUpperInvariant();
        var name = server.Name.ToUpperInvariant().Replace('-', '_');
        if (name == prefix) return prefix;
        if (name.StartsWith(prefix + "_", StringComparison.Ordinal)) return name;
        return $"{prefix}_{name}";
    }

    private static int DefaultPort(EmulatedServer server) => server switch
    {
        EmulatedSonarr => 8989,
        EmulatedRadarr => 7878,
        EmulatedLidarr => 8686,
        EmulatedReadarr => 8787,
        EmulatedProwlarr => 9696,
        EmulatedJellyseerr => 5055,
        EmulatedJellyfin => 8096,
        EmulatedGluetun => 8000,
        _ => 80,
    };

    private T Single<T>(string app) where T : EmulatedServer =>
        _servers.OfType<T>().FirstOrDefault() ?? throw new InvalidOperationException($"The stack was started without {app} (see EmulatedStackOptions).");
}
