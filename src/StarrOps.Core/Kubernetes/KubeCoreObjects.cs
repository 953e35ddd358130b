using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>The metadata every object has.</summary>
public sealed record KubeObjectMeta(string Name, string? Namespace, string? Uid, string? ResourceVersion, DateTimeOffset? CreationTimestamp,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    /// <summary>The objects that own this one (a pod's StatefulSet or ReplicaSet, a Job's CronJob).</summary>
    public IReadOnlyList<KubeOwnerReference> OwnerReferences { get; init; } = [];
}

/// <summary>One <c>metadata.ownerReferences</c> entry.</summary>
public sealed record KubeOwnerReference(string ApiVersion, string Kind, string Name, string? Uid, bool? Controller);

/// <summary>A Secret with its values decoded into <see cref="Secret"/>s: they never print. Nothing else of the object is kept.</summary>
public sealed record KubeSecret(KubeObjectMeta Metadata, string Type, IReadOnlyDictionary<string, Secret> Data)
{
    public string Name => Metadata.Name;
}

public sealed record KubeConfigMap(KubeObjectMeta Metadata, IReadOnlyDictionary<string, string> Data)
{
    public string Name => Metadata.Name;
}

public sealed record KubeServicePort(string? Name, int Port, string? TargetPort, string Protocol, int? NodePort);

/// <summary>A Service: how an app is reached in the cluster (<c>http://{Name}.{Namespace}.svc:{Port}</c>).</summary>
public sealed record KubeService(KubeObjectMeta Metadata, string Type, string? ClusterIP, IReadOnlyList<KubeServicePort> Ports,
    IReadOnlyDictionary<string, string> Selector)
{
    public string Name => Metadata.Name;
}
