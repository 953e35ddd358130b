namespace StarrOps.Core.Arr;

public enum ChangeAction
{
    NoChange,
    Create,
    Update,
    Delete,
}

/// <summary>
/// What saving one provider would do: the action, the field-level changes (secrets shown as
/// "(secret)"), the live resource and the resource that would be sent. Plans are data: -WhatIf prints
/// them, Get-StarrDrift returns them, apply sends <see cref="Desired"/>.
/// </summary>
public sealed record ProviderPlan(string Instance, ProviderKind Kind, string Name, ChangeAction Action, IReadOnlyList<FieldChange> Changes)
{
    public ProviderResource? Current { get; init; }
    public ProviderResource? Desired { get; init; }

    public string Describe() => Action switch
    {
        ChangeAction.NoChange => $"{Instance}: {Kind.Describe()} '{Name}' is already configured",
        ChangeAction.Create => $"{Instance}: create {Kind.Describe()} '{Name}' ({Desired?.Implementation})",
        ChangeAction.Delete => $"{Instance}: delete {Kind.Describe()} '{Name}'",
        _ => $"{Instance}: update {Kind.Describe()} '{Name}': {string.Join("; ", Changes)}",
    };
}

/// <summary>Plans provider changes from the live list (one GET) and fetches /schema only when something must be created.</summary>
public static class ProviderPlanner
{
    /// <param name="live">The collection as just fetched.</param>
    /// <param name="alsoMatches">A second way to recognise the resource when no name matches (e.g. a Prowlarr app pointing at the same URL).</param>
    public static async Task<ProviderPlan> PlanAsync(ArrClient client, IReadOnlyList<ProviderResource> live, ProviderSettings desired,
        bool rotateSecrets, CancellationToken cancellationToken, Func<ProviderResource, bool>? alsoMatches = null)
    {
        var current = live.FirstOrDefault(r => string.Equals(r.Name, desired.Name, StringComparison.OrdinalIgnoreCase))
                      ?? (alsoMatches is null ? null : live.FirstOrDefault(r => r.Implementation == desired.Implementation && alsoMatches(r)));
        if (current is null)
        {
            var schema = await client.GetSchemaAsync(desired.Kind, cancellationToken).ConfigureAwait(false);
            var template = ProviderEditor.FindTemplate(schema, desired.Kind, desired.Implementation, client.Instance.Name, desired.Template);
            var created = ProviderEditor.NewFromTemplate(template, desired);
            var fields = desired.Fields.Keys.Select(k => created.Field(k)).OfType<System.Text.Json.Nodes.JsonObject>()
                .Select(f => new FieldChange(f["name"]!.GetValue<string>(), null, ProviderResource.IsSecretField(f) ? null : ProviderResource.ToPlain(f["value"]), ProviderResource.IsSecretField(f)))
                .ToList();
            return new ProviderPlan(client.Instance.Name, desired.Kind, desired.Name, ChangeAction.Create, fields) { Desired = created };
        }

        // A template name can't be checked against a live indexer without the /schema (large, and not fetched on a converged
        // run): a named indexer is recognised by its name alone.
        if (desired.Template is null && !string.Equals(current.Implementation, desired.Implementation, StringComparison.OrdinalIgnoreCase))
            throw new StarrConfigurationException(
                $"{client.Instance.Name}: {desired.Kind.Describe()} '{current.Name}' exists as {current.Implementation}, not {desired.Implementation}. Remove it or choose another name.");

        var edited = current.Clone();
        var changes = ProviderEditor.Apply(edited, desired, rotateSecrets);
        return new ProviderPlan(client.Instance.Name, desired.Kind, desired.Name, changes.Count == 0 ? ChangeAction.NoChange : ChangeAction.Update, changes)
        {
            Current = current,
            Desired = changes.Count == 0 ? current : edited,
        };
    }

    /// <summary>Sends what the plan says; NoChange sends nothing.</summary>
    public static async Task<ProviderResource?> ApplyAsync(ArrClient client, ProviderPlan plan, bool forceSave, CancellationToken cancellationToken)
    {
        switch (plan.Action)
        {
            case ChangeAction.Create:
                return await client.CreateProviderAsync(plan.Desired!, forceSave, cancellationToken).ConfigureAwait(false);
            case ChangeAction.Update:
                return await client.UpdateProviderAsync(plan.Desired!, forceSave, cancellationToken).ConfigureAwait(false);
            case ChangeAction.Delete:
                await client.RemoveProviderAsync(plan.Kind, plan.Current!.Id, cancellationToken).ConfigureAwait(false);
                return null;
            default:
                return plan.Current;
        }
    }
}
