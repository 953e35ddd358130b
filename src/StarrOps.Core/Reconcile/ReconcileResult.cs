using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Reconcile;

public enum ChangeStatus
{
    Applied,
    Failed,
    /// <summary>Not attempted because something it needs failed first (its app is down, its tag was not created): the run fails.</summary>
    Skipped,
    /// <summary>ShouldProcess said no (-WhatIf, or -Confirm answered No).</summary>
    NotApproved,
    /// <summary>Had nothing to do after all (the indexer sync when no application was saved).</summary>
    NotNeeded,
}

/// <summary>What happened to one planned change.</summary>
public sealed record ChangeOutcome(ReconcileChange Change, ChangeStatus Status)
{
    public string Instance => Change.Instance;
    public StarrResourceType ResourceType => Change.ResourceType;
    public string Name => Change.Name;
    public ChangeAction Action => Change.Action;
    /// <summary>Why it failed or was skipped (no secrets).</summary>
    public string? Error { get; init; }
    /// <summary>Why it was skipped, in a few words for the log line ("sonarr unreachable", "not approved").</summary>
    public string? Reason { get; init; }
    public string? ErrorId { get; init; }
    /// <summary>The API's validation failures, field by field, when it answered 400.</summary>
    public IReadOnlyList<StarrValidationFailure> Failures { get; init; } = [];
}

public enum InstanceOutcome
{
    /// <summary>Nothing needed changing.</summary>
    Converged,
    /// <summary>Changes were applied, none failed.</summary>
    Changed,
    /// <summary>Changes are pending that ShouldProcess did not approve.</summary>
    NotApplied,
    Failed,
    /// <summary>The readiness probe did not succeed within the wait.</summary>
    NotReady,
    /// <summary>Changes were skipped because something they need failed (their app is down); the rest was applied.</summary>
    Incomplete,
}

public sealed record InstanceResult(string Name, ServiceKind Kind, InstanceOutcome Status, string Message)
{
    public int Created { get; init; }
    public int Updated { get; init; }
    public int Deleted { get; init; }
    public int Failed { get; init; }
    /// <summary>Changes skipped because something they need failed.</summary>
    public int Skipped { get; init; }

    /// <summary>The log line: "sonarr: Already configured".</summary>
    public override string ToString() => $"{Name}: {Message}";
}

/// <summary>
/// The outcome of a reconcile: per instance, per change, and in total. The cmdlet decides the exit
/// from <see cref="Succeeded"/>, prints <see cref="Lines"/> (they read well in kubectl logs) or
/// <see cref="ToJson"/> for -OutputFormat Json. Nothing in it holds a secret.
/// </summary>
public sealed class ReconcileResult
{
    private ReconcileResult(IReadOnlyList<InstanceResult> instances, IReadOnlyList<ChangeOutcome> outcomes, IReadOnlyList<ReconcileProblem> problems, TimeSpan duration)
    {
        Instances = instances;
        Outcomes = outcomes;
        Problems = problems;
        Duration = duration;
        var counted = outcomes.Where(o => o.Status == ChangeStatus.Applied && o.ResourceType != StarrResourceType.IndexerSync).ToList();
        Created = counted.Count(o => o.Action == ChangeAction.Create);
        Updated = counted.Count(o => o.Action == ChangeAction.Update);
        Deleted = counted.Count(o => o.Action == ChangeAction.Delete);
        FailedChanges = outcomes.Count(o => o.Status == ChangeStatus.Failed);
        SkippedChanges = outcomes.Count(o => o.Status == ChangeStatus.Skipped);
        NotApplied = outcomes.Count(o => o.Status == ChangeStatus.NotApproved);
    }

    public IReadOnlyList<InstanceResult> Instances { get; }
    /// <summary>Every change that was not NoChange, with what happened to it.</summary>
    public IReadOnlyList<ChangeOutcome> Outcomes { get; }
    /// <summary>What could not be planned (instances down, unusable resource declarations).</summary>
    public IReadOnlyList<ReconcileProblem> Problems { get; }
    public TimeSpan Duration { get; }
    public int Created { get; }
    public int Updated { get; }
    public int Deleted { get; }
    public int FailedChanges { get; }
    /// <summary>Approved changes not attempted because something they need failed.</summary>
    public int SkippedChanges { get; }
    /// <summary>Changes ShouldProcess did not approve.</summary>
    public int NotApplied { get; }

