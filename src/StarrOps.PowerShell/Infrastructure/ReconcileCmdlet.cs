using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Reconcile;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>Shared parameters and plumbing of Invoke-StarrReconcile and Get-StarrDrift: which config, which instances, how.</summary>
public abstract class ReconcileCmdlet : StarrCmdlet
{
    /// <summary>The YAML file; default: $env:STARR_CONFIG, else the environment alone (zero-config).</summary>
    [Parameter(Position = 0)]
    [Alias("ConfigPath")]
    public string? Path { get; set; }

    /// <summary>Only these instances (names, wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public string[]? Instance { get; set; }

    /// <summary>Instances to reconcile besides the environment's, e.g. piped from Get-StarrInstance -Namespace media.</summary>
    [Parameter(ValueFromPipeline = true)]
    [StarrInstanceTransformation]
    [ArgumentCompleter(typeof(StarrInstanceNameCompleter))]
    public StarrInstance[]? InputObject { get; set; }

    private readonly List<StarrInstance> _given = [];

    protected override void ProcessRecord()
    {
        if (InputObject is not null) _given.AddRange(InputObject);
    }

    /// <summary>How many instances are read and changed at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Send every declared secret again without first asking the apps whether the stored one still works.</summary>
    [Parameter]
    public SwitchParameter RotateSecrets { get; set; }

    protected ReconcileOptions Options(TimeSpan? waitForReady = null, bool forceSave = false) => new()
    {
        MaxParallelism = ThrottleLimit,
        RotateSecrets = RotateSecrets,
        Instances = Instance,
        WaitForReady = waitForReady,
        ForceSave = forceSave,
    };

    /// <summary>Reads the desired state; unusable configuration stops the command before anything is sent.</summary>
    protected DesiredState LoadState()
    {
        try
        {
            var path = Path is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            return DesiredStateLoader.Load(path, null, _given.Count > 0 ? _given : null);
        }
        catch (StarrException ex)
        {
            Fail(ex, Path);
            throw; // not reached: Fail throws a terminating error
        }
    }

    /// <summary>A log line that shows in the console and in kubectl logs (like Write-Host), and can be captured with 6>.</summary>
    protected void WriteLog(string line) =>
        WriteInformation(new HostInformationMessage { Message = SecretRegistry.Redact(line) }, ["PSHOST", "StarrOps"]);

    /// <summary>One error record per failed instance or change (skipped ones included), so that `pwsh -c` exits non-zero and runbooks can catch each.</summary>
    protected void WriteFailures(IEnumerable<ReconcileProblem> problems, IEnumerable<ChangeOutcome> failedChanges)
    {
        foreach (var problem in problems)
            WriteError(new ErrorRecord(new InvalidOperationException(SecretRegistry.Redact(problem.Message)), problem.ErrorId ?? "StarrReconcileFailed",
                ErrorMapper.ToCategory(problem.Category), problem.Instance));
        foreach (var outcome in failedChanges)
        {
            var skipped = outcome.Status == ChangeStatus.Skipped;
            WriteError(new ErrorRecord(new InvalidOperationException(SecretRegistry.Redact($"{outcome.Change.Target}: {(skipped ? "skipped: " : "")}{outcome.Error}")),
                outcome.ErrorId ?? (skipped ? "StarrReconcileChangeSkipped" : "StarrReconcileChangeFailed"),
                skipped ? ErrorCategory.ResourceUnavailable : ErrorCategory.WriteError, outcome.Instance));
        }
    }
}
