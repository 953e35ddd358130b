using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// The Kubernetes calls StarrOps makes: read Secrets and ConfigMaps, find Services, Pods and Ingresses,
/// run commands in containers (exec), start Jobs from CronJobs, scale workloads, read pod logs.
/// Every failure is a <see cref="KubernetesException"/> (or a <see cref="StarrConfigurationException"/> for a bad kubeconfig).
/// </summary>
public sealed class KubernetesClient : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private const int StderrLimit = 64 * 1024;
    private readonly KubernetesTransport _transport;

    /// <param name="requestTimeout">Per request; exec sessions and followed logs are bounded only by the cancellation token once they run.</param>
    public KubernetesClient(KubernetesConnection connection, IStarrHost? host = null, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _transport = new KubernetesTransport(connection, host ?? NullStarrHost.Instance, requestTimeout ?? DefaultTimeout);
    }

    /// <summary>Connects like kubectl: see <see cref="KubernetesConfigLoader.Load"/>.</summary>
    public static KubernetesClient Create(string? kubeconfigPath = null, string? context = null, IStarrHost? host = null, IDictionary? environment = null) =>
        new(KubernetesConfigLoader.Load(kubeconfigPath, context, environment), host);

    public KubernetesConnection Connection { get; }

    /// <summary>The context's (or the pod's) namespace.</summary>
    public string DefaultNamespace => Connection.Namespace;

    // ---- Secrets, ConfigMaps, Services ----

    public async Task<KubeSecret> GetSecretAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubeSecret.From(await GetObjectAsync(KubernetesApiResource.Secrets, @namespace, name, cancellationToken).ConfigureAwait(false));

    public async Task<KubeConfigMap> GetConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubeConfigMap.From(await GetObjectAsync(KubernetesApiResource.ConfigMaps, @namespace, name, cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyList<KubeService>> ListServicesAsync(string @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        (await ListObjectsAsync(KubernetesApiResource.Services, @namespace, labelSelector, cancellationToken).ConfigureAwait(false)).Select(KubeService.From).ToList();

    // ---- Pods ----

    public async Task<KubePod> GetPodAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubePod.From(await GetObjectAsync(KubernetesApiResource.Pods, @namespace, name, cancellationToken).ConfigureAwait(false));

    /// <param name="labelSelector">e.g. <c>app=qbittorrent</c> or <c>app.kubernetes.io/name in (sonarr,radarr)</c>; null for all pods.</param>
    public async Task<IReadOnlyList<KubePod>> ListPodsAsync(string @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        (await ListObjectsAsync(KubernetesApiResource.Pods, @namespace, labelSelector, cancellationToken).ConfigureAwait(false)).Select(KubePod.From).ToList();

    /// <summary>
    /// Runs <paramref name="command"/> (no shell: pass <c>["sh", "-c", "..."]</c> for one) in a container and returns
    /// its exit code and output. A non-zero exit is returned, not thrown: call <see cref="ExecResult.EnsureSuccess"/>.
    /// </summary>
    /// <param name="container">Null when the pod has one container.</param>
    /// <param name="stdin">Sent to the command, then closed (needs Kubernetes 1.30+); null for none.</param>
    public async Task<ExecResult> ExecAsync(string @namespace, string pod, string? container, IReadOnlyList<string> command, Stream? stdin,
        CancellationToken cancellationToken)
    {
        var target = new ExecTarget(@namespace, pod, container, command);
        var stdout = new MemoryStream();
        var stderr = new TailBuffer(StderrLimit);
        var (exitCode, _) = await PodExec.RunAsync(_transport, target, stdin, stdout, stderr, cancellationToken).ConfigureAwait(false);
        return new ExecResult(exitCode, Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length), stderr.Text()) { Target = target };
    }

    /// <summary>
    /// Like <see cref="ExecAsync"/>, but stdout is copied to <paramref name="stdout"/> as it arrives (a tar of a config
    /// volume is never held in memory), and <paramref name="stdin"/> is streamed in (<c>tar -x</c> fed from a file).
    /// </summary>
    public async Task<ExecStreamResult> ExecStreamAsync(string @namespace, string pod, string? container, IReadOnlyList<string> command, Stream? stdin,
        Stream stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var target = new ExecTarget(@namespace, pod, container, command);
        var stderr = new TailBuffer(StderrLimit);
        var (exitCode, bytes) = await PodExec.RunAsync(_transport, target, stdin, stdout, stderr, cancellationToken).ConfigureAwait(false);
        return new ExecStreamResult(exitCode, bytes, stderr.Text()) { Target = target };
    }

    /// <summary>The log of a container as text (use <see cref="ReadPodLogLinesAsync"/> to follow it).</summary>
    public async Task<string> GetPodLogsAsync(string @namespace, string pod, string? container, PodLogOptions? options, CancellationToken cancellationToken)
    {
        using var response = await OpenLogAsync(@namespace, pod, container, (options ?? new PodLogOptions()) with { Follow = false }, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The log line by line as it is written; with <c>Follow = true</c> (the default here) until the container ends or the token is cancelled.</summary>
    public async IAsyncEnumerable<string> ReadPodLogLinesAsync(string @namespace, string pod, string? container, PodLogOptions? options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await OpenLogAsync(@namespace, pod, container, options ?? new PodLogOptions(Follow: true), cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line) yield return line;
    }

    // ---- Workloads ----

    public async Task<KubeWorkload> GetDeploymentAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubeWorkload.From(await GetObjectAsync(KubernetesApiResource.Deployments, @namespace, name, cancellationToken).ConfigureAwait(false));

    public async Task<KubeWorkload> GetStatefulSetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubeWorkload.From(await GetObjectAsync(KubernetesApiResource.StatefulSets, @namespace, name, cancellationToken).ConfigureAwait(false));

    /// <summary>Sets spec.replicas through the scale subresource, as <c>kubectl scale</c> does.</summary>
    /// <param name="workload"><see cref="KubernetesApiResource.Deployments"/> or <see cref="KubernetesApiResource.StatefulSets"/>.</param>
    public async Task<KubeScale> ScaleAsync(KubernetesApiResource workload, string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        if (workload != KubernetesApiResource.Deployments && workload != KubernetesApiResource.StatefulSets)
            throw new ArgumentException("Only Deployments and StatefulSets are scaled.", nameof(workload));
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        var operation = new KubernetesOperation("patch", workload, @namespace, name, "scale");
        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        var node = await _transport.SendJsonAsync(HttpMethod.Patch, workload.PathFor(@namespace, name, "scale"), patch, operation, cancellationToken,
            "application/merge-patch+json").ConfigureAwait(false);
        return KubeScale.From(AsObject(node, operation));
    }

    // ---- Jobs ----

    public async Task<KubeCronJob> GetCronJobAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubeCronJob.From(await GetObjectAsync(KubernetesApiResource.CronJobs, @namespace, name, cancellationToken).ConfigureAwait(false));

    public async Task<KubeJob> GetJobAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        KubeJob.From(await GetObjectAsync(KubernetesApiResource.Jobs, @namespace, name, cancellationToken).ConfigureAwait(false));

    /// <summary>Creates a Job from a full manifest (apiVersion batch/v1, kind Job, metadata, spec).</summary>
    public async Task<KubeJob> CreateJobAsync(string @namespace, JsonObject job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var operation = new KubernetesOperation("create", KubernetesApiResource.Jobs, @namespace, KubeJson.String(job["metadata"], "name"));
        var node = await _transport.SendJsonAsync(HttpMethod.Post, KubernetesApiResource.Jobs.PathFor(@namespace), job, operation, cancellationToken)
            .ConfigureAwait(false);
        return KubeJob.From(AsObject(node, operation));
    }

    /// <summary>Runs a CronJob now: what <c>kubectl create job JOB --from=cronjob/CRONJOB</c> does.</summary>
    public async Task<KubeJob> CreateJobFromCronJobAsync(string @namespace, string cronJobName, string jobName, CancellationToken cancellationToken)
    {
        var cronJob = await GetObjectAsync(KubernetesApiResource.CronJobs, @namespace, cronJobName, cancellationToken).ConfigureAwait(false);
        return await CreateJobAsync(@namespace, JobFromCronJob.Build(cronJob, jobName, @namespace), cancellationToken).ConfigureAwait(false);
    }

    // ---- Ingresses ----

    public async Task<IReadOnlyList<KubeIngress>> ListIngressesAsync(string @namespace, string? labelSelector, CancellationToken cancellationToken) =>
        (await ListObjectsAsync(KubernetesApiResource.Ingresses, @namespace, labelSelector, cancellationToken).ConfigureAwait(false)).Select(KubeIngress.From).ToList();

    // ---- Any resource ----

    /// <summary>One object as JSON, for fields the typed records do not carry.</summary>
    public async Task<JsonObject> GetObjectAsync(KubernetesApiResource resource, string @namespace, string name, CancellationToken cancellationToken)
    {
        var operation = new KubernetesOperation("get", resource, @namespace, name);
        return AsObject(await _transport.SendJsonAsync(HttpMethod.Get, resource.PathFor(@namespace, name), null, operation, cancellationToken).ConfigureAwait(false), operation);
    }

    /// <summary>The items of a list, each with apiVersion and kind filled in (list items lack them on the wire).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListObjectsAsync(KubernetesApiResource resource, string @namespace, string? labelSelector,
        CancellationToken cancellationToken)
    {
        var operation = new KubernetesOperation("list", resource, @namespace, LabelSelector: labelSelector);
        var path = resource.PathFor(@namespace);
        if (!string.IsNullOrEmpty(labelSelector)) path += "?labelSelector=" + Uri.EscapeDataString(labelSelector);
        var list = AsObject(await _transport.SendJsonAsync(HttpMethod.Get, path, null, operation, cancellationToken).ConfigureAwait(false), operation);
        var items = new List<JsonObject>();
        foreach (var item in KubeJson.Objects(list, "items"))
        {
            item["apiVersion"] ??= resource.ApiVersion;
            item["kind"] ??= resource.Kind;
            items.Add(item);
        }
        return items;
    }

    public void Dispose() => _transport.Dispose();

    private Task<HttpResponseMessage> OpenLogAsync(string @namespace, string pod, string? container, PodLogOptions options, CancellationToken cancellationToken)
    {
        var operation = new KubernetesOperation("get", KubernetesApiResource.Pods, @namespace, pod, "log");
        var path = KubernetesApiResource.Pods.PathFor(@namespace, pod, "log") + options.Query(container);
        // A followed log is open as long as the container runs: no request timeout once the headers are in.
        return _transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), operation, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static JsonObject AsObject(JsonNode? node, KubernetesOperation operation) =>
        node as JsonObject ?? throw new KubernetesException($"{operation}: the API server answered without a JSON object.", operation, KubernetesFailure.ApiError);
}
