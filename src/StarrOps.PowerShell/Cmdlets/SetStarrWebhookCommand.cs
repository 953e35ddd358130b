using System.Collections;
using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Creates or updates a webhook notification (Settings > Connect), e.g. for Pulsarr, on the events given.</summary>
[Cmdlet(VerbsCommon.Set, "StarrWebhook", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StarrProvider))]
public sealed class SetStarrWebhookCommand : SetProviderCommandBase
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[] Instance { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNull]
    public Uri Url { get; set; } = null!;

    [Parameter]
    [ValidateSet("POST", "PUT")]
    public string Method { get; set; } = "POST";

    /// <summary>Events that fire the webhook, as the app names them without "on": Grab, Download, Upgrade, Rename, HealthIssue … Exactly these are on, every other event off. Default: Grab and Download.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(WebhookEventCompleter))]
    public string[] On { get; set; } = ["Grab", "Download"];

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Any other webhook fields by exact name.</summary>
    [Parameter]
    public Hashtable? Field { get; set; }

    [Parameter]
    public string[]? Tag { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in Instance)
            Save(instance, async (client, token) =>
            {
                var fields = Merge(ToPlainDictionary(Field),
                    ("url", Url.AbsoluteUri, true),
                    ("method", Method, true),
                    ("username", Credential?.UserName, Credential is not null),
                    ("password", Credential is null ? null : ToPlain(Credential.Password), Credential is not null));
                var properties = On.ToDictionary(e => "on" + e.Trim(), e => (object?)true, StringComparer.OrdinalIgnoreCase);
                var tags = Tag is null ? null : await TagService.ResolveAsync(client, Tag, Reporter, token).ConfigureAwait(false);
                return new ProviderSettings(ProviderKind.Notification, Name, "Webhook") { Fields = fields, Properties = properties, Tags = tags, ExclusiveEvents = true };
            }, rotateSecrets: RotateSecret);
    }
}

/// <summary>Completes the common webhook events; the app's own list is checked when saving.</summary>
public sealed class WebhookEventCompleter : IArgumentCompleter
{
    private static readonly string[] Events =
        ["Grab", "Download", "Upgrade", "ImportComplete", "Rename", "SeriesAdd", "SeriesDelete", "EpisodeFileDelete", "MovieAdded", "MovieDelete",
         "MovieFileDelete", "HealthIssue", "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired"];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Events.Where(e => e.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(e => new CompletionResult(e, e, CompletionResultType.ParameterValue, "on" + e));
}
