using System.Collections;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// Finds the cluster to talk to, like kubectl: an explicit kubeconfig, else the files in KUBECONFIG
/// (merged), else ~/.kube/config, else the pod's service account when running in a cluster.
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
        var caPath = Path.Combine(serviceAccountRoot, "ca.crt");
        var authorities = File.Exists(caPath) ? KubernetesPem.LoadCertificates(File.ReadAllText(caPath), caPath) : null;
        var namespacePath = Path.Combine(serviceAccountRoot, "namespace");
        var ns = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : "default";
        var hostPart = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host; // IPv6
        return new KubernetesConnection(new Uri($"https://{hostPart}:{port}"), ns, $"in-cluster service account ({serviceAccountRoot})",
            new TokenFileCredentials(tokenPath, null), authorities, false, null, null);
    }

    /// <summary>A context of a kubeconfig (the current one when <paramref name="context"/> is null).</summary>
    public static KubernetesConnection FromKubeconfig(string? kubeconfigPath = null, string? context = null, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var config = Kubeconfig.Load(KubeconfigFiles(kubeconfigPath, environment));
        var contextName = context ?? config.CurrentContext;
        if (string.IsNullOrEmpty(contextName))
            throw new StarrConfigurationException($"The kubeconfig {config.Describe()} has no current-context: name a context ({Known(config.Contexts)}) or run 'kubectl config use-context NAME'.");
        if (!config.Contexts.TryGetValue(contextName, out var contextEntry))
            throw new StarrConfigurationException($"The kubeconfig {config.Describe()} has no context \"{contextName}\". Known contexts: {Known(config.Contexts)}.");

        var source = $"kubeconfig {config.Describe()}, context \"{contextName}\"";
        var clusterName = contextEntry.String("cluster");
        if (clusterName is null || !config.Clusters.TryGetValue(clusterName, out var cluster))
            throw new StarrConfigurationException($"Context \"{contextName}\" of {config.Describe()} names cluster \"{clusterName}\", which the kubeconfig does not define. Known clusters: {Known(config.Clusters)}.");
        var server = cluster.String("server");
        if (string.IsNullOrEmpty(server) || !Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
            throw new StarrConfigurationException($"Cluster \"{clusterName}\" of {config.Describe()} has no valid server address (\"{server}\").");

        var authorities = CertificateAuthorities(cluster, $"cluster \"{clusterName}\" in {config.Describe()}");
        var insecure = cluster.Flag("insecure-skip-tls-verify");
        var userName = contextEntry.String("user");
        KubeconfigEntry? user = null;
        if (!string.IsNullOrEmpty(userName) && !config.Users.TryGetValue(userName, out user))
            throw new StarrConfigurationException($"Context \"{contextName}\" of {config.Describe()} names user \"{userName}\", which the kubeconfig does not define. Known users: {Known(config.Users)}.");
        var credentials = user is null ? new StaticCredentials(null, null) : Credentials(user, cluster, serverUri, config.Describe());
        return new KubernetesConnection(serverUri, contextEntry.String("namespace") ?? "default", source, credentials, authorities, insecure,
            cluster.String("tls-server-name"), contextName);
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

    private static X509Certificate2Collection? CertificateAuthorities(KubeconfigEntry cluster, string origin)
    {
        if (cluster.String("certificate-authority-data") is { Length: > 0 } data)
            return KubernetesPem.LoadCertificates(DecodeBase64(data, "certificate-authority-data", origin), origin);
        if (cluster.FilePath("certificate-authority") is { } path)
            return KubernetesPem.LoadCertificates(ReadFile(path, "certificate-authority", origin), origin);
        return null;
    }

    private static KubernetesCredentials Credentials(KubeconfigEntry user, KubeconfigEntry cluster, Uri server, string kubeconfig)
    {
        var origin = $"user \"{user.Name}\" in {kubeconfig}";
        if (user.Body["auth-provider"] is JsonObject provider)
            throw new StarrConfigurationException($"The {origin} uses auth-provider \"{KubeJson.String(provider, "name")}\", which StarrOps does not support (kubectl dropped it too): switch the user to an exec credential plugin (e.g. gke-gcloud-auth-plugin, kubelogin).");

        X509Certificate2? certificate = null;
        var certificatePem = user.String("client-certificate-data") is { Length: > 0 } certData
            ? DecodeBase64(certData, "client-certificate-data", origin)
            : user.FilePath("client-certificate") is { } certPath ? ReadFile(certPath, "client-certificate", origin) : null;
        var keyPem = user.String("client-key-data") is { Length: > 0 } keyData
            ? DecodeBase64(keyData, "client-key-data", origin)
            : user.FilePath("client-key") is { } keyPath ? ReadFile(keyPath, "client-key", origin) : null;
        if (certificatePem is not null || keyPem is not null)
        {
            if (certificatePem is null || keyPem is null)
                throw new StarrConfigurationException($"The {origin} has a client certificate without its key, or a key without its certificate.");
            certificate = KubernetesPem.LoadClientCertificate(certificatePem, keyPem, origin);
        }

        if (user.Body["exec"] is JsonObject exec) return ExecPlugin(exec, user, cluster, server, origin);
        if (user.FilePath("tokenFile") is { } tokenFile) return new TokenFileCredentials(tokenFile, certificate);
        return new StaticCredentials(Secret.FromNullable(user.String("token")), certificate);
    }

    private static ExecCredentialPlugin ExecPlugin(JsonObject exec, KubeconfigEntry user, KubeconfigEntry cluster, Uri server, string origin)
    {
        var command = KubeJson.String(exec, "command");
        if (string.IsNullOrEmpty(command)) throw new StarrConfigurationException($"The exec credential plugin of {origin} has no command.");
        var apiVersion = KubeJson.String(exec, "apiVersion") ?? "client.authentication.k8s.io/v1";
        var environment = KubeJson.Objects(exec, "env")
            .Where(e => KubeJson.String(e, "name") is not null)
            .Select(e => KeyValuePair.Create(KubeJson.String(e, "name")!, KubeJson.String(e, "value") ?? ""))
            .ToList();
        var provideClusterInfo = KubeJson.String(exec, "provideClusterInfo") is { } flag && bool.TryParse(flag, out var provide) && provide;
        var clusterInfo = new JsonObject { ["server"] = server.ToString() };
        if (cluster.String("certificate-authority-data") is { } caData) clusterInfo["certificate-authority-data"] = caData;
        if (cluster.String("tls-server-name") is { } tlsName) clusterInfo["tls-server-name"] = tlsName;
        if (cluster.Flag("insecure-skip-tls-verify")) clusterInfo["insecure-skip-tls-verify"] = true;
        var config = new ExecPluginConfig(user.Name, command, KubeJson.Strings(exec, "args"), environment, apiVersion,
            KubeJson.String(exec, "installHint"), provideClusterInfo, user.Directory);
        return new ExecCredentialPlugin(config, clusterInfo);
    }

    private static string DecodeBase64(string data, string key, string origin)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data.Trim()));
        }
        catch (FormatException)
        {
            throw new StarrConfigurationException($"The {key} of {origin} is not valid base64.");
        }
    }

    private static string ReadFile(string path, string key, string origin)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StarrConfigurationException($"The {key} file {path} of {origin} cannot be read: {ex.Message}");
        }
    }

    private static string Known(Dictionary<string, KubeconfigEntry> entries) =>
        entries.Count == 0 ? "(none)" : string.Join(", ", entries.Keys.Order(StringComparer.Ordinal).Select(k => $"\"{k}\""));

    private static string? Variable(IDictionary environment, string name) =>
        environment.Contains(name) && environment[name] is string { Length: > 0 } value ? value : null;
}
