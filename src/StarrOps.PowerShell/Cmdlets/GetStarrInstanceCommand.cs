using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists the instances this session knows: those from New-StarrInstance and those described by environment variables (SONARR_URL, SONARR_4K_URL …).</summary>
[Cmdlet(VerbsCommon.Get, "StarrInstance")]
[OutputType(typeof(StarrInstance))]
public sealed class GetStarrInstanceCommand : StarrCmdlet
{
    /// <summary>Instance names or kinds; wildcards allowed ("sonarr*", "Radarr").</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter]
    public ServiceKind[]? Kind { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<StarrInstance> all;
        try
        {
            all = InstanceRegistry.All();
        }
        catch (StarrException ex)
        {
            Fail(ex, null);
            return;
        }
        var selected = all.Where(i => (Kind is not { Length: > 0 } || Kind.Contains(i.Kind))
                                      && (Name is not { Length: > 0 } || Name.Any(n => Wildcard.IsMatch(i.Name, n) || string.Equals(i.Kind.ToString(), n, StringComparison.OrdinalIgnoreCase))))
            .ToList();
        foreach (var name in Name ?? [])
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name) && !selected.Any(i => Wildcard.IsMatch(i.Name, name) || string.Equals(i.Kind.ToString(), name, StringComparison.OrdinalIgnoreCase)))
                WriteError(ErrorMapper.ToErrorRecord(new StarrConfigurationException(
                    $"No instance named '{name}'. Known instances: {(all.Count == 0 ? "none (set SONARR_URL/SONARR_API_KEY and the like, or use New-StarrInstance)" : string.Join(", ", all.Select(i => i.Name)))}."), name));
        }
        WriteObject(selected, enumerateCollection: true);
    }
}
