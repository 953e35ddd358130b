using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Services;

/// <summary>The outcome of saving one provider: what was planned and, unless -WhatIf declined it, what the API stored.</summary>
public sealed record ProviderSaveResult(ProviderPlan Plan, ProviderResource? Saved, bool Applied);

/// <summary>
/// Create-or-update of one provider by name, as the Set-* cmdlets do it: one GET of the collection,
/// /schema only when creating, ShouldProcess with the field-level changes, nothing sent when nothing changed.
/// </summary>
public static class ProviderService
{
    public static async Task<ProviderSaveResult> SaveAsync(ArrClient client, ProviderSettings desired, IStarrHost host, bool forceSave, bool rotateSecrets,
        CancellationToken cancellationToken, Func<ProviderResource, bool>? alsoMatches = null)
    {
        var live = await client.GetProvidersAsync(desired.Kind, cancellationToken).ConfigureAwait(false);
        var plan = await ProviderPlanner.PlanAsync(client, live, desired, rotateSecrets, cancellationToken, alsoMatches).ConfigureAwait(false);
        if (plan.Action == ChangeAction.NoChange)
        {
            host.WriteVerbose(plan.Describe());
            return new ProviderSaveResult(plan, plan.Current, Applied: false);
        }
        var target = $"{client.Instance.Name}: {desired.Kind.Describe()} '{desired.Name}'";
        var action = plan.Action == ChangeAction.Create
            ? $"Create ({desired.Implementation})"
            : $"Update ({string.Join("; ", plan.Changes)})";
        if (!host.ShouldProcess(target, action)) return new ProviderSaveResult(plan, null, Applied: false);
        var saved = await ProviderPlanner.ApplyAsync(client, plan, forceSave, cancellationToken).ConfigureAwait(false);
        return new ProviderSaveResult(plan, saved, Applied: true);
    }

    /// <summary>Finds providers by id or name (wildcards * and ?), for Get/Remove.</summary>
    public static IReadOnlyList<ProviderResource> Select(IReadOnlyList<ProviderResource> live, IReadOnlyList<string>? names, IReadOnlyList<int>? ids) =>
        live.Where(r => (ids is not { Count: > 0 } || ids.Contains(r.Id))
                        && (names is not { Count: > 0 } || names.Any(n => Wildcard.IsMatch(r.Name, n))))
            .ToList();
}
