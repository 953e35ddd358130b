using System.Collections;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;
using StarrOps.Core.Kubernetes.Gateway;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// The Kubernetes calls StarrOps makes: read Secrets and ConfigMaps, find Services, Pods and Ingresses,
/// run commands in containers (exec), start Jobs from CronJobs, scale workloads, read pod logs.
/// Every failure is a <see cref="KubernetesException"/> (or a <see cref="StarrConfigurationException"/> for a bad kubeconfig).
/// The work is KubernetesClient's, behind <see cref="KubeGateway"/>; no KubernetesClient type appears here, so callers
/// and the module's import never load that assembly before the first Kubernetes call.
/// </summary>
public sealed class KubernetesClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private readonly KubeGateway _gateway;

    /// <param name="requestTimeout">Per request; exec sessions and followed logs are bounded only by the cancellation token once they run.</param>
    public KubernetesClient(KubernetesConnection connection, IStarrHost? host = null, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _gateway = new KubeGateway(connection, host ?? NullStarrHost.Instance, requestTimeout ?? DefaultTimeout);
    }

    /// <summary>Connects like kubectl: see <see cref="KubernetesConfigLoader.Load"/>.</summary>
    public static KubernetesClient Create(string? kubeconfigPath = null, string? context = null, IStarrHost? host = null, IDictionary? environment = null) =>
        new(KubernetesConfigLoader.Load(kubeconfigPath, context, environment), host);

    public KubernetesConnection Connection { get; }

    /// <summary>The context's (or the pod's) namespace.</summary>
    public string DefaultNamespace => Connection.Namespace;

    // ---- Secrets, ConfigMaps, Services ----

    public Task<KubeSecret> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetSecretAsync(@namespace, name, cancellationToken);

    public Task<KubeConfigMap> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetConfigMapAsync(@namespace, name, cancellationToken);

    public Task<IReadOnlyList<KubeService>> ListServicesAsync(string @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        _gateway.ListServicesAsync(@namespace, labelSelector, cancellationToken);

    // ---- Pods ----

    public Task<KubePod> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetPodAsync(@namespace, name, cancellationToken);

    /// <param name="labelSelector">e.g. <c>app=qbittorrent</c> or <c>app.kubernetes.io/name in (sonarr,radarr)</c>; null for all pods.</param>
    public Task<IReadOnlyList<KubePod>> ListPodsAsync(string @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        _gateway.ListPodsAsync(@namespace, labelSelector, cancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> (no shell: pass <c>["sh", "-c", "..."]</c> for one) in a container and returns
    /// its exit code and output. A non-zero exit is returned, not thrown: call <see cref="ExecResult.EnsureSuccess"/>.
    /// </summary>
    /// <param name="container">Null when the pod has one container.</param>
    /// <param name="stdin">Sent to the command, then closed (needs Kubernetes 1.30+); null for none.</param>
    public Task<ExecResult> ExecAsync(string @namespace, string pod, string? container, IReadOnlyList<string> command, Stream? stdin,
        CancellationToken cancellationToken) =>
        _gateway.ExecAsync(new ExecTarget(@namespace, pod, container, command), stdin, cancellationToken);

    /// <summary>
    /// Like <see cref="ExecAsync"/>, but stdout is copied to <paramref name="stdout"/> as it arrives (a tar of a config
    /// volume is never held in memory), and <paramref name="stdin"/> is streamed in (<c>tar -x</c> fed from a file).
    /// </summary>
    public Task<ExecStreamResult> ExecStreamAsync(string @namespace, string pod, string? container, IReadOnlyList<string> command, Stream? stdin,
        Stream stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        return _gateway.ExecStreamAsync(new ExecTarget(@namespace, pod, container, command), stdin, stdout, cancellationToken);
    }

    /// <summary>The log of a container as text (use <see cref="ReadPodLogLinesAsync"/> to follow it).</summary>
    public Task<string> GetPodLogsAsync(string @namespace, string pod, string? container, PodLogOptions? options, CancellationToken cancellationToken) =>
        _gateway.GetPodLogsAsync(@namespace, pod, container, options ?? new PodLogOptions(), cancellationToken);

    /// <summary>The log line by line as it is written; with <c>Follow = true</c> (the default here) until the container ends or the token is cancelled.</summary>
    public IAsyncEnumerable<string> ReadPodLogLinesAsync(string @namespace, string pod, string? container, PodLogOptions? options,
        CancellationToken cancellationToken) =>
        _gateway.ReadPodLogLinesAsync(@namespace, pod, container, options ?? new PodLogOptions(Follow: true), cancellationToken);

    // ---- Workloads ----

    public Task<KubeWorkload> GetDeploymentAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetDeploymentAsync(@namespace, name, cancellationToken);

    public Task<KubeWorkload> GetStatefulSetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetStatefulSetAsync(@namespace, name, cancellationToken);

    /// <summary>Sets spec.replicas through the scale subresource, as <c>kubectl scale</c> does.</summary>
    /// <param name="workload"><see cref="KubernetesApiResource.Deployments"/> or <see cref="KubernetesApiResource.StatefulSets"/>.</param>
    public Task<KubeScale> ScaleAsync(KubernetesApiResource workload, string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        if (workload != KubernetesApiResource.Deployments && workload != KubernetesApiResource.StatefulSets)
            throw new ArgumentException("Only Deployments and StatefulSets are scaled.", nameof(workload));
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        return _gateway.ScaleAsync(workload, @namespace, name, replicas, cancellationToken);
    }

    // ---- Jobs ----

    public Task<KubeCronJob> GetCronJobAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetCronJobAsync(@namespace, name, cancellationToken);

    public Task<KubeJob> GetJobAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _gateway.GetJobAsync(@namespace, name, cancellationToken);

    /// <summary>Creates a Job from a full manifest (apiVersion batch/v1, kind Job, metadata, spec).</summary>
    public Task<KubeJob> CreateJobAsync(string @namespace, JsonObject job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return _gateway.CreateJobAsync(@namespace, job, cancellationToken);
    }

    /// <summary>Runs a CronJob now: what <c>kubectl create job JOB --from=cronjob/CRONJOB</c> does.</summary>
    public Task<KubeJob> CreateJobFromCronJobAsync(string @namespace, string cronJobName, string jobName, CancellationToken cancellationToken) =>
        _gateway.CreateJobFromCronJobAsync(@namespace, cronJobName, jobName, cancellationToken);

    // ---- Ingresses ----

    public Task<IReadOnlyList<KubeIngress>> ListIngressesAsync(string @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        _gateway.ListIngressesAsync(@namespace, labelSelector, cancellationToken);

    public void Dispose() => _gateway.Dispose();
}
