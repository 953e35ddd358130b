using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes.Gateway;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// Where the API server is, how to trust it and how to authenticate: what a kubeconfig context or a
/// pod's service account resolves to. Build it with <see cref="KubernetesConfigLoader"/>.
/// </summary>
public sealed class KubernetesConnection
{
    internal KubernetesConnection(KubeGatewayConfiguration gateway, Uri server, string? @namespace, string source, string authenticationMethod,
        bool insecureSkipTlsVerify, string? tlsServerName, string? context)
    {
        if (!server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
            throw new StarrConfigurationException($"The Kubernetes API server address \"{server}\" from {source} must be an absolute https:// URL.");
        Gateway = gateway;
        Server = server;
        Namespace = string.IsNullOrEmpty(@namespace) ? "default" : @namespace;
        Source = source;
        AuthenticationMethod = authenticationMethod;
        InsecureSkipTlsVerify = insecureSkipTlsVerify;
        TlsServerName = tlsServerName;
        Context = context;
    }

    /// <summary>A connection with a fixed bearer token, trusting <paramref name="certificateAuthorityPem"/> (null: the system's trust store).</summary>
    public static KubernetesConnection ForToken(Uri server, Secret token, string? certificateAuthorityPem, string @namespace = "default") =>
        KubeConfigBuilder.ForToken(server, token, certificateAuthorityPem, @namespace);

    public Uri Server { get; }
    /// <summary>The namespace of the context (or of the pod, in a cluster); "default" when none is set.</summary>
    public string Namespace { get; }
    /// <summary>Where this came from, for messages: "kubeconfig /home/me/.kube/config, context \"prod\"", "in-cluster service account".</summary>
    public string Source { get; }
    /// <summary>The kubeconfig context; null in a cluster.</summary>
    public string? Context { get; }
    public bool InsecureSkipTlsVerify { get; }
    public string? TlsServerName { get; }
    /// <summary>"token", "token file /path", "client certificate", "exec plugin aws".</summary>
    public string AuthenticationMethod { get; }

    /// <summary>The gateway's own view (the KubernetesClient configuration); nothing outside Gateway/ looks inside.</summary>
    internal KubeGatewayConfiguration Gateway { get; }

    public override string ToString() => $"{Server} ({Source})";
}
