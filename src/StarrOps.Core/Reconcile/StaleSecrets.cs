using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Reconcile;

/// <summary>A provider planned from its declaration, before it becomes a <see cref="ReconcileChange"/>.</summary>
internal sealed record PlannedProvider(ProviderSettings Settings, ProviderPlan Plan, ConfigOrigin Origin, string? DependsOn = null);

/// <summary>
/// Finds stored secrets that no longer work. The apps mask secrets on GET, so comparing can't tell a rotated API key or
/// password from the one StarrOps declares; the app's own test can. One POST /{collection}/testall per collection (only
/// when a managed provider has a masked secret StarrOps knows) tests every stored provider and saves nothing. A failure on
/// the secret (or, for download clients, the login) → an update that sends the known secret again; any other failure of a
/// provider that is otherwise as declared → a problem with the app's own message, because re-sending would not fix it.
/// Indexers are tested only when the app's /indexerstatus already lists them as failing: a test searches the indexer's site.
/// </summary>
internal static class StaleSecrets
{
    public const string TestFailedErrorId = "StarrProviderTestFailed";

    public static async Task<IReadOnlyList<PlannedProvider>> CheckAsync(ArrClient client, ProviderKind kind, IReadOnlyList<PlannedProvider> planned,
        InstancePlanBuilder plan, IStarrHost host, CancellationToken cancellationToken)
    {
        var suspects = Enumerable.Range(0, planned.Count)
            .Where(i => planned[i].Plan.Current is { } current && planned[i].Plan.Action != ChangeAction.Delete && MaskedKnownSecrets(current, planned[i].Settings).Count > 0)
            .ToList();
        if (suspects.Count == 0) return planned;
        if (kind == ProviderKind.Indexer)
        {
            // Testing indexers runs a search on every indexer's site: ask first which ones the app is already backing off from.
            var failing = await client.GetFailingIndexerIdsAsync(cancellationToken).ConfigureAwait(false);
            suspects = suspects.Where(i => failing.Contains(planned[i].Plan.Current!.Id)).ToList();
            if (suspects.Count == 0) return planned;
        }

        IReadOnlyList<ProviderTestResult> results;
        try
        {
            results = await client.TestAllProvidersAsync(kind, cancellationToken).ConfigureAwait(false);
        }
        catch (StarrApiException ex)
        {
            // An app without testall (or one that fails it outright) still gets its other changes planned.
            host.WriteWarning($"{client.Instance.Name}: could not test the stored {kind.Describe()}s, so a rotated secret would go unnoticed: {ex.Message}");
            return planned;
        }

        var checkedPlans = planned.ToList();
        foreach (var index in suspects)
        {
            var suspect = planned[index];
            var current = suspect.Plan.Current!;
            if (results.FirstOrDefault(r => r.Id == current.Id) is not { IsValid: false } result) continue; // passed, or not tested (disabled)
            var type = StarrResourceTypes.FromProviderKind(kind);
            var secrets = MaskedKnownSecrets(current, suspect.Settings);
            if (result.Errors.Any(f => IsCredentialFailure(f, secrets)))
            {
                var edited = current.Clone();
                var changes = ProviderEditor.Apply(edited, suspect.Settings, rotateSecrets: true);
                host.WriteVerbose($"{client.Instance.Name}: {type.Describe()} '{current.Name}' fails the app's own test ({string.Join("; ", result.Errors)}); sending the declared secret again");
                checkedPlans[index] = suspect with
                {
                    Plan = suspect.Plan with { Action = ChangeAction.Update, Changes = changes, Desired = edited },
                };
            }
            else if (suspect.Plan.Action == ChangeAction.NoChange)
            {
                // With drift being fixed (a wrong port), the failure may be the drift itself: the app tests the update when it is saved.
                plan.Problem(new StarrProviderTestException(
                    $"{client.Instance.Name}'s own test of it fails: {string.Join("; ", result.Errors)}", result.Errors), type, current.Name, suspect.Origin);
            }
        }
        return checkedPlans;
    }

    /// <summary>Secret fields the live resource shows masked and the declaration gives a value for.</summary>
    private static IReadOnlyList<string> MaskedKnownSecrets(ProviderResource current, ProviderSettings settings) =>
        settings.Fields
            .Where(f => f.Value is not null && !(f.Value is string s && (s.Length == 0 || s == ProviderResource.MaskedValue)))
            .Select(f => current.Field(f.Key))
            .Where(field => field is not null && ProviderResource.IsSecretField(field) && ProviderResource.IsMasked(field["value"]))
            .Select(field => field!["name"]!.GetValue<string>())
            .ToList();

    /// <summary>
    /// The app rejects a secret StarrOps declares: the failure names that field (Prowlarr: ApiKey "API Key is invalid"), or
    /// it is a download client's login failure, which the apps report on Username ("Authentication Failure").
    /// </summary>
    private static bool IsCredentialFailure(StarrValidationFailure failure, IReadOnlyList<string> secrets) =>
        secrets.Any(s => string.Equals(s, failure.PropertyName, StringComparison.OrdinalIgnoreCase))
               || (string.Equals(failure.PropertyName, "Username", StringComparison.OrdinalIgnoreCase)
                   && secrets.Any(s => string.Equals(s, "password", StringComparison.OrdinalIgnoreCase)));
}

/// <summary>A stored provider fails the app's own test for a reason a re-sent secret would not fix (its target is down, a wrong URL).</summary>
public sealed class StarrProviderTestException(string message, IReadOnlyList<StarrValidationFailure> failures) : StarrException(message)
{
    public IReadOnlyList<StarrValidationFailure> Failures { get; } = failures;
    public override string ErrorId => StaleSecrets.TestFailedErrorId;
    public override StarrErrorCategory Category => StarrErrorCategory.ConnectionError;
}
