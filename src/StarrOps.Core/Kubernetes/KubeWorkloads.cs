using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

/// <summary>A Deployment or StatefulSet: desired and ready replicas, and the labels its pods carry.</summary>
public sealed record KubeWorkload(string Kind, KubeObjectMeta Metadata, int Replicas, int ReadyReplicas, IReadOnlyDictionary<string, string> SelectorLabels, JsonObject Raw)
{
    public string Name => Metadata.Name;

    /// <summary>The selector as a label-selector string for <see cref="KubernetesClient.ListPodsAsync"/>.</summary>
    public string LabelSelector => string.Join(',', SelectorLabels.Select(p => $"{p.Key}={p.Value}"));

    internal static KubeWorkload From(JsonObject obj)
    {
        var spec = obj["spec"];
        return new KubeWorkload(KubeJson.String(obj, "kind") ?? "", KubeObjectMeta.From(obj), KubeJson.Int(spec, "replicas") ?? 1,
            KubeJson.Int(obj["status"], "readyReplicas") ?? 0, KubeJson.StringMap(spec?["selector"], "matchLabels"), obj);
    }
}

/// <summary>The scale subresource (autoscaling/v1 Scale).</summary>
public sealed record KubeScale(KubeObjectMeta Metadata, int Replicas, int CurrentReplicas, string? Selector)
{
    internal static KubeScale From(JsonObject obj) => new(KubeObjectMeta.From(obj), KubeJson.Int(obj["spec"], "replicas") ?? 0,
        KubeJson.Int(obj["status"], "replicas") ?? 0, KubeJson.String(obj["status"], "selector"));
}

public sealed record KubeJob(KubeObjectMeta Metadata, int Active, int Succeeded, int Failed, DateTimeOffset? StartTime, DateTimeOffset? CompletionTime,
    IReadOnlyList<KubeCondition> Conditions, JsonObject Raw)
{
    public string Name => Metadata.Name;
    public bool IsComplete => Conditions.Any(c => c.Type == "Complete" && c.IsTrue);
    public bool IsFailed => Conditions.Any(c => c.Type == "Failed" && c.IsTrue);

    internal static KubeJob From(JsonObject obj)
    {
        var status = obj["status"];
        return new KubeJob(KubeObjectMeta.From(obj), KubeJson.Int(status, "active") ?? 0, KubeJson.Int(status, "succeeded") ?? 0,
            KubeJson.Int(status, "failed") ?? 0, KubeJson.Time(status, "startTime"), KubeJson.Time(status, "completionTime"),
            KubeCondition.ListFrom(status), obj);
    }
}

public sealed record KubeCronJob(KubeObjectMeta Metadata, string Schedule, bool Suspend, DateTimeOffset? LastScheduleTime, DateTimeOffset? LastSuccessfulTime, JsonObject Raw)
{
    public string Name => Metadata.Name;

    internal static KubeCronJob From(JsonObject obj)
    {
        var spec = obj["spec"];
        return new KubeCronJob(KubeObjectMeta.From(obj), KubeJson.String(spec, "schedule") ?? "", KubeJson.Bool(spec, "suspend") ?? false,
            KubeJson.Time(obj["status"], "lastScheduleTime"), KubeJson.Time(obj["status"], "lastSuccessfulTime"), obj);
    }
}
