using System.Management.Automation;
using System.Security;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Describes a service by name, kind, URL and credentials; the instance is remembered for the session (name lookup, tab completion).</summary>
[Cmdlet(VerbsCommon.New, "StarrInstance", DefaultParameterSetName = SecureKeySet)]
[OutputType(typeof(StarrInstance))]
public sealed class NewStarrInstanceCommand : StarrCmdlet
{
    private const string SecureKeySet = "SecureKey";
    private const string PlainKeySet = "PlainKey";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public ServiceKind Kind { get => (ServiceKind)_kind; set => _kind = (int)value; }

    // Backed by its number, not the enum: see DependencyLoadContext (no core value type in a field of a public type).
    private int _kind;

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Uri Url { get; set; } = null!;

    /// <summary>The API key: a SecureString, or text (from $env:SONARR_API_KEY, an Import-Csv column), which is turned into one.</summary>
    [Parameter(ParameterSetName = SecureKeySet, ValueFromPipelineByPropertyName = true)]
    [SecureStringTransformation]
    public SecureString? ApiKey { get; set; }

    /// <summary>The key as plain text, for scripts that read it from a file or variable. Prefer -ApiKey.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PlainKeySet)]
    [ValidateNotNullOrEmpty]
    public string PlainApiKey { get; set; } = "";

    /// <summary>User name and password, for qBittorrent, Jellyfin, and the UI login that downloads *arr backups.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateRange(1, 600)]
    public int TimeoutSec { get; set; } = 30;

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    protected override void ProcessRecord()
    {
        var key = ParameterSetName == PlainKeySet
            ? new Secret(PlainApiKey)
            : ApiKey is null ? null : new Secret(new System.Net.NetworkCredential("", ApiKey).Password);
        var password = Credential?.Password is { Length: > 0 } secure ? new Secret(new System.Net.NetworkCredential("", secure).Password) : null;
        try
        {
            var instance = new StarrInstance(Name, Kind, Url, key is { IsEmpty: false } ? key : null, Credential?.UserName, password)
            {
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                SkipCertificateCheck = SkipCertificateCheck,
            };
            InstanceRegistry.Remember(instance);
            WriteObject(instance);
        }
        catch (ArgumentException ex)
        {
            Fail(new StarrConfigurationException(ex.Message), Name);
        }
    }
}
