using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.Services;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// Lists the instances this session knows: those from New-StarrInstance and those described by environment variables (SONARR_URL, SONARR_4K_URL …);
/// with -Namespace, the stack found in a Kubernetes namespace (Services, the starr-secrets Secret, the starr-common-config ConfigMap, or config.xml in the pods).
/// </summary>
[Cmdlet(VerbsCommon.Get, "StarrInstance", DefaultParameterSetName = EnvironmentSet)]
[OutputType(typeof(StarrInstance))]
public sealed class GetStarrInstanceCommand : StarrCmdlet
{
    private const string EnvironmentSet = "Environment";
    private const string KubernetesSet = "Kubernetes";

    /// <summary>Instance names or kinds; wildcards allowed ("sonarr*", "Radarr").</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    [Parameter]
    public ServiceKind[]? Kind { get; set; }

    /// <summary>Discover the stack in this Kubernetes namespace instead of the session and environment.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    /// <summary>The Secret holding SONARR_API_KEY, QBITTORRENT_PASSWORD … (default starr-secrets).</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    public string SecretName { get; set; } = KubernetesDiscoveryOptions.DefaultSecretName;

    /// <summary>The ConfigMap holding SONARR_URL … (default starr-common-config); its URLs override the Services'.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    public string ConfigMapName { get; set; } = KubernetesDiscoveryOptions.DefaultConfigMapName;

    /// <summary>Read each *arr's API key from /config/config.xml in its pod (needs the pods/exec right).</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    public SwitchParameter FromPod { get; set; }

    /// <summary>The kubeconfig file; default: KUBECONFIG, ~/.kube/config, or the pod's service account.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    public string? Kubeconfig { get; set; }

    /// <summary>The kubeconfig context; default: its current-context.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    public string? Context { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<StarrInstance> all;
        try
        {
            all = ParameterSetName == KubernetesSet ? _discovered ??= Discover() : InstanceRegistry.All();
        }
        catch (StarrException ex)
        {
            Fail(ex, Namespace);
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

    // Names may come down the pipeline: the namespace is read once per call, not once per name.
    private IReadOnlyList<StarrInstance>? _discovered;

    private IReadOnlyList<StarrInstance> Discover()
    {
        using var client = ConnectKubernetes(Kubeconfig, Context);
        var options = new KubernetesDiscoveryOptions(Namespace!) { SecretName = SecretName, ConfigMapName = ConfigMapName, FromPod = FromPod };
        return Run(token => KubernetesInstanceSource.DiscoverAsync(client, options, Reporter, token));
    }
}
