using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>Get-StarrIndexer, Get-StarrDownloadClient, Get-StarrNotification, Get-StarrProwlarrApp: one GET of the collection per instance, filtered by name or id.</summary>
public abstract class GetProviderCommandBase : ArrCmdlet
{
    // Stored as its number: pwsh lays out StarrOps.dll's public types before the module initializer can point it at
    // StarrOps.Core, so no public type here may hold a core value type in a field (see DependencyLoadContext).
    private readonly int _resourceKind;

    protected GetProviderCommandBase(ProviderKind kind) => _resourceKind = (int)kind;

    private ProviderKind ResourceKind => (ProviderKind)_resourceKind;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? Instance { get; set; }

    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in InstancesOrAll(Instance, HasCollection))
            WriteFrom(instance, async (client, token) =>
                ProviderService.Select(await client.GetProvidersAsync(ResourceKind, token).ConfigureAwait(false), Name, Id).Select(StarrProvider.From).ToList());
    }

    /// <summary>When no instance is given, only instances that have this collection are asked.</summary>
    protected virtual bool HasCollection(StarrInstance instance) => ResourceKind == ProviderKind.Application ? instance.Kind == ServiceKind.Prowlarr : instance.Kind.IsArr();
}

/// <summary>Remove-StarrDownloadClient, Remove-StarrProwlarrApp …: by id or name, each removal confirmed (ConfirmImpact High).</summary>
public abstract class RemoveProviderCommandBase : ArrCmdlet
{
    // Stored as its number: pwsh lays out StarrOps.dll's public types before the module initializer can point it at
    // StarrOps.Core, so no public type here may hold a core value type in a field (see DependencyLoadContext).
    private readonly int _resourceKind;
    private readonly bool _prowlarrOnly;

    /// <param name="prowlarrOnly">The collection is managed in Prowlarr (its indexers): another app's is refused, not touched.</param>
    protected RemoveProviderCommandBase(ProviderKind kind, bool prowlarrOnly = false)
    {
        _resourceKind = (int)kind;
        _prowlarrOnly = prowlarrOnly;
    }

    private ProviderKind ResourceKind => (ProviderKind)_resourceKind;

    protected const string ByIdSet = "ById";
    protected const string ByNameSet = "ByName";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance Instance { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    public int[] Id { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByNameSet)]
    [SupportsWildcards]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        if (_prowlarrOnly && Instance.Kind != ServiceKind.Prowlarr)
        {
            WriteError(ErrorMapper.ToErrorRecord(new StarrOps.Core.StarrConfigurationException(
                $"{Instance.Name} is {Instance.Kind}: this removes Prowlarr's {ResourceKind.Describe()}s. The apps' own copies go when Prowlarr removes them."), Instance.Name));
            return;
        }
        WithClient(Instance, async (client, token) =>
        {
            var live = await client.GetProvidersAsync(ResourceKind, token).ConfigureAwait(false);
            return ParameterSetName == ByIdSet ? ProviderService.Select(live, null, Id) : ProviderService.Select(live, Name, null);
        }, (client, matches) =>
        {
            if (matches.Count == 0)
            {
                var what = ParameterSetName == ByIdSet ? $"id {string.Join(", ", Id)}" : $"name '{string.Join("', '", Name)}'";
                WriteError(ErrorMapper.ToErrorRecord(new StarrOps.Core.StarrNotFoundException($"{Instance.Name} has no {ResourceKind.Describe()} with {what}."), Instance.Name));
                return;
            }
            foreach (var resource in matches)
            {
                if (!ShouldProcess($"{Instance.Name}: {ResourceKind.Describe()} '{resource.Name}' (id {resource.Id})", "Remove")) continue;
                Run(token => client.RemoveProviderAsync(ResourceKind, resource.Id, token));
                WriteVerbose($"{Instance.Name}: removed {ResourceKind.Describe()} '{resource.Name}'");
            }
        });
    }
}

/// <summary>Shared tail of the Set-* cmdlets: save through the core, report, -PassThru.</summary>
public abstract class SetProviderCommandBase : ArrCmdlet
{
    /// <summary>Save even when the app reports warnings (forceSave). A failed connection test still blocks.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Send the given password or key even though the app shows the stored one masked (after rotating it); without it a masked secret counts as unchanged.</summary>
    [Parameter]
    public SwitchParameter RotateSecret { get; set; }

    protected void Save(StarrInstance instance, Func<ArrClient, CancellationToken, Task<ProviderSettings>> desired, bool rotateSecrets = false,
        Func<ProviderSettings, Func<ProviderResource, bool>>? alsoMatches = null) =>
        WithClient(instance, async (client, token) =>
        {
            var settings = await desired(client, token).ConfigureAwait(false);
            return await ProviderService.SaveAsync(client, settings, Reporter, Force, rotateSecrets, token, alsoMatches?.Invoke(settings)).ConfigureAwait(false);
        }, (_, result) =>
        {
            if (result.Applied) WriteVerbose(result.Plan.Describe());
            if (PassThru && (result.Saved ?? result.Plan.Current) is { } saved) WriteObject(StarrProvider.From(saved));
        });

    /// <summary>Fields and properties the user gave, with the convenience parameters folded in.</summary>
    protected static Dictionary<string, object?> Merge(Dictionary<string, object?> given, params (string Key, object? Value, bool Bound)[] extra)
    {
        foreach (var (key, value, bound) in extra)
            if (bound) given[key] = value;
        return given;
    }
}
