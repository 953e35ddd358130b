using System.Management.Automation;
using StarrOps.Core.Health;
using StarrOps.Core.Instances;
using StarrOps.Core.Metrics;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Probes each instance (/ping, API and key, the app's own health items, response time) and reports Healthy, Degraded or Down.</summary>
[Cmdlet(VerbsDiagnostic.Test, "StarrHealth")]
[OutputType(typeof(InstanceHealth))]
public sealed class TestStarrHealthCommand : StarrCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    /// <summary>Seconds each probe may take.</summary>
    [Parameter]
    [ValidateRange(0.1, 300)]
    public double TimeoutSec { get; set; } = 2;

    /// <summary>Write the results as Prometheus metrics to this file (for the node-exporter textfile collector).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MetricsPath { get; set; }

    /// <summary>Push the results as Prometheus metrics to this Pushgateway.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? PushgatewayUrl { get; set; }

    private readonly List<InstanceHealth> _results = [];
    private bool _sawInput;

    protected override void ProcessRecord()
    {
        if (Instance is not { Length: > 0 }) return; // no input: every instance, probed together in EndProcessing
        _sawInput = true;
        Probe(Instance);
    }

    protected override void EndProcessing()
    {
        if (!_sawInput) Probe(AllInstances());
        if (_results.Count == 0) return;
        PublishMetrics(MetricsPath, PushgatewayUrl, "health", _ => HealthMetrics.From(_results).ToList());
    }

    private void Probe(IReadOnlyList<StarrInstance> instances)
    {
        var options = new HealthProbeOptions { Timeout = TimeSpan.FromSeconds(TimeoutSec) };
        var results = Run(token => HealthProbe.CheckAllAsync(instances, Reporter, options, token));
        _results.AddRange(results);
        WriteObject(results, enumerateCollection: true);
    }

    private IReadOnlyList<StarrInstance> AllInstances()
    {
        try
        {
            return InstanceRegistry.All();
        }
        catch (StarrOps.Core.StarrException ex)
        {
            Fail(ex, null);
            return [];
        }
    }
}
