using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Writes the wiring of a running stack as reconcile YAML, so a stack wired by hand can be adopted
/// without retyping: re-importing the export plans no change. Secrets are exported as `!env NAME`
/// references, never as values.
/// </summary>
[Cmdlet(VerbsData.Export, "StarrConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportStarrConfigCommand : StarrCmdlet
{
    private readonly List<StarrInstance> _instances = [];

    /// <summary>The instances to export; default: every instance the session knows.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    /// <summary>Write the YAML to this file instead of the output.</summary>
    [Parameter]
    public string? Path { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (Instance is not null) _instances.AddRange(Instance);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<StarrInstance> instances;
        try
        {
            instances = _instances.Count > 0 ? _instances : InstanceRegistry.All();
            if (instances.Count == 0) throw new StarrConfigurationException("Nothing to export: no instance given and none defined (set SONARR_URL/SONARR_API_KEY and the like, or pipe New-StarrInstance).");
        }
        catch (StarrException ex)
        {
            Fail(ex, null);
            return;
        }
        var yaml = Run(token => ConfigExporter.ExportAsync(instances, token, Reporter));
        if (Path is null)
        {
            WriteObject(yaml);
            return;
        }
        var file = new FileInfo(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
        if (file.Exists && !Force)
        {
            Fail(new StarrConfigurationException($"{file.FullName} exists; use -Force to overwrite it."), Path);
            return;
        }
        if (!ShouldProcess(file.FullName, "Write reconcile configuration")) return;
        TryRun(file.FullName, () =>
        {
            // Written beside and renamed, so a failed write never leaves half a config behind.
            var temporary = file.FullName + ".tmp";
            File.WriteAllText(temporary, yaml);
            File.Move(temporary, file.FullName, overwrite: true);
            WriteObject(new FileInfo(file.FullName));
        });
    }
}
