using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.Core.Reconcile;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>
/// The reconcile plan as objects, without writing anything: per instance and resource, what
/// Invoke-StarrReconcile would create, update or delete, with field-level old -> new (secrets shown as
/// "(secret)"). Instances that could not be read are reported as errors.
/// </summary>
[Cmdlet(VerbsCommon.Get, "StarrDrift")]
[OutputType(typeof(ReconcileChange))]
public sealed class GetStarrDriftCommand : ReconcileCmdlet
{
    /// <summary>Also list resources that already match (NoChange).</summary>
    [Parameter]
    public SwitchParameter IncludeUnchanged { get; set; }

    protected override void EndProcessing()
    {
        var state = LoadState();
        var plan = Run(token => new Reconciler(Reporter, Options()).PlanAsync(state, token));
        WriteObject(IncludeUnchanged ? plan.Changes : plan.Changes.Where(c => c.Action != ChangeAction.NoChange), enumerateCollection: true);
        WriteFailures(plan.Problems, []);
    }
}