    /// <summary>True when every instance was read and every approved change was applied (none skipped for a failure).</summary>
    public bool Succeeded => Problems.Count == 0 && FailedChanges == 0 && SkippedChanges == 0;

    /// <summary>The instances that failed or were not ready (an Incomplete one only waited for them).</summary>
    public IReadOnlyList<InstanceResult> FailedInstances => Instances.Where(i => i.Status is InstanceOutcome.Failed or InstanceOutcome.NotReady).ToList();

    /// <summary>"Configuration complete: 3 created, 1 updated, 0 deleted", or what failed.</summary>
    public string Summary
    {
        get
        {
            var counts = $"{Created} created, {Updated} updated, {Deleted} deleted";
            var pending = NotApplied > 0 ? $"; {NotApplied} skipped (not approved)" : "";
            if (Succeeded) return $"Configuration complete: {counts}{pending}";
            var failed = FailedInstances.Select(i => i.Name).ToList();
            var failures = FailedChanges + Problems.Count;
            var skipped = SkippedChanges > 0 ? $", {SkippedChanges} skipped" : "";
            return $"Configuration failed for {string.Join(", ", failed)}: {counts}, {failures} failed{skipped}{pending}";
        }
    }

    /// <summary>One line per instance, then the summary.</summary>
    public IReadOnlyList<string> Lines => Instances.Select(i => i.ToString()).Append(Summary).ToList();

    public string ToText() => string.Join(Environment.NewLine, Lines);

    public override string ToString() => Summary;

    /// <summary>One JSON document describing the whole run (System.Text.Json; secrets never appear).</summary>
    public string ToJson(bool indented = true)
    {
        var document = new JsonObject
        {
            ["succeeded"] = Succeeded,
            ["summary"] = Summary,
            ["durationMs"] = (long)Duration.TotalMilliseconds,
            ["created"] = Created,
            ["updated"] = Updated,
            ["deleted"] = Deleted,
            ["failed"] = FailedChanges + Problems.Count,
            ["skipped"] = SkippedChanges,
            ["notApplied"] = NotApplied,
            ["instances"] = new JsonArray(Instances.Select(i => (JsonNode)new JsonObject
            {
                ["name"] = i.Name,
                ["kind"] = i.Kind.ToString(),
                ["status"] = i.Status.ToString(),
                ["message"] = i.Message,
                ["created"] = i.Created,
                ["updated"] = i.Updated,
                ["deleted"] = i.Deleted,
                ["failed"] = i.Failed,
                ["skipped"] = i.Skipped,
            }).ToArray()),
            ["changes"] = new JsonArray(Outcomes.Select(o => (JsonNode)new JsonObject
            {
                ["instance"] = o.Instance,
                ["resourceType"] = o.ResourceType.ToString(),
                ["name"] = o.Name,
                ["action"] = o.Action.ToString(),
                ["status"] = o.Status.ToString(),
                ["origin"] = o.Change.Origin,
                ["error"] = o.Error,
                ["reason"] = o.Reason,
                ["errorId"] = o.ErrorId,
                ["failures"] = Failures(o.Failures),
                ["fields"] = new JsonArray(o.Change.Changes.Select(c => (JsonNode)new JsonObject
                {
                    ["field"] = c.Field,
                    ["old"] = c.IsSecret ? Secret.Display : ToNode(c.OldValue),
                    ["new"] = c.IsSecret ? Secret.Display : ToNode(c.NewValue),
                    ["secret"] = c.IsSecret,
                }).ToArray()),
            }).ToArray()),
            ["problems"] = new JsonArray(Problems.Select(p => (JsonNode)new JsonObject
            {
                ["instance"] = p.Instance,
                ["resourceType"] = p.ResourceType?.ToString(),
                ["name"] = p.Name,
                ["origin"] = p.Origin,
                ["message"] = p.Message,
                ["errorId"] = p.ErrorId,
                ["failures"] = Failures(p.Failures),
            }).ToArray()),
        };
        var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return SecretRegistry.Redact(text);
    }

