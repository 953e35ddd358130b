using System.Management.Automation;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Runs the reconcile CronJob now (<c>kubectl create job --from=cronjob/starrops-reconcile</c>); with -Wait until the Job ends,
/// with -Follow showing its pod's log as it is written. Writes the Job; a failed or timed-out Job is also an error.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "StarrReconcileJob", SupportsShouldProcess = true)]
[OutputType(typeof(StarrReconcileJob))]
public sealed class StartStarrReconcileJobCommand : StarrCmdlet
{
    /// <summary>The namespace of the CronJob; default: the kubeconfig context's (or the pod's own) namespace.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string CronJobName { get; set; } = ReconcileJobRunner.DefaultCronJobName;

    /// <summary>The new Job's name; default: CRONJOB-manual-xxxxx.</summary>
    [Parameter]
    [ValidatePattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    public string? JobName { get; set; }

    /// <summary>Wait until the Job completes or fails.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Show the Job's log as it is written (implies -Wait).</summary>
    [Parameter]
    public SwitchParameter Follow { get; set; }

    /// <summary>How long -Wait and -Follow wait (default 600 s).</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 600;

    [Parameter]
    public string? Kubeconfig { get; set; }

    [Parameter]
    public string? Context { get; set; }

    protected override void ProcessRecord()
    {
        TryRun(Namespace, () =>
        {
            using var client = ConnectKubernetes(Kubeconfig, Context);
            var ns = Namespace ?? client.DefaultNamespace;
            var jobName = JobName ?? ReconcileJobRunner.NewJobName(CronJobName);
            if (!ShouldProcess($"cronjob/{CronJobName} in namespace {ns}", $"Create job {jobName}")) return;
            var runner = new ReconcileJobRunner(client, Reporter);
            var job = Run(token => runner.StartAsync(ns, CronJobName, jobName, token));
            var deadline = DateTimeOffset.UtcNow.AddSeconds(TimeoutSec);
            if (Follow) FollowLog(runner, job, deadline - DateTimeOffset.UtcNow);
            // After the log ends the Job controller still has to record the outcome: give it a few seconds even at the deadline.
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (Wait || Follow) job = Run(token => runner.WaitAsync(job, remaining < TimeSpan.FromSeconds(10) && Follow ? TimeSpan.FromSeconds(10) : remaining, token));
            WriteObject(job);
            if (job.Status is ReconcileJobStatus.Failed or ReconcileJobStatus.TimedOut)
            {
                var message = job.Status == ReconcileJobStatus.Failed
                    ? $"Job {ns}/{job.Name} failed{(job.Reason is null ? "" : $" ({job.Reason})")}. Read its log: kubectl logs -n {ns} job/{job.Name}"
                    : $"Job {ns}/{job.Name} was still running after {TimeoutSec} s.";
                WriteError(new ErrorRecord(new InvalidOperationException(SecretRegistry.Redact(message)),
                    job.Status == ReconcileJobStatus.Failed ? "StarrReconcileJobFailed" : "StarrReconcileJobTimeout",
                    job.Status == ReconcileJobStatus.Failed ? ErrorCategory.InvalidResult : ErrorCategory.OperationTimeout, job)
                {
                    ErrorDetails = new ErrorDetails(SecretRegistry.Redact(message)),
                });
            }
        });
    }

    // Lines are awaited one by one on the pipeline thread (through Run, which pumps the core's messages), so each is written as it arrives.
    private void FollowLog(ReconcileJobRunner runner, StarrReconcileJob job, TimeSpan timeout)
    {
        var lines = runner.FollowLogAsync(job, timeout, CancellationToken).GetAsyncEnumerator(CancellationToken);
        try
        {
            while (Run(_ => lines.MoveNextAsync().AsTask()))
            {
                WriteInformation(new HostInformationMessage { Message = SecretRegistry.Redact(lines.Current) }, ["PSHOST", "StarrReconcileJobLog"]);
            }
        }
        finally
        {
            Run(_ => lines.DisposeAsync().AsTask());
        }
    }
}
