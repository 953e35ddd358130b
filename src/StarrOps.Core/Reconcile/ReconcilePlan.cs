using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Reconcile;

/// <summary>One instance as planning found it.</summary>
public sealed record PlannedInstance(string Name, ServiceKind Kind)
{
    /// <summary>False when the instance could not be read (unreachable, key rejected, not ready): it has no changes.</summary>
    public bool Available { get; init; } = true;
    public bool NotReady { get; init; }
    public string? Error { get; init; }
}

/// <summary>
/// What a reconcile would do: every managed resource of every instance with its action
/// (NoChange included), and what could not be planned. Plans are data: Get-StarrDrift writes
/// <see cref="Changes"/>; <see cref="Reconciler.ApplyAsync"/> carries out the pending ones that ShouldProcess approves.
/// </summary>
public sealed class ReconcilePlan
{
    internal ReconcilePlan(ReconcileSession session, IReadOnlyList<PlannedInstance> instances, IReadOnlyList<ReconcileChange> changes, IReadOnlyList<ReconcileProblem> problems, TimeSpan duration)
    {
        Session = session;
        Instances = instances;
        Changes = changes;
        Problems = problems;
        Duration = duration;
    }

    internal ReconcileSession Session { get; }

    public DesiredState State => Session.State;
    public IReadOnlyList<PlannedInstance> Instances { get; }
    /// <summary>Every planned change in apply order per instance, NoChange included.</summary>
    public IReadOnlyList<ReconcileChange> Changes { get; }
    /// <summary>Instances that could not be read and resources that could not be planned.</summary>
    public IReadOnlyList<ReconcileProblem> Problems { get; }
    public TimeSpan Duration { get; }

    /// <summary>The changes that would write something.</summary>
    public IReadOnlyList<ReconcileChange> PendingChanges => Changes.Where(c => c.Action != ChangeAction.NoChange).ToList();

    public bool HasChanges => Changes.Any(c => c.Action != ChangeAction.NoChange);

    /// <summary>Nothing to change and nothing failed.</summary>
    public bool IsConverged => !HasChanges && Problems.Count == 0;

    public override string ToString() => IsConverged
        ? "No changes."
        : string.Join(Environment.NewLine, PendingChanges.Select(c => c.Description).Concat(Problems.Select(p => "FAILED " + p.Message)));
}

/// <summary>Collects the changes and problems of one instance while it is planned (one per task, so no locking).</summary>
internal sealed class InstancePlanBuilder(string instance)
{
    public List<ReconcileChange> Changes { get; } = [];
    public List<ReconcileProblem> Problems { get; } = [];
    public PlannedInstance? Status { get; set; }

    public void Add(ReconcileChange change) => Changes.Add(change);

    /// <summary>One resource could not be planned; the instance's other resources still are.</summary>
    public void Problem(StarrException ex, StarrResourceType type, string name, ConfigOrigin origin) =>
        Problems.Add(new ReconcileProblem(instance, SecretRegistry.Redact($"{instance}: {type.Describe()} '{name}' ({origin}): {ex.Message}"))
        {
            ResourceType = type,
            Name = name,
            Origin = origin.ToString(),
            ErrorId = ex.ErrorId,
            Category = ex.Category,
            Failures = ex switch { StarrApiException api => api.Failures, StarrProviderTestException test => test.Failures, _ => [] },
        });
}
