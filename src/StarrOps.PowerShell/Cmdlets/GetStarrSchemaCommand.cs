using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>The implementations a provider collection offers and their fields (exact names, types, defaults, select options), from the live /schema.</summary>
[Cmdlet(VerbsCommon.Get, "StarrSchema")]
[OutputType(typeof(ProviderSchemaInfo))]
public sealed class GetStarrSchemaCommand : ArrCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[] Instance { get; set; } = [];

    [Parameter(Position = 1)]
    public ProviderKind Type { get => (ProviderKind)_type; set => _type = (int)value; }

    // Backed by its number, not the enum: see DependencyLoadContext (no core value type in a field of a public type).
    private int _type = (int)ProviderKind.DownloadClient;

    [Parameter(Position = 2)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AnyImplementationCompleter))]
    public string[]? Implementation { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in Instance)
            WriteFrom(instance, async (client, token) => (await client.GetSchemaAsync(Type, token).ConfigureAwait(false))
                .Where(t => Implementation is not { Length: > 0 } || Implementation.Any(p => Wildcard.IsMatch(t.Implementation, p)))
                .Select(ProviderSchemaInfo.From).ToList());
    }
}
