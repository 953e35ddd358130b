using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// The one place that calls KubernetesClient (<see cref="k8s.Kubernetes"/>): each operation the core needs, answered
/// with the core's own records and failing with the core's own exceptions. Only <see cref="KubernetesClient"/> (the
/// facade) creates it, so the KubernetesClient assembly loads when the first Kubernetes call is made, never before.
/// </summary>
internal sealed class KubeGateway : IDisposable
{
    private const int StderrLimit = 64 * 1024;

    public KubeGateway(KubernetesConnection connection, IStarrHost host, TimeSpan timeout)
    {
        Connection = connection;
        Host = host;
        Timeout = timeout;
        var configuration = connection.Gateway.Configuration;
        configuration.HttpClientTimeout = timeout;
        configuration.UserAgent = "StarrOps/" + (typeof(KubeGateway).Assembly.GetName().Version?.ToString(3) ?? "0");
        try
        {
            Client = new k8s.Kubernetes(configuration, new KubeHttpHandler(host, connection.Gateway.TokenFile))
            {
                CreateWebSocketBuilder = () => new PodExecSession.ExecSocketBuilder(),
            };
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException or k8s.Exceptions.KubeConfigException)
        {
            throw new StarrConfigurationException($"The client certificate or key of {connection.Source} is not valid: {KubeConfigBuilder.FirstLine(ex.Message)}");
        }
    }

    public k8s.Kubernetes Client { get; }
    public KubernetesConnection Connection { get; }
    public KubeGatewayConfiguration Configuration => Connection.Gateway;
    public IStarrHost Host { get; }
    public TimeSpan Timeout { get; }

