using System.Collections;
using System.Management.Automation;
using System.Security;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Creates or updates a Prowlarr indexer by name, built from the /indexer/schema template the definition names (Prowlarr
/// offers several per implementation: "Generic Torznab", "AnimeTosho" …). Only what is given changes; a second identical
/// call sends nothing. Prowlarr tests the indexer when saving (a search that must return results) and then pushes it into
/// the linked apps.
/// </summary>
[Cmdlet(VerbsCommon.Set, "StarrProwlarrIndexer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StarrProvider))]
public sealed class SetStarrProwlarrIndexerCommand : SetProviderCommandBase
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[] Instance { get; set; } = [];

    /// <summary>The indexer's name in Prowlarr (unique, case-insensitively).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The template to create it from: its name or a Cardigann definitionName (see Get-StarrSchema -Type Indexer). Ignored for an existing indexer.</summary>
    [Parameter(Position = 1)]
    [ArgumentCompleter(typeof(IndexerDefinitionCompleter))]
    public string Definition { get; set; } = "Generic Torznab";

    [Parameter]
    public string? BaseUrl { get; set; }

    [Parameter]
    public string? ApiPath { get; set; }

    /// <summary>The indexer's API key: a SecureString, or text, which is turned into one.</summary>
    [Parameter]
    [SecureStringTransformation]
    public SecureString? ApiKey { get; set; }

    /// <summary>Prowlarr's app profile by name; default on create: the first profile.</summary>
    [Parameter]
    public string? AppProfile { get; set; }

    [Parameter]
    [ValidateRange(1, 50)]
    public int Priority { get; set; }

    /// <summary>New indexers are enabled unless -Enable:$false; existing ones keep their state unless given.</summary>
    [Parameter]
    public SwitchParameter Enable { get; set; }

    [Parameter]
    public string[]? Tag { get; set; }

    /// <summary>Any fields by exact name, e.g. @{ 'torrentBaseSettings.seedRatio' = 2 }.</summary>
    [Parameter]
    public Hashtable? Field { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in Instance)
        {
            if (instance.Kind != ServiceKind.Prowlarr)
            {
                WriteError(ErrorMapper.ToErrorRecord(new StarrConfigurationException($"{instance.Name} is {instance.Kind}; indexers are managed in Prowlarr, which pushes them into the apps."), instance.Name));
                continue;
            }
            Save(instance, async (client, token) =>
            {
                var bound = MyInvocation.BoundParameters;
                var fields = Merge(ToPlainDictionary(Field),
                    ("baseUrl", BaseUrl, BaseUrl is not null),
                    ("apiPath", ApiPath, ApiPath is not null),
                    ("apiKey", ApiKey is null ? null : ToPlain(ApiKey), ApiKey is not null));
                var properties = Merge([], ("priority", Priority, bound.ContainsKey(nameof(Priority))));
                if (await AppProfileIdAsync((ProwlarrClient)client, token).ConfigureAwait(false) is { } profileId) properties["appProfileId"] = profileId;
                var tags = Tag is null ? null : await TagService.ResolveAsync(client, Tag, Reporter, token).ConfigureAwait(false);
                return new ProviderSettings(ProviderKind.Indexer, Name, Definition)
                {
                    Fields = fields,
                    Properties = properties,
                    Enable = bound.ContainsKey(nameof(Enable)) ? Enable.IsPresent : null,
                    Tags = tags,
                    Template = Definition,
                };
            }, rotateSecrets: RotateSecret);
        }
    }

    /// <summary>The named profile's id; for an indexer that does not exist yet, the first profile's (Prowlarr needs one).</summary>
    private async Task<int?> AppProfileIdAsync(ProwlarrClient client, CancellationToken token)
    {
        if (AppProfile is null
            && (await client.GetProvidersAsync(ProviderKind.Indexer, token).ConfigureAwait(false)).Any(i => string.Equals(i.Name, Name, StringComparison.OrdinalIgnoreCase)))
            return null;
        return StarrOps.Core.Prowlarr.AppProfile.Choose(await client.GetAppProfilesAsync(token).ConfigureAwait(false), AppProfile, client.Instance.Name).Id;
    }
}
