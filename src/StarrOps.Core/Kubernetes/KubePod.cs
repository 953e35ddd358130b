namespace StarrOps.Core.Kubernetes;

public sealed record KubeContainerPort(string? Name, int ContainerPort, string Protocol);

public sealed record KubeVolumeMount(string Name, string MountPath, bool ReadOnly, string? SubPath);

public sealed record KubeContainer(string Name, string? Image, IReadOnlyList<KubeContainerPort> Ports, IReadOnlyList<KubeVolumeMount> VolumeMounts);

/// <summary>
/// A pod volume: <see cref="Type"/> is the source's key ("persistentVolumeClaim", "configMap", "secret",
/// "emptyDir", "hostPath", "nfs", ...), <see cref="Source"/> what it names (claim, ConfigMap, Secret, path).
/// </summary>
public sealed record KubeVolume(string Name, string Type, string? Source);

/// <summary>A condition of a pod or job: <c>{type: Ready, status: "True"}</c>.</summary>
public sealed record KubeCondition(string Type, string Status, string? Reason, string? Message)
{
    public bool IsTrue => Status == "True";
}

/// <summary>A container's status; <see cref="State"/> is "running", "waiting" or "terminated", with the reason when there is one.</summary>
public sealed record KubeContainerStatus(string Name, bool Ready, int RestartCount, string State, string? Reason);

/// <summary>A pod with the parts StarrOps reads: containers and their mounts, volumes, phase, IP, conditions, owners.</summary>
public sealed record KubePod(
    KubeObjectMeta Metadata,
    string? Phase,
    string? PodIP,
    string? NodeName,
    IReadOnlyList<KubeContainer> Containers,
    IReadOnlyList<KubeVolume> Volumes,
    IReadOnlyList<KubeCondition> Conditions,
    IReadOnlyList<KubeContainerStatus> ContainerStatuses)
{
    public string Name => Metadata.Name;
    public string? Namespace => Metadata.Namespace;
    public bool IsReady => Conditions.Any(c => c.Type == "Ready" && c.IsTrue);
}
