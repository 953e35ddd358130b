using System.Collections.Concurrent;
using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.Metrics;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>
/// The base of every StarrOps cmdlet. It owns the cancellation token (Ctrl+C cancels), runs core
/// calls on the pipeline thread while pumping whatever the core reports from other threads
/// (PowerShell allows Write* and ShouldProcess on the pipeline thread only), scrubs secrets from
/// every message, and maps core exceptions to ErrorRecords with stable ids.
/// </summary>
public abstract class StarrCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly BlockingCollection<Action> _pipelineWork = new();
    private int _pipelineThreadId;

    protected CancellationToken CancellationToken => _cancellation.Token;

    protected override void BeginProcessing() => _pipelineThreadId = Environment.CurrentManagedThreadId;

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>Runs core work to completion on the pipeline thread, executing host calls the work makes from other threads.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        if (_pipelineThreadId == 0) _pipelineThreadId = Environment.CurrentManagedThreadId;
        var task = work(_cancellation.Token);
        // The end of the work wakes the loop too, so that it waits without polling and returns as soon as the work is done.
        task.ContinueWith(static (_, queue) => ((BlockingCollection<Action>)queue!).Add(static () => { }), _pipelineWork,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (!task.IsCompleted) _pipelineWork.Take()();
        while (_pipelineWork.TryTake(out var action)) action();
        return task.GetAwaiter().GetResult();
    }

    protected void Run(Func<CancellationToken, Task> work) => Run(async token =>
    {
        await work(token).ConfigureAwait(false);
        return true;
    });

    /// <summary>Runs one item's work and reports its failure as a non-terminating error, so the pipeline carries on with the next item.</summary>
    protected bool TryRun(object? target, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (StarrException ex)
        {
            WriteError(ErrorMapper.ToErrorRecord(ex, target));
            return false;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or System.Text.Json.JsonException or HttpRequestException
                                       or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            // A malformed answer or an I/O failure is still one item's failure, reported without secrets. PowerShell's own
            // exceptions (RuntimeException: -ErrorAction Stop, terminating errors) pass through untouched.
            WriteError(new ErrorRecord(new InvalidOperationException(SecretRegistry.Redact(ex.Message), ex), "StarrUnexpectedError", ErrorCategory.NotSpecified, target));
            return false;
        }
    }

    /// <summary>Unusable input: stop the command before anything is written.</summary>
    protected void Fail(StarrException ex, object? target) => ThrowTerminatingError(ErrorMapper.ToErrorRecord(ex, target));

    private void OnPipeline(Action action)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThreadId) action();
        else _pipelineWork.Add(action);
    }

    private T OnPipeline<T>(Func<T> func)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThreadId) return func();
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pipelineWork.Add(() =>
        {
            try { answer.SetResult(func()); }
            catch (Exception ex) { answer.SetException(ex); }
        });
        return answer.Task.GetAwaiter().GetResult();
    }

    /// <summary>A Kubernetes client from -Kubeconfig (a PowerShell path; default KUBECONFIG, ~/.kube/config or in-cluster) and -Context.</summary>
    protected KubernetesClient ConnectKubernetes(string? kubeconfig, string? context) =>
        KubernetesClient.Create(kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(kubeconfig), context, Reporter);

    /// <summary>
    /// Publishes Prometheus metrics to a file for node-exporter's textfile collector (replaced atomically) and/or a
    /// Pushgateway. <paramref name="next"/> gets what the file held before (empty for a push), so counters and other
    /// instances' samples can carry over between runs, each of which is a new process in a CronJob.
    /// </summary>
    protected void PublishMetrics(string? metricsPath, Uri? pushgatewayUrl, string group, Func<IReadOnlyList<MetricSample>, IReadOnlyList<MetricSample>> next)
    {
        if (metricsPath is not null)
        {
            var path = GetUnresolvedProviderPathFromPSPath(metricsPath);
            TryRun(metricsPath, () => Run(async token =>
            {
                IReadOnlyList<MetricSample> previous = File.Exists(path) ? await PrometheusTextReader.ReadFileAsync(path, token).ConfigureAwait(false) : [];
                await MetricsSink.WriteFileAsync(path, next(previous), token).ConfigureAwait(false);
            }));
        }
        if (pushgatewayUrl is not null)
            TryRun(pushgatewayUrl, () => Run(token => MetricsSink.PushAsync(pushgatewayUrl, group, next([]), token)));
    }

    /// <summary>This cmdlet as the core's host (messages, progress, ShouldProcess).</summary>
    protected IStarrHost Reporter => _host ??= new CmdletHost(this);

    private CmdletHost? _host;

    /// <summary>
    /// The core's host for this cmdlet. A nested private class rather than an interface on StarrCmdlet: pwsh reads the
    /// exported types of StarrOps.dll before the module initializer runs, so no public type here may name a core type
    /// in its base list (StarrOps.Core loads from the module's own context, see DependencyLoadContext).
    /// </summary>
    private sealed class CmdletHost(StarrCmdlet cmdlet) : IStarrHost
    {
        public void WriteVerbose(string message) => cmdlet.OnPipeline(() => cmdlet.WriteVerbose(SecretRegistry.Redact(message)));
        public void WriteDebug(string message) => cmdlet.OnPipeline(() => cmdlet.WriteDebug(SecretRegistry.Redact(message)));
        public void WriteWarning(string message) => cmdlet.OnPipeline(() => cmdlet.WriteWarning(SecretRegistry.Redact(message)));

        public void WriteProgress(StarrProgress progress) => cmdlet.OnPipeline(() =>
        {
            var record = new ProgressRecord(progress.ActivityId, SecretRegistry.Redact(progress.Activity), SecretRegistry.Redact(progress.Status))
            {
                PercentComplete = progress.PercentComplete,
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            cmdlet.WriteProgress(record);
        });

        public bool ShouldProcess(string target, string action) =>
            cmdlet.OnPipeline(() => cmdlet.ShouldProcess(SecretRegistry.Redact(target), SecretRegistry.Redact(action)));
    }
}
