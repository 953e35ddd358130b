using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

public sealed record KubeContainerPort(string? Name, int ContainerPort, string Protocol);

public sealed record KubeVolumeMount(string Name, string MountPath, bool ReadOnly, string? SubPath);

public sealed record KubeContainer(string Name, string? Image, IReadOnlyList<KubeContainerPort> Ports, IReadOnlyList<KubeVolumeMount> VolumeMounts)
{
    internal static KubeContainer From(JsonObject c) => new(
        KubeJson.String(c, "name") ?? "",
        KubeJson.String(c, "image"),
        KubeJson.Objects(c, "ports").Select(p => new KubeContainerPort(KubeJson.String(p, "name"), KubeJson.Int(p, "containerPort") ?? 0, KubeJson.String(p, "protocol") ?? "TCP")).ToList(),
        KubeJson.Objects(c, "volumeMounts").Select(m => new KubeVolumeMount(KubeJson.String(m, "name") ?? "", KubeJson.String(m, "mountPath") ?? "",
            KubeJson.Bool(m, "readOnly") ?? false, KubeJson.String(m, "subPath"))).ToList());
}

/// <summary>
/// A pod volume: <see cref="Type"/> is the source's key ("persistentVolumeClaim", "configMap", "secret",
/// "emptyDir", "hostPath", "nfs", ...), <see cref="Source"/> what it names (claim, ConfigMap, Secret, path).
/// </summary>
public sealed record KubeVolume(string Name, string Type, string? Source, JsonObject Raw)
{
    internal static KubeVolume From(JsonObject v)
    {
        var (type, body) = v.Where(p => p.Key != "name").Select(p => (p.Key, p.Value)).FirstOrDefault();
        var source = type switch
        {
            "persistentVolumeClaim" => KubeJson.String(body, "claimName"),
            "configMap" => KubeJson.String(body, "name"),
            "secret" => KubeJson.String(body, "secretName"),
            "hostPath" or "nfs" => KubeJson.String(body, "path"),
            _ => null,
        };
        return new KubeVolume(KubeJson.String(v, "name") ?? "", type ?? "", source, v);
    }
}

/// <summary>A condition of a pod or job: <c>{type: Ready, status: "True"}</c>.</summary>
public sealed record KubeCondition(string Type, string Status, string? Reason, string? Message)
{
    public bool IsTrue => Status == "True";

    internal static IReadOnlyList<KubeCondition> ListFrom(JsonNode? status) =>
        KubeJson.Objects(status, "conditions").Select(c => new KubeCondition(KubeJson.String(c, "type") ?? "", KubeJson.String(c, "status") ?? "Unknown",
            KubeJson.String(c, "reason"), KubeJson.String(c, "message"))).ToList();
}

/// <summary>A container's status; <see cref="State"/> is "running", "waiting" or "terminated", with the reason when there is one.</summary>
public sealed record KubeContainerStatus(string Name, bool Ready, int RestartCount, string State, string? Reason)
{
    internal static KubeContainerStatus From(JsonObject s)
    {
        var (state, detail) = (s["state"] as JsonObject)?.Select(p => (p.Key, p.Value)).FirstOrDefault() ?? default;
        return new KubeContainerStatus(KubeJson.String(s, "name") ?? "", KubeJson.Bool(s, "ready") ?? false, KubeJson.Int(s, "restartCount") ?? 0,
            state ?? "unknown", KubeJson.String(detail, "reason"));
    }
}

/// <summary>A pod with the parts StarrOps reads: containers and their mounts, volumes, phase, IP, conditions. <see cref="Raw"/> has the rest.</summary>
public sealed record KubePod(
    KubeObjectMeta Metadata,
    string? Phase,
    string? PodIP,
    string? NodeName,
    IReadOnlyList<KubeContainer> Containers,
    IReadOnlyList<KubeVolume> Volumes,
    IReadOnlyList<KubeCondition> Conditions,
    IReadOnlyList<KubeContainerStatus> ContainerStatuses,
    JsonObject Raw)
{
    public string Name => Metadata.Name;
    public string? Namespace => Metadata.Namespace;
    public bool IsReady => Conditions.Any(c => c.Type == "Ready" && c.IsTrue);

    internal static KubePod From(JsonObject obj)
    {
        var spec = obj["spec"];
        var status = obj["status"];
        return new KubePod(KubeObjectMeta.From(obj), KubeJson.String(status, "phase"), KubeJson.String(status, "podIP"), KubeJson.String(spec, "nodeName"),
            KubeJson.Objects(spec, "containers").Select(KubeContainer.From).ToList(),
            KubeJson.Objects(spec, "volumes").Select(KubeVolume.From).ToList(),
            KubeCondition.ListFrom(status),
            KubeJson.Objects(status, "containerStatuses").Select(KubeContainerStatus.From).ToList(),
            obj);
    }
}
