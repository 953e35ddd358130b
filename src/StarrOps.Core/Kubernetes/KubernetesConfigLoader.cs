using System.Collections;
using StarrOps.Core.Kubernetes.Gateway;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// Finds the cluster to talk to, like kubectl: an explicit kubeconfig, else the files in KUBECONFIG
/// (merged), else ~/.kube/config, else the pod's service account when running in a cluster.
/// Which files and whether this is a pod is decided here; reading them is KubernetesClient's, behind Gateway/.
/// </summary>
public static class KubernetesConfigLoader
{
    public const string DefaultServiceAccountRoot = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <param name="kubeconfigPath">A kubeconfig file (or several, separated like PATH); null for the default lookup.</param>
    /// <param name="context">A context name; null for the kubeconfig's current-context.</param>
    /// <param name="environment">Environment variables (tests pass their own); null for the process's.</param>
    /// <param name="serviceAccountRoot">Where the pod's token, ca.crt and namespace are mounted.</param>
    public static KubernetesConnection Load(string? kubeconfigPath = null, string? context = null, IDictionary? environment = null,
        string serviceAccountRoot = DefaultServiceAccountRoot)
    {
        environment ??= Environment.GetEnvironmentVariables();
        if (kubeconfigPath is null && context is null && Variable(environment, "KUBECONFIG") is null
            && !File.Exists(DefaultKubeconfigPath(environment)) && IsInCluster(environment, serviceAccountRoot))
            return InCluster(serviceAccountRoot, environment);
        return FromKubeconfig(kubeconfigPath, context, environment);
    }

    /// <summary>True when the process runs in a pod with a mounted service-account token.</summary>
    public static bool IsInCluster(IDictionary? environment = null, string serviceAccountRoot = DefaultServiceAccountRoot)
    {
        environment ??= Environment.GetEnvironmentVariables();
        return Variable(environment, "KUBERNETES_SERVICE_HOST") is not null && Variable(environment, "KUBERNETES_SERVICE_PORT") is not null
            && File.Exists(Path.Combine(serviceAccountRoot, "token"));
    }

    /// <summary>The pod's own service account: its rotating token, the cluster CA and the pod's namespace.</summary>
    public static KubernetesConnection InCluster(string serviceAccountRoot = DefaultServiceAccountRoot, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var host = Variable(environment, "KUBERNETES_SERVICE_HOST");
        var port = Variable(environment, "KUBERNETES_SERVICE_PORT");
        if (host is null || port is null)
            throw new StarrConfigurationException("Not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set. Use a kubeconfig instead.");
        var tokenPath = Path.Combine(serviceAccountRoot, "token");
        if (!File.Exists(tokenPath))
            throw new StarrConfigurationException($"No service account token at {tokenPath}: set automountServiceAccountToken: true on the pod (or its service account).");
        var hostPart = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host; // IPv6
        return KubeConfigBuilder.InCluster(new Uri($"https://{hostPart}:{port}"), serviceAccountRoot);
    }

    /// <summary>A context of a kubeconfig (the current one when <paramref name="context"/> is null).</summary>
    public static KubernetesConnection FromKubeconfig(string? kubeconfigPath = null, string? context = null, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        return KubeConfigBuilder.FromKubeconfig(KubeconfigFiles(kubeconfigPath, environment), context);
    }

    /// <summary>The kubeconfig files to merge: the explicit path(s), else KUBECONFIG's existing entries, else ~/.kube/config.</summary>
    internal static IReadOnlyList<string> KubeconfigFiles(string? explicitPath, IDictionary environment)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            var files = explicitPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            foreach (var file in files)
            {
                if (!File.Exists(file)) throw new StarrConfigurationException($"The kubeconfig file {file} does not exist.");
            }
            return files;
        }
        if (Variable(environment, "KUBECONFIG") is { } list)
        {
            var listed = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
            var existing = listed.Where(File.Exists).Distinct(StringComparer.Ordinal).ToList();
            if (existing.Count == 0)
                throw new StarrConfigurationException($"None of the kubeconfig files in KUBECONFIG exist ({string.Join(", ", listed)}).");
            return existing;
        }
        var defaultPath = DefaultKubeconfigPath(environment);
        if (!File.Exists(defaultPath))
            throw new StarrConfigurationException($"No kubeconfig found: {defaultPath} does not exist, KUBECONFIG is not set, and this is not a Kubernetes pod. Pass a kubeconfig path or set KUBECONFIG.");
        return [defaultPath];
    }

    private static string DefaultKubeconfigPath(IDictionary environment)
    {
        var home = Variable(environment, "HOME") ?? Variable(environment, "USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".kube", "config");
    }

    private static string? Variable(IDictionary environment, string name) =>
        environment.Contains(name) && environment[name] is string { Length: > 0 } value ? value : null;
}
