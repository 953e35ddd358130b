using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using StarrOps.Core.Instances;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// Turns kubeconfig files or a pod's service-account folder into a <see cref="KubernetesConnection"/> with
/// KubernetesClient: it reads and merges the files, runs exec credential plugins, loads client certificates and
/// CAs. Around it: the messages kubectl users know (unknown context with the known ones, auth-provider refused,
/// bad YAML with its line), and what KubernetesClient lacks: <c>tokenFile</c> users and a re-read token after a 401.
/// </summary>
internal static class KubeConfigBuilder
{
    private const string Placeholder = "starrops-placeholder-token";
    private static readonly ConcurrentDictionary<string, string> PluginErrors = new(StringComparer.Ordinal);

    static KubeConfigBuilder()
    {
        // KubernetesClient hands an exec plugin's stderr only to this (process-wide) event; its stdout (the credential) never goes anywhere but the parser.
        KubernetesClientConfiguration.ExecStdError += (sender, line) =>
        {
            if (sender is Process { StartInfo.FileName: { } command } && line.Data is { } text)
                PluginErrors.AddOrUpdate(command, text, (_, before) => Tail(before + "\n" + text, 1000));
        };
    }

    public static KubernetesConnection ForToken(Uri server, Secret token, string? certificateAuthorityPem, string @namespace)
    {
        var source = $"API server {server}";
        var configuration = new KubernetesClientConfiguration
        {
            Host = server.ToString(),
            AccessToken = token.Reveal(),
            Namespace = @namespace,
            SslCaCerts = certificateAuthorityPem is null ? null : Certificates(certificateAuthorityPem, source),
        };
        return new KubernetesConnection(new KubeGatewayConfiguration(configuration, null), server, @namespace, source, "token", false, null, null);
    }

    public static KubernetesConnection InCluster(Uri server, string serviceAccountRoot)
    {
        var caPath = Path.Combine(serviceAccountRoot, "ca.crt");
        var namespacePath = Path.Combine(serviceAccountRoot, "namespace");
        var ns = File.Exists(namespacePath) ? File.ReadAllText(namespacePath).Trim() : "default";
        var tokenFile = new RotatingTokenFile(Path.Combine(serviceAccountRoot, "token"));
        // KubernetesClient's InClusterConfig reads only /var/run/secrets/... and the process environment; this is the same, from given paths.
        var configuration = new KubernetesClientConfiguration
        {
            Host = server.ToString(),
            TokenProvider = tokenFile,
            Namespace = ns,
            SslCaCerts = File.Exists(caPath) ? Certificates(File.ReadAllText(caPath), caPath) : null,
        };
        return new KubernetesConnection(new KubeGatewayConfiguration(configuration, tokenFile), server, ns,
            $"in-cluster service account ({serviceAccountRoot})", $"token file {tokenFile.Path}", false, null, null);
    }

