using k8s;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// What a <see cref="KubernetesConnection"/> resolved to, in KubernetesClient's terms: its configuration, and the
/// token file that is read again after a 401 (rotated service-account tokens, kubeconfig <c>tokenFile</c>).
/// Only Gateway/ sees inside; the rest of the core holds it as an opaque value.
/// </summary>
internal sealed class KubeGatewayConfiguration(KubernetesClientConfiguration configuration, RotatingTokenFile? tokenFile)
{
    public KubernetesClientConfiguration Configuration { get; } = configuration;
    public RotatingTokenFile? TokenFile { get; } = tokenFile;
}
