using System.Collections;
using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Creates or updates a download client by name, built from the app's /schema template of the
/// implementation. Only the fields given change; a second identical call sends nothing.
/// </summary>
[Cmdlet(VerbsCommon.Set, "StarrDownloadClient", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StarrProvider))]
public sealed class SetStarrDownloadClientCommand : SetProviderCommandBase
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[] Instance { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The implementation (see Get-StarrSchema -Type DownloadClient). Default: QBittorrent.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(DownloadClientImplementationCompleter))]
    public string Implementation { get; set; } = "QBittorrent";

    /// <summary>Any fields by exact name, e.g. @{ host = 'qbittorrent'; port = 8080; initialState = 'Started' }.</summary>
    [Parameter]
    public Hashtable? Field { get; set; }

    [Parameter]
    [Alias("HostName")]
    public string? Server { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    [Parameter]
    public SwitchParameter UseSsl { get; set; }

    /// <summary>Sets the username and password fields.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The app's category field (tvCategory in Sonarr, movieCategory in Radarr, musicCategory in Lidarr/Readarr).</summary>
    [Parameter]
    public string? Category { get; set; }

    [Parameter]
    [ValidateRange(1, 50)]
    public int Priority { get; set; }

    /// <summary>New clients are enabled unless -Enable:$false; existing ones keep their state unless given.</summary>
    [Parameter]
    public SwitchParameter Enable { get; set; }

    [Parameter]
    public string[]? Tag { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var instance in Instance)
            Save(instance, async (client, token) =>
            {
                var bound = MyInvocation.BoundParameters;
                var fields = Merge(ToPlainDictionary(Field),
                    ("host", Server, bound.ContainsKey(nameof(Server))),
                    ("port", Port, bound.ContainsKey(nameof(Port))),
                    ("useSsl", UseSsl.IsPresent, bound.ContainsKey(nameof(UseSsl))),
                    ("username", Credential?.UserName, Credential is not null),
                    ("password", Credential is null ? null : ToPlain(Credential.Password), Credential is not null),
                    (client.DownloadCategoryField ?? "category", Category, Category is not null));
                var properties = Merge([], ("priority", Priority, bound.ContainsKey(nameof(Priority))));
                var tags = Tag is null ? null : await TagService.ResolveAsync(client, Tag, Reporter, token).ConfigureAwait(false);
                return new ProviderSettings(ProviderKind.DownloadClient, Name, Implementation)
                {
                    Fields = fields,
                    Properties = properties,
                    Enable = bound.ContainsKey(nameof(Enable)) ? Enable.IsPresent : null,
                    Tags = tags,
                };
            }, rotateSecrets: RotateSecret);
    }
}