    public static KubernetesConnection FromKubeconfig(IReadOnlyList<string> files, string? context)
    {
        var describe = files.Count == 1 ? files[0] : string.Join(Path.PathSeparator, files);
        var config = Load(files);
        var contexts = config.Contexts?.ToList() ?? [];
        var clusters = config.Clusters?.ToList() ?? [];
        var users = config.Users?.ToList() ?? [];

        var contextName = context ?? config.CurrentContext;
        if (string.IsNullOrEmpty(contextName))
            throw new StarrConfigurationException($"The kubeconfig {describe} has no current-context: name a context ({Known(contexts.Select(c => c.Name))}) or run 'kubectl config use-context NAME'.");
        var contextEntry = contexts.FirstOrDefault(c => c.Name == contextName)
            ?? throw new StarrConfigurationException($"The kubeconfig {describe} has no context \"{contextName}\". Known contexts: {Known(contexts.Select(c => c.Name))}.");
        var clusterName = contextEntry.ContextDetails?.Cluster;
        var cluster = clusters.FirstOrDefault(c => c.Name == clusterName)
            ?? throw new StarrConfigurationException($"Context \"{contextName}\" of {describe} names cluster \"{clusterName}\", which the kubeconfig does not define. Known clusters: {Known(clusters.Select(c => c.Name))}.");
        var server = cluster.ClusterEndpoint?.Server;
        if (string.IsNullOrEmpty(server) || !Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
            throw new StarrConfigurationException($"Cluster \"{clusterName}\" of {describe} has no valid server address (\"{server}\").");

        var userName = contextEntry.ContextDetails?.User;
        User? user = null;
        if (!string.IsNullOrEmpty(userName))
        {
            user = users.FirstOrDefault(u => u.Name == userName)
                ?? throw new StarrConfigurationException($"Context \"{contextName}\" of {describe} names user \"{userName}\", which the kubeconfig does not define. Known users: {Known(users.Select(u => u.Name))}.");
            user.UserCredentials ??= new UserCredentials();
        }
        var credentials = user?.UserCredentials;
        var origin = $"user \"{userName}\" in {describe}";
        if (credentials?.AuthProvider is { } provider)
            throw new StarrConfigurationException($"The {origin} uses auth-provider \"{provider.Name}\", which StarrOps does not support (kubectl dropped it too): switch the user to an exec credential plugin (e.g. gke-gcloud-auth-plugin, kubelogin).");

        // KubernetesClient's kubeconfig model has no tokenFile: it is read from the YAML here, and the user gets a
        // stand-in token so that KubernetesClient accepts it; the RotatingTokenFile replaces it below.
        var tokenFile = userName is null ? null : TokenFile(files, userName);
        var hasCertificate = !string.IsNullOrWhiteSpace(credentials?.ClientCertificateData) || !string.IsNullOrWhiteSpace(credentials?.ClientCertificate);
        var exec = credentials?.ExternalExecution;
        var method = exec is not null ? $"exec plugin {Path.GetFileName(exec.Command)}"
            : tokenFile is not null ? $"token file {tokenFile}"
            : (!string.IsNullOrEmpty(credentials?.Token), hasCertificate) switch
            {
                (true, true) => "token and client certificate",
                (true, false) => "token",
                (false, true) => "client certificate",
                _ => "no credentials",
            };
        var placeholder = credentials is not null && (tokenFile is not null || method == "no credentials");
        if (placeholder) credentials!.Token = Placeholder;

        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(config, contextName);
        }
        catch (Exception ex) when (exec is not null && ex is KubeConfigException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw PluginFailed(exec, userName!, ex);
        }
        catch (KubeConfigException ex)
        {
            throw new StarrConfigurationException($"The kubeconfig {describe}, context \"{contextName}\": {FirstLine(ex.Message)}");
        }
        RotatingTokenFile? rotating = null;
        if (placeholder)
        {
            configuration.AccessToken = null;
            if (tokenFile is not null) configuration.TokenProvider = rotating = new RotatingTokenFile(tokenFile);
        }
        configuration.Namespace = contextEntry.ContextDetails?.Namespace;
        return new KubernetesConnection(new KubeGatewayConfiguration(configuration, rotating), serverUri, configuration.Namespace,
            $"kubeconfig {describe}, context \"{contextName}\"", method, configuration.SkipTlsVerify, configuration.TlsServerName, contextName);
    }

    /// <summary>
    /// The files merged as kubectl does (for each cluster, user and context name the first file that defines it wins, and so
    /// does the first current-context), each file's relative paths made absolute against its own folder first.
    /// A file that is not YAML is named with its line.
    /// </summary>
    private static K8SConfiguration Load(IReadOnlyList<string> files)
    {
        K8SConfiguration? merged = null;
        foreach (var file in files)
        {
            K8SConfiguration config;
            try
            {
                config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(file), useRelativePaths: false);
            }
            catch (YamlException ex)
            {
                throw new StarrConfigurationException($"The kubeconfig {file} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {FirstLine(ex.Message)}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or KubeConfigException)
            {
                throw new StarrConfigurationException($"The kubeconfig {file} cannot be read: {FirstLine(ex.Message)}");
            }
            var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
            foreach (var cluster in config.Clusters ?? [])
            {
                if (cluster.ClusterEndpoint is { } endpoint) endpoint.CertificateAuthority = Absolute(folder, endpoint.CertificateAuthority);
            }
            foreach (var user in config.Users ?? [])
            {
                if (user.UserCredentials is not { } credentials) continue;
                credentials.ClientCertificate = Absolute(folder, credentials.ClientCertificate);
                credentials.ClientKey = Absolute(folder, credentials.ClientKey);
                // Like client-go: an exec command with a directory part is relative to the kubeconfig that names it; a bare name is looked up on PATH.
                if (credentials.ExternalExecution is { Command: { Length: > 0 } command } exec && command.Contains('/'))
                    exec.Command = Absolute(folder, command);
            }
            if (merged is null)
            {
                merged = config;
                continue;
            }
            if (string.IsNullOrEmpty(merged.CurrentContext)) merged.CurrentContext = config.CurrentContext;
            merged.Clusters = FirstWins(merged.Clusters, config.Clusters, c => c.Name);
            merged.Users = FirstWins(merged.Users, config.Users, u => u.Name);
            merged.Contexts = FirstWins(merged.Contexts, config.Contexts, c => c.Name);
        }
        return merged!;
    }

    private static List<T> FirstWins<T>(IEnumerable<T>? first, IEnumerable<T>? then, Func<T, string> name)
    {
        var result = (first ?? []).ToList();
        var names = result.Select(name).ToHashSet(StringComparer.Ordinal);
        result.AddRange((then ?? []).Where(item => names.Add(name(item))));
        return result;
    }

    private static string? Absolute(string folder, string? path)
    {
        if (string.IsNullOrEmpty(path)) return path;
        var expanded = path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;
        return Path.GetFullPath(Path.Combine(folder, expanded));
    }

    /// <summary>users[name].user.tokenFile of the first file that defines the user, made absolute against that file's folder.</summary>
    private static string? TokenFile(IReadOnlyList<string> files, string userName)
    {
        foreach (var file in files)
        {
            var stream = new YamlStream();
            using (var reader = new StringReader(File.ReadAllText(file))) stream.Load(reader);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) continue;
            if (!root.Children.TryGetValue(new YamlScalarNode("users"), out var list) || list is not YamlSequenceNode usersNode) continue;
            foreach (var entry in usersNode.Children.OfType<YamlMappingNode>())
            {
                if (!entry.Children.TryGetValue(new YamlScalarNode("name"), out var name) || (name as YamlScalarNode)?.Value != userName) continue;
                if (entry.Children.TryGetValue(new YamlScalarNode("user"), out var body) && body is YamlMappingNode userBody
                    && userBody.Children.TryGetValue(new YamlScalarNode("tokenFile"), out var path) && path is YamlScalarNode { Value: { Length: > 0 } value })
                {
                    return Absolute(Path.GetDirectoryName(Path.GetFullPath(file))!, value);
                }
                return null;
            }
        }
        return null;
    }

