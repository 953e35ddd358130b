namespace StarrOps.Core.Kubernetes;

/// <summary>A Deployment or StatefulSet: desired and ready replicas, and the labels its pods carry.</summary>
public sealed record KubeWorkload(string Kind, KubeObjectMeta Metadata, int Replicas, int ReadyReplicas, IReadOnlyDictionary<string, string> SelectorLabels)
{
    public string Name => Metadata.Name;

    /// <summary>The selector as a label-selector string for <see cref="KubernetesClient.ListPodsAsync"/>.</summary>
    public string LabelSelector => string.Join(',', SelectorLabels.Select(p => $"{p.Key}={p.Value}"));
}

/// <summary>The scale subresource (autoscaling/v1 Scale).</summary>
public sealed record KubeScale(KubeObjectMeta Metadata, int Replicas, int CurrentReplicas, string? Selector);

public sealed record KubeJob(KubeObjectMeta Metadata, int Active, int Succeeded, int Failed, DateTimeOffset? StartTime, DateTimeOffset? CompletionTime,
    IReadOnlyList<KubeCondition> Conditions)
{
    public string Name => Metadata.Name;
    public bool IsComplete => Conditions.Any(c => c.Type == "Complete" && c.IsTrue);
    public bool IsFailed => Conditions.Any(c => c.Type == "Failed" && c.IsTrue);
}

public sealed record KubeCronJob(KubeObjectMeta Metadata, string Schedule, bool Suspend, DateTimeOffset? LastScheduleTime, DateTimeOffset? LastSuccessfulTime)
{
    public string Name => Metadata.Name;
}
