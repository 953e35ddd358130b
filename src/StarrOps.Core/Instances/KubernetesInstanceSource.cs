using System.Net;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using StarrOps.Core.Hosting;
using StarrOps.Core.Kubernetes;

namespace StarrOps.Core.Instances;

/// <summary>Where <see cref="KubernetesInstanceSource"/> looks: a namespace, the Secret with keys, the ConfigMap with URLs.</summary>
public sealed record KubernetesDiscoveryOptions(string Namespace)
{
    public const string DefaultSecretName = "starr-secrets";
    public const string DefaultConfigMapName = "starr-common-config";

    public string SecretName { get; init; } = DefaultSecretName;
    public string ConfigMapName { get; init; } = DefaultConfigMapName;
    /// <summary>Read each *arr's API key from <c>&lt;ApiKey&gt;</c> in its pod's /config/config.xml (needs pods/exec).</summary>
    public bool FromPod { get; init; }
}

/// <summary>
/// Finds the media stack in a namespace the way the reconcile Job sees it: Services named or labelled
/// (<c>app.kubernetes.io/name</c>, <c>app</c>) after an app give <c>http://svc.ns.svc.cluster.local:port</c>;
/// the ConfigMap's <c>SONARR_URL</c>… override those URLs; the Secret's <c>SONARR_API_KEY</c>, <c>QBITTORRENT_PASSWORD</c>…
/// give the credentials. With <see cref="KubernetesDiscoveryOptions.FromPod"/>, the *arr keys come from the pods' config.xml.
/// The variables are merged like an environment and read by <see cref="EnvironmentInstanceSource"/>, so the names agree
/// (service "sonarr-4k" → instance "sonarr-4k", keys SONARR_4K_*).
/// </summary>
public static partial class KubernetesInstanceSource
{
    public const string SourceName = "Kubernetes";
    private static readonly string[] NameLabels = ["app.kubernetes.io/name", "app"];

    public static async Task<IReadOnlyList<StarrInstance>> DiscoverAsync(KubernetesClient client, KubernetesDiscoveryOptions options, IStarrHost? host,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        host ??= NullStarrHost.Instance;
        var ns = options.Namespace;

        // Services, the ConfigMap and the Secret are independent reads: one round trip's worth of latency.
        var servicesTask = client.ListServicesAsync(ns, null, cancellationToken);
        var configMapTask = OptionalAsync(() => client.GetConfigMapAsync(ns, options.ConfigMapName, cancellationToken), "ConfigMap", options.ConfigMapName, ns, host);
        var secretTask = OptionalAsync(() => client.GetSecretAsync(ns, options.SecretName, cancellationToken), "Secret", options.SecretName, ns, host);
        var services = await servicesTask.ConfigureAwait(false);
        var configMap = await configMapTask.ConfigureAwait(false);
        var secret = await secretTask.ConfigureAwait(false);

        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var serviceByStem = new Dictionary<string, (ServiceKind Kind, KubeService Service)>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in services)
        {
            if (KindOf(service) is not { } kind) continue;
            var stem = Stem(kind, service.Name);
            var port = PortOf(service, kind);
            variables[stem + "_URL"] = $"http://{service.Name}.{ns}.svc.cluster.local:{port}";
            serviceByStem[stem] = (kind, service);
            host.WriteVerbose($"Kubernetes: Service {ns}/{service.Name} is {kind} ({stem}_URL)");
        }
        foreach (var (key, value) in configMap?.Data ?? new Dictionary<string, string>())
        {
            if (key.EndsWith("_URL", StringComparison.OrdinalIgnoreCase) || key.Equals("STARR_TIMEOUT_SECONDS", StringComparison.OrdinalIgnoreCase)) variables[key] = value;
        }
        foreach (var (key, value) in secret?.Data ?? new Dictionary<string, Secret>())
        {
            if (key.EndsWith("_API_KEY", StringComparison.OrdinalIgnoreCase) || key.EndsWith("_PASSWORD", StringComparison.OrdinalIgnoreCase)
                || key.EndsWith("_USERNAME", StringComparison.OrdinalIgnoreCase))
                variables[key] = value.Reveal();
        }

