using System.Management.Automation;
using StarrOps.Core.Metrics;
using StarrOps.Core.Reconcile;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Makes the stack match its declaration (YAML and/or the environment): plans per instance, asks
/// ShouldProcess per change, applies in dependency order, reports "Already configured" or what changed.
/// Safe to run every hour: a converged stack gets one GET per managed collection and no writes.
/// Writes an error record for every failure, so `pwsh -c Invoke-StarrReconcile` exits non-zero.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "StarrReconcile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ReconcileResult), typeof(string))]
public sealed class InvokeStarrReconcileCommand : ReconcileCmdlet
{
    /// <summary>Text: log lines for humans and kubectl logs. Json: one JSON document of the whole run, for log pipelines.</summary>
    [Parameter]
    [ValidateSet("Text", "Json")]
    public string OutputFormat { get; set; } = "Text";

    /// <summary>Wait for services that are still starting (e.g. right after a deploy) instead of failing at once.</summary>
    [Parameter]
    public SwitchParameter WaitForReady { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int ReadyTimeoutSec { get; set; } = 300;

    /// <summary>Save providers even when the apps report warnings (forceSave). Failed connection tests still block.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write Prometheus metrics (last success, duration, changes, drift, failures) to this .prom file for node-exporter's textfile collector; counters carry over from the file's previous run.</summary>
    [Parameter]
    public string? MetricsPath { get; set; }

    /// <summary>Push the same metrics to this Pushgateway (job starrops, instance reconcile).</summary>
    [Parameter]
    public Uri? PushgatewayUrl { get; set; }

    /// <summary>Also return the result object.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var state = LoadState();
        var reconciler = new Reconciler(Reporter, Options(WaitForReady ? TimeSpan.FromSeconds(ReadyTimeoutSec) : null, Force));
        var result = Run(async token =>
        {
            var plan = await reconciler.PlanAsync(state, token).ConfigureAwait(false);
            return await reconciler.ApplyAsync(plan, token).ConfigureAwait(false);
        });

        if (OutputFormat == "Json") WriteObject(result.ToJson());
        else foreach (var line in result.Lines) WriteLog(line);
        WriteMetrics(result);
        WriteFailures(result.Problems, result.Outcomes.Where(o => o.Status is ChangeStatus.Failed or ChangeStatus.Skipped));
        if (PassThru) WriteObject(result);
    }

    private void WriteMetrics(ReconcileResult result)
    {
        var run = ReconcileRunMetrics.From(result, DateTimeOffset.UtcNow);
        PublishMetrics(MetricsPath, PushgatewayUrl, "reconcile", previous => ReconcileMetrics.Next(previous, run));
    }
}
