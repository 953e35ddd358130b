using StarrOps.Core.Arr;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Reconcile;

/// <summary>Which planner handles which kind of instance, and how to probe its readiness.</summary>
internal static class Planners
{
    public static bool Has(ServiceKind kind) => kind.IsArr() || kind is ServiceKind.Jellyseerr or ServiceKind.Bazarr;

    public static Task PlanAsync(ReconcileSession session, InstanceSession target, InstancePlanBuilder builder, CancellationToken cancellationToken) =>
        target.Instance.Kind switch
        {
            ServiceKind.Jellyseerr => JellyseerrPlanner.PlanAsync(session, target, builder, cancellationToken),
            ServiceKind.Bazarr => BazarrPlanner.PlanAsync(session, target, builder, cancellationToken),
            var kind when kind.IsArr() => ArrPlanner.PlanAsync(session, target, builder, cancellationToken),
            _ => Task.CompletedTask,
        };

    /// <summary>The instance's readiness probe: /ping for the *arr apps, the status endpoints of Jellyseerr and Bazarr.</summary>
    public static async Task<bool> PingAsync(ReconcileSession session, InstanceSession target, CancellationToken cancellationToken)
    {
        switch (target.Instance.Kind)
        {
            case ServiceKind.Jellyseerr:
                return await JellyseerrPlanner.PingAsync(session, target, cancellationToken).ConfigureAwait(false);
            case ServiceKind.Bazarr:
                return await BazarrPlanner.PingAsync(session, target, cancellationToken).ConfigureAwait(false);
            case var kind when kind.IsArr():
                var client = target.Arr ??= ArrClientFactory.Create(target.Instance, session.Relay.Host);
                return await client.PingAsync(cancellationToken).ConfigureAwait(false);
            default:
                return true;
        }
    }
}
