using System.Globalization;
using System.Text;
using k8s.Models;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>KubernetesClient's models to the core's own records: only what StarrOps reads, with nulls made empty.</summary>
internal static class KubeModelMap
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    public static KubeObjectMeta Meta(V1ObjectMeta? meta) => new(meta?.Name ?? "", meta?.NamespaceProperty, meta?.Uid, meta?.ResourceVersion,
        Time(meta?.CreationTimestamp), Map(meta?.Labels), Map(meta?.Annotations))
    {
        OwnerReferences = meta?.OwnerReferences?.Select(o => new KubeOwnerReference(o.ApiVersion ?? "", o.Kind ?? "", o.Name ?? "", o.Uid, o.Controller)).ToList() ?? [],
    };

    public static KubeSecret Secret(V1Secret secret)
    {
        var data = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>()) data[key] = new Secret(Encoding.UTF8.GetString(value ?? []));
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>()) data.TryAdd(key, new Secret(value ?? ""));
        return new KubeSecret(Meta(secret.Metadata), secret.Type ?? "Opaque", data);
    }

    public static KubeConfigMap ConfigMap(V1ConfigMap configMap) => new(Meta(configMap.Metadata), Map(configMap.Data));

    public static KubeService Service(V1Service service) => new(Meta(service.Metadata), service.Spec?.Type ?? "ClusterIP", service.Spec?.ClusterIP,
        service.Spec?.Ports?.Select(p => new KubeServicePort(p.Name, p.Port, p.TargetPort?.Value, p.Protocol ?? "TCP", p.NodePort)).ToList() ?? [],
        Map(service.Spec?.Selector));

    public static KubePod Pod(V1Pod pod) => new(
        Meta(pod.Metadata),
        pod.Status?.Phase,
        pod.Status?.PodIP,
        pod.Spec?.NodeName,
        pod.Spec?.Containers?.Select(Container).ToList() ?? [],
        pod.Spec?.Volumes?.Select(Volume).ToList() ?? [],
        pod.Status?.Conditions?.Select(c => new KubeCondition(c.Type ?? "", c.Status ?? "Unknown", c.Reason, c.Message)).ToList() ?? [],
        pod.Status?.ContainerStatuses?.Select(ContainerStatus).ToList() ?? []);

    public static KubeWorkload Workload(string kind, V1ObjectMeta? meta, int? replicas, int? readyReplicas, V1LabelSelector? selector) =>
        new(kind, Meta(meta), replicas ?? 1, readyReplicas ?? 0, Map(selector?.MatchLabels));

    public static KubeScale Scale(V1Scale scale) => new(Meta(scale.Metadata), scale.Spec?.Replicas ?? 0, scale.Status?.Replicas ?? 0, scale.Status?.Selector);

    public static KubeJob Job(V1Job job) => new(Meta(job.Metadata), job.Status?.Active ?? 0, job.Status?.Succeeded ?? 0, job.Status?.Failed ?? 0,
        Time(job.Status?.StartTime), Time(job.Status?.CompletionTime),
        job.Status?.Conditions?.Select(c => new KubeCondition(c.Type ?? "", c.Status ?? "Unknown", c.Reason, c.Message)).ToList() ?? []);

    public static KubeCronJob CronJob(V1CronJob cronJob) => new(Meta(cronJob.Metadata), cronJob.Spec?.Schedule ?? "", cronJob.Spec?.Suspend ?? false,
        Time(cronJob.Status?.LastScheduleTime), Time(cronJob.Status?.LastSuccessfulTime));

    public static KubeIngress Ingress(V1Ingress ingress) => new(Meta(ingress.Metadata), ingress.Spec?.IngressClassName,
        ingress.Spec?.Rules?.Select(r => new KubeIngressRule(r.Host, r.Http?.Paths?.Select(p => new KubeIngressPath(p.Path ?? "/", p.PathType,
            p.Backend?.Service?.Name, p.Backend?.Service?.Port?.Name ?? p.Backend?.Service?.Port?.Number?.ToString(CultureInfo.InvariantCulture))).ToList() ?? [])).ToList() ?? [],
        ingress.Spec?.Tls?.Select(t => new KubeIngressTls(t.Hosts?.ToList() ?? [], t.SecretName)).ToList() ?? []);

    /// <summary>
    /// The Job that <c>kubectl create job NAME --from=cronjob/CRON</c> creates: the CronJob's jobTemplate spec, its labels,
    /// its annotations plus <c>cronjob.kubernetes.io/instantiate: manual</c>, and an ownerReference to the CronJob (so deleting
    /// the CronJob deletes the Job, and history limits apply).
    /// </summary>
    public static V1Job JobFromCronJob(V1CronJob cronJob, string jobName, string @namespace)
    {
        var cronJobName = cronJob.Metadata?.Name ?? "";
        var template = cronJob.Spec?.JobTemplate ?? throw new InvalidDataException($"CronJob \"{cronJobName}\" has no spec.jobTemplate.");
        var annotations = new Dictionary<string, string> { [InstantiateAnnotation] = "manual" };
        foreach (var (key, value) in template.Metadata?.Annotations ?? new Dictionary<string, string>()) annotations[key] = value;
        return new V1Job
        {
            ApiVersion = KubernetesApiResource.Jobs.ApiVersion,
            Kind = KubernetesApiResource.Jobs.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = jobName,
                NamespaceProperty = @namespace,
                Annotations = annotations,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = KubernetesApiResource.CronJobs.ApiVersion,
                        Kind = KubernetesApiResource.CronJobs.Kind,
                        Name = cronJobName,
                        Uid = cronJob.Metadata?.Uid,
                        Controller = true,
                    },
                ],
            },
            Spec = template.Spec ?? new V1JobSpec(),
        };
    }

    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    private static KubeContainer Container(V1Container c) => new(c.Name ?? "", c.Image,
        c.Ports?.Select(p => new KubeContainerPort(p.Name, p.ContainerPort, p.Protocol ?? "TCP")).ToList() ?? [],
        c.VolumeMounts?.Select(m => new KubeVolumeMount(m.Name ?? "", m.MountPath ?? "", m.ReadOnlyProperty ?? false, m.SubPath)).ToList() ?? []);

    private static KubeVolume Volume(V1Volume v)
    {
        var (type, source) = v switch
        {
            { PersistentVolumeClaim: { } claim } => ("persistentVolumeClaim", claim.ClaimName),
            { ConfigMap: { } configMap } => ("configMap", configMap.Name),
            { Secret: { } secret } => ("secret", secret.SecretName),
            { HostPath: { } hostPath } => ("hostPath", hostPath.Path),
            { Nfs: { } nfs } => ("nfs", nfs.Path),
            { EmptyDir: not null } => ("emptyDir", null),
            { Projected: not null } => ("projected", null),
            { DownwardAPI: not null } => ("downwardAPI", null),
            { Csi: not null } => ("csi", null),
            { Ephemeral: not null } => ("ephemeral", null),
            _ => ("", (string?)null),
        };
        return new KubeVolume(v.Name ?? "", type, source);
    }

    private static KubeContainerStatus ContainerStatus(V1ContainerStatus s)
    {
        var (state, reason) = s.State switch
        {
            { Running: not null } => ("running", (string?)null),
            { Waiting: { } waiting } => ("waiting", waiting.Reason),
            { Terminated: { } terminated } => ("terminated", terminated.Reason),
            _ => ("unknown", null),
        };
        return new KubeContainerStatus(s.Name ?? "", s.Ready, s.RestartCount, state, reason);
    }

    private static IReadOnlyDictionary<string, string> Map(IDictionary<string, string>? map) =>
        map is null ? Empty : new Dictionary<string, string>(map, StringComparer.Ordinal);

    private static DateTimeOffset? Time(DateTime? time) =>
        time is { } t ? new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()) : null;
}
