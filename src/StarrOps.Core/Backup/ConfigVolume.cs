using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;

namespace StarrOps.Core.Backup;

/// <summary>Where an app's config volume is reachable through Kubernetes exec: namespace, pod selector, mount path.</summary>
public sealed record ConfigVolumeOptions
{
    public required KubernetesClient Kubernetes { get; init; }
    /// <summary>Null: the kubeconfig context's namespace.</summary>
    public string? Namespace { get; init; }
    /// <summary>Label selector of the app's pod; "{name}" stands for the instance name. Default <c>app={name}</c>, then <c>app.kubernetes.io/name={name}</c>.</summary>
    public string? PodSelector { get; init; }
    /// <summary>Where the config volume is mounted in the app's container.</summary>
    public string ConfigPath { get; init; } = "/config";

    internal string NamespaceOrDefault => string.IsNullOrWhiteSpace(Namespace) ? Kubernetes.DefaultNamespace : Namespace;
}

/// <summary>The pod and container that have an instance's config volume mounted.</summary>
internal sealed record ConfigVolumeTarget(string Namespace, KubePod Pod, string Container, string ConfigPath)
{
    public static async Task<ConfigVolumeTarget> FindAsync(StarrInstance instance, ConfigVolumeOptions options, CancellationToken cancellationToken)
    {
        var ns = options.NamespaceOrDefault;
        var selectors = options.PodSelector is { Length: > 0 } given
            ? [given.Replace("{name}", instance.Name, StringComparison.Ordinal)]
            : new[] { $"app={instance.Name}", $"app.kubernetes.io/name={instance.Name}", $"app.kubernetes.io/instance={instance.Name}" };
        foreach (var selector in selectors)
        {
            var pods = await options.Kubernetes.ListPodsAsync(ns, selector, cancellationToken).ConfigureAwait(false);
            var pod = pods.Where(p => p.Phase == "Running").OrderByDescending(p => p.IsReady).FirstOrDefault();
            if (pod is null) continue;
            var container = pod.Containers.FirstOrDefault(c => c.VolumeMounts.Any(m => SamePath(m.MountPath, options.ConfigPath)))
                ?? pod.Containers.FirstOrDefault(c => c.Name.Contains(instance.Kind.ToString(), StringComparison.OrdinalIgnoreCase))
                ?? pod.Containers.FirstOrDefault();
            if (container is null) continue;
            return new ConfigVolumeTarget(ns, pod, container.Name, options.ConfigPath.TrimEnd('/'));
        }
        throw new BackupException(
            $"{instance.Name}: no running pod found in namespace \"{ns}\" with {string.Join(" or ", selectors.Select(s => $"label {s}"))}. Pass -PodSelector (e.g. 'app.kubernetes.io/name=sonarr') or -Namespace.",
            "StarrBackupPodNotFound");
    }

    /// <summary>The PersistentVolumeClaim behind the config mount, for a helper pod that mounts it while the app is scaled down.</summary>
    public string? ClaimName()
    {
        var mount = Pod.Containers.First(c => c.Name == Container).VolumeMounts.FirstOrDefault(m => SamePath(m.MountPath, ConfigPath));
        var volume = mount is null ? null : Pod.Volumes.FirstOrDefault(v => v.Name == mount.Name);
        return volume?.Type == "persistentVolumeClaim" ? volume.Source : null;
    }

    /// <summary>The Deployment or StatefulSet that owns the pod (a Deployment's pods belong to a ReplicaSet named DEPLOYMENT-HASH).</summary>
    public (KubernetesApiResource Resource, string Name)? Owner()
    {
        var owner = Pod.Metadata.OwnerReferences.FirstOrDefault(o => o.Controller != false);
        var kind = owner?.Kind;
        var name = owner?.Name;
        if (string.IsNullOrEmpty(name)) return null;
        return kind switch
        {
            "StatefulSet" => (KubernetesApiResource.StatefulSets, name),
            "ReplicaSet" when name.LastIndexOf('-') > 0 => (KubernetesApiResource.Deployments, name[..name.LastIndexOf('-')]),
            _ => null,
        };
    }

    public override string ToString() => $"container \"{Container}\" of pod \"{Pod.Name}\" in namespace \"{Namespace}\"";

    private static bool SamePath(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);
}