    private static JsonArray Failures(IReadOnlyList<StarrValidationFailure> failures) =>
        new(failures.Select(f => (JsonNode)new JsonObject
        {
            ["field"] = f.PropertyName,
            ["message"] = f.ErrorMessage,
            ["isWarning"] = f.IsWarning,
        }).ToArray());

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        Secret => JsonValue.Create(Secret.Display),
        string s => JsonValue.Create(SecretRegistry.Redact(s)),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        System.Collections.IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToNode).ToArray()),
        _ => JsonValue.Create(SecretRegistry.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture))),
    };

    // ---- building ----

    internal static ReconcileResult Build(ReconcilePlan plan, IReadOnlyList<ChangeOutcome> outcomes, TimeSpan duration)
    {
        var instances = new List<InstanceResult>();
        foreach (var planned in plan.Instances)
        {
            var mine = outcomes.Where(o => string.Equals(o.Instance, planned.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var problems = plan.Problems.Where(p => string.Equals(p.Instance, planned.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            var applied = mine.Where(o => o.Status == ChangeStatus.Applied && o.ResourceType != StarrResourceType.IndexerSync).ToList();
            var created = applied.Count(o => o.Action == ChangeAction.Create);
            var updated = applied.Count(o => o.Action == ChangeAction.Update);
            var deleted = applied.Count(o => o.Action == ChangeAction.Delete);
            var failed = mine.Where(o => o.Status == ChangeStatus.Failed).ToList();
            var skipped = mine.Where(o => o.Status == ChangeStatus.Skipped).ToList();
            var notApproved = mine.Count(o => o.Status == ChangeStatus.NotApproved);
            var synced = mine.Any(o => o.ResourceType == StarrResourceType.IndexerSync && o.Status == ChangeStatus.Applied);
            var counts = $"{created} created, {updated} updated, {deleted} deleted{(synced ? "; indexers synced" : "")}";
            // "1 skipped (sonarr unreachable)": said on every line that has skips, so a log never calls skipped work configured.
            var skips = skipped.Count == 0 ? ""
                : $"{skipped.Count} skipped ({string.Join("; ", skipped.Select(o => o.Reason ?? o.Error ?? "skipped").Distinct(StringComparer.Ordinal))})";
            var notApplied = notApproved == 0 ? "" : $"{notApproved} skipped (not approved)";

            InstanceOutcome status;
            string message;
            if (!planned.Available)
            {
                status = planned.NotReady ? InstanceOutcome.NotReady : InstanceOutcome.Failed;
                message = (planned.NotReady ? "NOT READY: " : "FAILED: ") + (planned.Error ?? "unavailable");
            }
            else if (failed.Count > 0 || problems.Count > 0)
            {
                status = InstanceOutcome.Failed;
                var reasons = problems.Select(p => Strip(p.Message, planned.Name))
                    .Concat(failed.Select(o => $"{o.ResourceType.Describe()} '{o.Name}': {Strip(o.Error ?? "failed", planned.Name)}"));
                message = string.Join("; ", new[] { counts, skips, $"FAILED: {string.Join("; ", reasons)}" }.Where(p => p.Length > 0));
            }
            else if (skipped.Count > 0)
            {
                status = InstanceOutcome.Incomplete;
                message = string.Join("; ", new[] { applied.Count > 0 || synced ? counts : "", skips, notApplied }.Where(p => p.Length > 0));
            }
            else if (applied.Count > 0 || synced)
            {
                status = InstanceOutcome.Changed;
                message = counts + (notApproved > 0 ? $"; {notApplied}" : "");
            }
            else if (notApproved > 0)
            {
                status = InstanceOutcome.NotApplied;
                message = notApplied;
            }
            else
            {
                status = InstanceOutcome.Converged;
                message = "Already configured";
            }
            instances.Add(new InstanceResult(planned.Name, planned.Kind, status, SecretRegistry.Redact(message))
            {
                Created = created,
                Updated = updated,
                Deleted = deleted,
                Failed = failed.Count + problems.Count,
                Skipped = skipped.Count,
            });
        }
        return new ReconcileResult(instances, outcomes, plan.Problems, duration);
    }

    // Messages from the clients start with the instance's name; the line already does.
    private static string Strip(string message, string instance) =>
        message.StartsWith(instance + ": ", StringComparison.OrdinalIgnoreCase) ? message[(instance.Length + 2)..] : message;
}
