using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Kubernetes;

/// <summary>Where a reconcile Job stands: Active, Succeeded, Failed, or TimedOut (still running when the wait ended).</summary>
public enum ReconcileJobStatus
{
    Active,
    Succeeded,
    Failed,
    TimedOut,
}

/// <summary>A reconcile Job started from the CronJob, as Start-StarrReconcileJob reports it.</summary>
public sealed record StarrReconcileJob(string Name, string Namespace, string CronJob, ReconcileJobStatus Status, DateTimeOffset? StartTime,
    DateTimeOffset? CompletionTime, string? Pod, string? Reason)
{
    public TimeSpan? Duration => StartTime is { } start && CompletionTime is { } end ? end - start : null;
    public bool Succeeded => Status == ReconcileJobStatus.Succeeded;

    internal static StarrReconcileJob From(KubeJob job, string cronJob, string? pod, bool timedOut = false)
    {
        var status = job.IsComplete ? ReconcileJobStatus.Succeeded
            : job.IsFailed ? ReconcileJobStatus.Failed
            : timedOut ? ReconcileJobStatus.TimedOut
            : ReconcileJobStatus.Active;
        var reason = job.Conditions.FirstOrDefault(c => c.IsTrue && c.Type == "Failed") is { } failed ? $"{failed.Reason}: {failed.Message}" : null;
        return new StarrReconcileJob(job.Name, job.Metadata.Namespace ?? "", cronJob, status, job.StartTime, job.CompletionTime, pod, reason);
    }
}

/// <summary>
/// Runs the reconcile CronJob now, like <c>kubectl create job NAME --from=cronjob/starrops-reconcile</c>, and optionally
/// waits for the Job to finish or follows its pod's log.
/// </summary>
public sealed class ReconcileJobRunner(KubernetesClient kubernetes, IStarrHost? host = null)
{
    public const string DefaultCronJobName = "starrops-reconcile";
    private readonly IStarrHost _host = host ?? NullStarrHost.Instance;

    /// <summary>How often the Job and its pod are polled while waiting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A Job name like kubectl's manual runs: <c>{cronjob}-manual-{5 random chars}</c>, within the 63-character limit.</summary>
    public static string NewJobName(string cronJobName)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var suffix = string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
        var stem = cronJobName.Length > 63 - 13 ? cronJobName[..(63 - 13)].TrimEnd('-') : cronJobName;
        return $"{stem}-manual-{suffix}";
    }

    public async Task<StarrReconcileJob> StartAsync(string @namespace, string cronJobName, string jobName, CancellationToken cancellationToken)
    {
        var job = await kubernetes.CreateJobFromCronJobAsync(@namespace, cronJobName, jobName, cancellationToken).ConfigureAwait(false);
        _host.WriteVerbose($"Kubernetes: job {@namespace}/{job.Name} created from cronjob/{cronJobName}");
        return StarrReconcileJob.From(job, cronJobName, null);
    }

    /// <summary>Polls the Job until it completes or fails, or until <paramref name="timeout"/> (then Status is TimedOut).</summary>
    public async Task<StarrReconcileJob> WaitAsync(StarrReconcileJob job, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var current = await kubernetes.GetJobAsync(job.Namespace, job.Name, cancellationToken).ConfigureAwait(false);
            var pod = job.Pod ?? await FindPodAsync(job, cancellationToken).ConfigureAwait(false);
            if (current.IsComplete || current.IsFailed || DateTimeOffset.UtcNow >= deadline)
            {
                _host.WriteProgress(new StarrProgress(7301, $"Reconcile job {job.Name}", "done", Completed: true));
                return StarrReconcileJob.From(current, job.CronJob, pod, timedOut: !(current.IsComplete || current.IsFailed));
            }
            _host.WriteProgress(new StarrProgress(7301, $"Reconcile job {job.Name}", $"active ({current.Active} pod(s))"));
            await Task.Delay(Min(PollInterval, deadline - DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the Job's pod to start, then yields its log lines as they are written, until the container ends
    /// (or <paramref name="timeout"/> passes). Call <see cref="WaitAsync"/> afterwards for the outcome.
    /// </summary>
    public async IAsyncEnumerable<string> FollowLogAsync(StarrReconcileJob job, TimeSpan timeout, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var pod = await WaitForStartedPodAsync(job, deadline.Token).ConfigureAwait(false);
        if (pod is null) yield break;
        var lines = kubernetes.ReadPodLogLinesAsync(job.Namespace, pod, null, new PodLogOptions(Follow: true), deadline.Token);
        await using var enumerator = lines.GetAsyncEnumerator(deadline.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                yield break; // the timeout: WaitAsync reports TimedOut
            }
            if (!more) yield break;
            yield return enumerator.Current;
        }
    }

    private async Task<string?> WaitForStartedPodAsync(StarrReconcileJob job, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var pods = await kubernetes.ListPodsAsync(job.Namespace, $"job-name={job.Name}", cancellationToken).ConfigureAwait(false);
                // A pending pod has no log yet; a finished one has its whole log.
                var started = pods.Where(p => p.Phase is "Running" or "Succeeded" or "Failed").OrderByDescending(p => p.Metadata.CreationTimestamp).FirstOrDefault();
                if (started is not null) return started.Name;
                _host.WriteProgress(new StarrProgress(7301, $"Reconcile job {job.Name}", pods.Count == 0 ? "waiting for its pod" : "pod pending"));
                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<string?> FindPodAsync(StarrReconcileJob job, CancellationToken cancellationToken)
    {
        var pods = await kubernetes.ListPodsAsync(job.Namespace, $"job-name={job.Name}", cancellationToken).ConfigureAwait(false);
        return pods.OrderByDescending(p => p.Metadata.CreationTimestamp).FirstOrDefault()?.Name;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? (a < TimeSpan.Zero ? TimeSpan.Zero : a) : (b < TimeSpan.Zero ? TimeSpan.Zero : b);
}
