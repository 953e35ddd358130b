using System.Management.Automation;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Checks that each instance answers, accepts its key, and reports its version. One result per instance; failures are results, not errors.</summary>
[Cmdlet(VerbsDiagnostic.Test, "StarrInstance")]
[OutputType(typeof(InstanceTestResult))]
public sealed class TestStarrInstanceCommand : StarrCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    /// <summary>Return only $true or $false: whether every instance passed.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    private bool _allPassed = true;

    protected override void ProcessRecord()
    {
        var instances = Instance is { Length: > 0 } ? Instance : TryRunAll();
        foreach (var instance in instances)
        {
            var result = Run(token => InstanceTester.TestAsync(instance, Reporter, token));
            _allPassed &= result.Passed;
            if (!Quiet) WriteObject(result);
        }
    }

    protected override void EndProcessing()
    {
        if (Quiet) WriteObject(_allPassed);
    }

    private IReadOnlyList<StarrInstance> TryRunAll()
    {
        try
        {
            var all = InstanceRegistry.All();
            if (all.Count == 0)
                throw new StarrOps.Core.StarrConfigurationException("No instance to test: pipe one from New-StarrInstance, or set SONARR_URL and SONARR_API_KEY (and the like).");
            return all;
        }
        catch (StarrOps.Core.StarrException ex)
        {
            Fail(ex, null);
            return [];
        }
    }
}
