namespace StarrOps.Core.Kubernetes;

/// <summary>
/// One REST resource type of the Kubernetes API (group, version, plural name), as errors and RBAC rules name it.
/// Only the types StarrOps uses are listed; KubernetesClient builds the URLs.
/// </summary>
public sealed record KubernetesApiResource(string Group, string Version, string Plural, string Kind)
{
    public static readonly KubernetesApiResource Namespaces = new("", "v1", "namespaces", "Namespace");
    public static readonly KubernetesApiResource Secrets = new("", "v1", "secrets", "Secret");
    public static readonly KubernetesApiResource ConfigMaps = new("", "v1", "configmaps", "ConfigMap");
    public static readonly KubernetesApiResource Services = new("", "v1", "services", "Service");
    public static readonly KubernetesApiResource Pods = new("", "v1", "pods", "Pod");
    public static readonly KubernetesApiResource Deployments = new("apps", "v1", "deployments", "Deployment");
    public static readonly KubernetesApiResource StatefulSets = new("apps", "v1", "statefulsets", "StatefulSet");
    public static readonly KubernetesApiResource Jobs = new("batch", "v1", "jobs", "Job");
    public static readonly KubernetesApiResource CronJobs = new("batch", "v1", "cronjobs", "CronJob");
    public static readonly KubernetesApiResource Ingresses = new("networking.k8s.io", "v1", "ingresses", "Ingress");

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The name Kubernetes itself uses in messages: "pods", "statefulsets.apps".</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>"pod", "statefulset": how our messages name one object of this type.</summary>
    public string Singular => Kind.ToLowerInvariant();
}