    public Task<KubeSecret> GetSecretAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.Secrets, ns, name), t => Client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: t), KubeModelMap.Secret, ct);

    public Task<KubeConfigMap> GetConfigMapAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.ConfigMaps, ns, name), t => Client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: t), KubeModelMap.ConfigMap, ct);

    public Task<IReadOnlyList<KubeService>> ListServicesAsync(string ns, string? labelSelector, CancellationToken ct) =>
        CallAsync(new("list", KubernetesApiResource.Services, ns, LabelSelector: labelSelector),
            t => Client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: NullIfEmpty(labelSelector), cancellationToken: t),
            list => (IReadOnlyList<KubeService>)list.Items.Select(KubeModelMap.Service).ToList(), ct);

    public Task<KubePod> GetPodAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.Pods, ns, name), t => Client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: t), KubeModelMap.Pod, ct);

    public Task<IReadOnlyList<KubePod>> ListPodsAsync(string ns, string? labelSelector, CancellationToken ct) =>
        CallAsync(new("list", KubernetesApiResource.Pods, ns, LabelSelector: labelSelector),
            t => Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: NullIfEmpty(labelSelector), cancellationToken: t),
            list => (IReadOnlyList<KubePod>)list.Items.Select(KubeModelMap.Pod).ToList(), ct);

    public Task<IReadOnlyList<KubeIngress>> ListIngressesAsync(string ns, string? labelSelector, CancellationToken ct) =>
        CallAsync(new("list", KubernetesApiResource.Ingresses, ns, LabelSelector: labelSelector),
            t => Client.NetworkingV1.ListNamespacedIngressAsync(ns, labelSelector: NullIfEmpty(labelSelector), cancellationToken: t),
            list => (IReadOnlyList<KubeIngress>)list.Items.Select(KubeModelMap.Ingress).ToList(), ct);

    public Task<KubeWorkload> GetDeploymentAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.Deployments, ns, name), t => Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: t),
            d => KubeModelMap.Workload("Deployment", d.Metadata, d.Spec?.Replicas, d.Status?.ReadyReplicas, d.Spec?.Selector), ct);

    public Task<KubeWorkload> GetStatefulSetAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.StatefulSets, ns, name), t => Client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: t),
            s => KubeModelMap.Workload("StatefulSet", s.Metadata, s.Spec?.Replicas, s.Status?.ReadyReplicas, s.Spec?.Selector), ct);

    public Task<KubeScale> ScaleAsync(KubernetesApiResource workload, string ns, string name, int replicas, CancellationToken ct)
    {
        var patch = new V1Patch($"{{\"spec\":{{\"replicas\":{replicas.ToString(CultureInfo.InvariantCulture)}}}}}", V1Patch.PatchType.MergePatch);
        return CallAsync(new("patch", workload, ns, name, "scale"), t => workload == KubernetesApiResource.StatefulSets
            ? Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(patch, name, ns, cancellationToken: t)
            : Client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, name, ns, cancellationToken: t), KubeModelMap.Scale, ct);
    }

    public Task<KubeCronJob> GetCronJobAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.CronJobs, ns, name), t => Client.BatchV1.ReadNamespacedCronJobAsync(name, ns, cancellationToken: t), KubeModelMap.CronJob, ct);

    public Task<KubeJob> GetJobAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.Jobs, ns, name), t => Client.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: t), KubeModelMap.Job, ct);

    /// <summary>A Job from a manifest the core wrote as JSON (apiVersion batch/v1, kind Job, metadata, spec).</summary>
    public Task<KubeJob> CreateJobAsync(string ns, JsonObject manifest, CancellationToken ct)
    {
        V1Job job;
        try
        {
            job = KubernetesJson.Deserialize<V1Job>(manifest.ToJsonString());
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Not a Job manifest: {ex.Message}", nameof(manifest));
        }
        return CreateJobAsync(ns, job, ct);
    }

    public async Task<KubeJob> CreateJobFromCronJobAsync(string ns, string cronJobName, string jobName, CancellationToken ct)
    {
        var cronJob = await CallAsync(new("get", KubernetesApiResource.CronJobs, ns, cronJobName),
            t => Client.BatchV1.ReadNamespacedCronJobAsync(cronJobName, ns, cancellationToken: t), c => c, ct).ConfigureAwait(false);
        return await CreateJobAsync(ns, KubeModelMap.JobFromCronJob(cronJob, jobName, ns), ct).ConfigureAwait(false);
    }

    public async Task<string> GetPodLogsAsync(string ns, string pod, string? container, PodLogOptions options, CancellationToken ct)
    {
        await using var stream = await OpenLogAsync(ns, pod, container, options with { Follow = false }, ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<string> ReadPodLogLinesAsync(string ns, string pod, string? container, PodLogOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var stream = await OpenLogAsync(ns, pod, container, options, ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line) yield return line;
    }

    public async Task<ExecResult> ExecAsync(ExecTarget target, Stream? stdin, CancellationToken ct)
    {
        var stdout = new MemoryStream();
        var stderr = new TailBuffer(StderrLimit);
        var (exitCode, _) = await PodExecSession.RunAsync(this, target, stdin, stdout, stderr, ct).ConfigureAwait(false);
        return new ExecResult(exitCode, Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length), stderr.Text()) { Target = target };
    }

    public async Task<ExecStreamResult> ExecStreamAsync(ExecTarget target, Stream? stdin, Stream stdout, CancellationToken ct)
    {
        var stderr = new TailBuffer(StderrLimit);
        var (exitCode, bytes) = await PodExecSession.RunAsync(this, target, stdin, stdout, stderr, ct).ConfigureAwait(false);
        return new ExecStreamResult(exitCode, bytes, stderr.Text()) { Target = target };
    }

    public void Dispose() => Client.Dispose();

    private Task<KubeJob> CreateJobAsync(string ns, V1Job job, CancellationToken ct) =>
        CallAsync(new("create", KubernetesApiResource.Jobs, ns, job.Metadata?.Name), t => Client.BatchV1.CreateNamespacedJobAsync(job, ns, cancellationToken: t),
            KubeModelMap.Job, ct);

    // A followed log is open as long as the container runs: the request timeout covers the headers only.
    private Task<Stream> OpenLogAsync(string ns, string pod, string? container, PodLogOptions options, CancellationToken ct) =>
        CallAsync(new("get", KubernetesApiResource.Pods, ns, pod, "log"), t => Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container,
            follow: options.Follow ? true : null, previous: options.Previous ? true : null, sinceSeconds: options.SinceSeconds, tailLines: options.TailLines,
            timestamps: options.Timestamps ? true : null, cancellationToken: t), s => s, ct);

    private async Task<TResult> CallAsync<TModel, TResult>(KubernetesOperation operation, Func<CancellationToken, Task<TModel>> call, Func<TModel, TResult> map,
        CancellationToken ct)
    {
        TModel model;
        try
        {
            model = await call(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (KubeErrors.Translate(ex, operation, Connection, Timeout, ct) is { } translated)
        {
            throw translated;
        }
        if (model is null)
            throw new KubernetesException($"{operation}: the API server answered without a JSON object.", operation, KubernetesFailure.ApiError);
        return map(model);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