    private static StarrConfigurationException PluginFailed(ExternalExecution exec, string userName, Exception ex)
    {
        // KubernetesClient's messages name the failure, never the plugin's output (a credential); its stderr comes from ExecStdError.
        var detail = FirstLine(ex.Message);
        var last = detail.LastIndexOf("KubeConfigException: ", StringComparison.Ordinal);
        if (last >= 0) detail = detail[(last + "KubeConfigException: ".Length)..];
        var what = detail switch
        {
            _ when detail.Contains("deserialization", StringComparison.Ordinal) => "did not print an ExecCredential JSON object",
            _ when detail.Contains("timeout", StringComparison.Ordinal) => $"did not finish within {KubernetesClientConfiguration.ExecTimeout.TotalSeconds:0} s",
            _ when detail.Contains("missing token or clientCertificateData", StringComparison.Ordinal) => "returned neither a token nor a client certificate",
            _ when detail.StartsWith("external exec failed due to: ", StringComparison.Ordinal) =>
                $"could not be started ({detail["external exec failed due to: ".Length..]}){(exec.InstallHint is { Length: > 0 } hint ? " " + hint.Trim() : "")}",
            _ => "failed: " + detail.Replace("external exec failed because ", "", StringComparison.Ordinal)
                .Replace("external exec failed due to ", "", StringComparison.Ordinal),
        };
        var stderr = PluginErrors.TryRemove(exec.Command, out var text) && !string.IsNullOrWhiteSpace(text) ? "; it wrote: " + text.Trim() : "";
        return new StarrConfigurationException(SecretRegistry.Redact(
            $"The Kubernetes credential plugin \"{exec.Command}\" of kubeconfig user \"{userName}\" {what.TrimEnd('.')}{stderr}"));
    }

    internal static X509Certificate2Collection Certificates(string pem, string origin)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new StarrConfigurationException($"The certificate authority of {origin} is not valid PEM: {ex.Message}");
        }
        if (certificates.Count == 0) throw new StarrConfigurationException($"The certificate authority of {origin} holds no PEM certificate.");
        return certificates;
    }

    /// <summary>The first line of a message, without the inner exceptions and stack traces KubernetesClient appends.</summary>
    internal static string FirstLine(string message)
    {
        var line = message.Split('\n')[0].Trim();
        var inner = line.IndexOf(" ---> ", StringComparison.Ordinal);
        return inner < 0 ? line : line[..inner];
    }

    private static string Tail(string text, int limit) => text.Length <= limit ? text : text[^limit..];

    private static string Known(IEnumerable<string?> names)
    {
        var list = names.Where(n => !string.IsNullOrEmpty(n)).Order(StringComparer.Ordinal).Select(n => $"\"{n}\"").ToList();
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
