namespace StarrOps.Core.Kubernetes;

public sealed record KubeIngressPath(string Path, string? PathType, string? ServiceName, string? ServicePort);

public sealed record KubeIngressRule(string? Host, IReadOnlyList<KubeIngressPath> Paths);

/// <summary>A TLS entry: the hosts served with the certificate in Secret <see cref="SecretName"/>.</summary>
public sealed record KubeIngressTls(IReadOnlyList<string> Hosts, string? SecretName);

/// <summary>An Ingress (networking.k8s.io/v1): hosts, backends and TLS secrets, for certificate checks.</summary>
public sealed record KubeIngress(KubeObjectMeta Metadata, string? IngressClassName, IReadOnlyList<KubeIngressRule> Rules, IReadOnlyList<KubeIngressTls> Tls)
{
    public string Name => Metadata.Name;
}