        var instances = EnvironmentInstanceSource.Read(variables).Select(i => Rebuild(i, i.ApiKey)).ToList();
        if (options.FromPod)
        {
            var keyed = await Task.WhenAll(instances.Select(async instance =>
            {
                if (!HasConfigXml(instance.Kind)) return instance;
                serviceByStem.TryGetValue(StemOfInstance(instance), out var found);
                var key = await ReadApiKeyFromPodAsync(client, ns, instance, found.Service, host, cancellationToken).ConfigureAwait(false);
                return key is null ? instance : Rebuild(instance, key);
            })).ConfigureAwait(false);
            instances = keyed.ToList();
        }
        return instances;
    }

    /// <summary>The app a Service serves: its <c>app.kubernetes.io/name</c> or <c>app</c> label, else its name (e.g. "sonarr", "sonarr-4k").</summary>
    internal static ServiceKind? KindOf(KubeService service)
    {
        var labelled = false;
        foreach (var label in NameLabels)
        {
            if (!service.Metadata.Labels.TryGetValue(label, out var value)) continue;
            if (ParseApp(value) is { } kind) return kind;
            labelled = true;
        }
        // A Service labelled as something else (an exportarr "sonarr-exporter") is not the app, whatever its name.
        if (labelled) return null;
        return ParseApp(service.Name);
    }

    // "sonarr", "sonarr-4k"; not "sonarr-exporter" (exportarr's metrics Service).
    private static ServiceKind? ParseApp(string text)
    {
        if (ServiceKinds.TryParse(text, out var kind)) return kind;
        var dash = text.IndexOf('-');
        if (dash <= 0 || text.EndsWith("-exporter", StringComparison.OrdinalIgnoreCase) || text.EndsWith("-metrics", StringComparison.OrdinalIgnoreCase)) return null;
        return ServiceKinds.TryParse(text[..dash], out kind) ? kind : null;
    }

    /// <summary>SONARR for service "sonarr", SONARR_4K for "sonarr-4k", SONARR_TV for a Sonarr service named "tv".</summary>
    internal static string Stem(ServiceKind kind, string serviceName)
    {
        var prefix = kind.EnvironmentPrefix();
        var name = serviceName.ToUpperInvariant().Replace('-', '_').Replace('.', '_');
        if (name == prefix || name.StartsWith(prefix + "_", StringComparison.Ordinal)) return name;
        return $"{prefix}_{name}";
    }

    private static string StemOfInstance(StarrInstance instance) => Stem(instance.Kind, instance.Name);

    /// <summary>The port that serves the app: the app's default port, else the one named http, else the first.</summary>
    internal static int PortOf(KubeService service, ServiceKind kind)
    {
        var ports = service.Ports;
        var chosen = ports.FirstOrDefault(p => p.Port == kind.DefaultPort())
                     ?? ports.FirstOrDefault(p => p.TargetPort == kind.DefaultPort().ToString(System.Globalization.CultureInfo.InvariantCulture))
                     ?? ports.FirstOrDefault(p => string.Equals(p.Name, "http", StringComparison.OrdinalIgnoreCase))
                     ?? ports.FirstOrDefault();
        return chosen?.Port ?? kind.DefaultPort();
    }

    // Bazarr keeps its key in config.yaml, Jellyfin/Jellyseerr elsewhere: only the Servarr apps have config.xml.
    private static bool HasConfigXml(ServiceKind kind) => kind.IsArr();

    private static async Task<Secret?> ReadApiKeyFromPodAsync(KubernetesClient client, string ns, StarrInstance instance, KubeService? service, IStarrHost host,
        CancellationToken cancellationToken)
    {
        var pod = await FindPodAsync(client, ns, instance, service, cancellationToken).ConfigureAwait(false);
        if (pod is null)
        {
            host.WriteWarning($"{instance.Name}: no running pod found in namespace {ns} to read /config/config.xml from; the API key is {(instance.HasApiKey ? "the Secret's" : "not set")}.");
            return null;
        }
        var container = ContainerFor(pod, instance.Kind);
        var result = await client.ExecAsync(ns, pod.Name, container, ["cat", "/config/config.xml"], null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            host.WriteWarning($"{instance.Name}: could not read /config/config.xml in pod {ns}/{pod.Name}: {result.Stderr.Trim()}");
            return null;
        }
        var key = ParseApiKey(result.Stdout);
        if (key is null)
        {
            host.WriteWarning($"{instance.Name}: /config/config.xml in pod {ns}/{pod.Name} has no <ApiKey>.");
            return null;
        }
        host.WriteVerbose($"{instance.Name}: API key read from /config/config.xml in pod {ns}/{pod.Name}");
        return key;
    }

    private static async Task<KubePod?> FindPodAsync(KubernetesClient client, string ns, StarrInstance instance, KubeService? service, CancellationToken cancellationToken)
    {
        var selectors = new List<string>();
        if (service is { Selector.Count: > 0 }) selectors.Add(string.Join(',', service.Selector.Select(p => $"{p.Key}={p.Value}")));
        var app = instance.Kind.ToString().ToLowerInvariant();
        selectors.Add($"app.kubernetes.io/name={app}");
        selectors.Add($"app={app}");
        foreach (var selector in selectors)
        {
            var pods = await client.ListPodsAsync(ns, selector, cancellationToken).ConfigureAwait(false);
            var running = pods.Where(p => p.Phase == "Running").OrderByDescending(p => p.IsReady).FirstOrDefault();
            if (running is not null) return running;
        }
        return null;
    }

    /// <summary>The container named after the app (or whose image is), else the only or first one.</summary>
    internal static string? ContainerFor(KubePod pod, ServiceKind kind)
    {
        if (pod.Containers.Count <= 1) return pod.Containers.FirstOrDefault()?.Name;
        var app = kind.ToString();
        return (pod.Containers.FirstOrDefault(c => c.Name.Contains(app, StringComparison.OrdinalIgnoreCase))
                ?? pod.Containers.FirstOrDefault(c => c.Image?.Contains(app, StringComparison.OrdinalIgnoreCase) == true)
                ?? pod.Containers[0]).Name;
    }

    /// <summary>The <c>&lt;ApiKey&gt;</c> of a Servarr config.xml, as a <see cref="Secret"/> (never a plain string).</summary>
    internal static Secret? ParseApiKey(string configXml)
    {
        string? value;
        try
        {
            value = XDocument.Parse(configXml).Root?.Element("ApiKey")?.Value;
        }
        catch (XmlException)
        {
            value = ApiKeyElement().Match(configXml) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
        }
        return Secret.FromNullable(value?.Trim());
    }

    private static StarrInstance Rebuild(StarrInstance from, Secret? apiKey) =>
        new(from.Name, from.Kind, from.Url, apiKey, from.UserName, from.Password)
        {
            Source = SourceName,
            Timeout = from.Timeout,
            SkipCertificateCheck = from.SkipCertificateCheck,
        };

    // A missing Secret or ConfigMap is normal (URLs from Services, keys from pods); a refused read is not.
    private static async Task<T?> OptionalAsync<T>(Func<Task<T>> read, string kind, string name, string ns, IStarrHost host) where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (KubernetesException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            host.WriteWarning($"Kubernetes: {kind} {ns}/{name} not found; {(kind == "Secret" ? "no API keys or passwords from it" : "URLs come from the Services only")}.");
            return null;
        }
    }

    [GeneratedRegex(@"<ApiKey>\s*([^<]*?)\s*</ApiKey>", RegexOptions.IgnoreCase)]
    private static partial Regex ApiKeyElement();
}
