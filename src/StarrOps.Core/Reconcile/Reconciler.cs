using System.Collections.Concurrent;
using System.Diagnostics;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;

namespace StarrOps.Core.Reconcile;

/// <summary>
/// Makes a stack match its <see cref="DesiredState"/>: plan (instances read in parallel, a bounded
/// number at a time), ask ShouldProcess for each pending change in turn, apply the approved changes
/// in dependency order (tags, root folders, download clients and notifications, deletions; then
/// Prowlarr applications, one indexer sync; then Jellyseerr and Bazarr), instances in parallel.
/// <para>
/// Threading: parallel work never calls the host. Its messages queue up and are delivered from this
/// object's own flow, where ShouldProcess is asked too — so a cmdlet that awaits these methods on its
/// pipeline thread (or pumps them there) sees every host call there.
/// </para>
/// </summary>
public sealed class Reconciler
{
    private readonly IStarrHost _host;
    private readonly ReconcileOptions _options;

    public Reconciler(IStarrHost host, ReconcileOptions? options = null)
    {
        _host = host;
        _options = options ?? ReconcileOptions.Default;
        if (_options.MaxParallelism < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxParallelism must be at least 1.");
    }

    /// <summary>Reads every managed instance (one GET per managed collection, /schema only for creates) and works out what would change. Writes nothing.</summary>
    public async Task<ReconcilePlan> PlanAsync(DesiredState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var stopwatch = Stopwatch.StartNew();
        var session = new ReconcileSession(state, _options);
        var targets = state.Instances.Where(i => Selected(i) && Planners.Has(i.Kind) && !session[i.Name].Config.IsEmpty).ToList();
        _host.WriteVerbose($"Planning {targets.Count} {(targets.Count == 1 ? "instance" : "instances")}: {string.Join(", ", targets.Select(t => t.Name))}");

        var work = RunBoundedAsync(targets.Select(t => (Func<Task<InstancePlanBuilder>>)(() => PlanInstanceAsync(session, session[t.Name], cancellationToken))).ToList());
        var built = await session.Relay.PumpAsync(work, _host);

        var changes = built.SelectMany(b => b.Changes).ToList();
        var problems = built.SelectMany(b => b.Problems).ToList();
        var plan = new ReconcilePlan(session, built.Select(b => b.Status!).ToList(), changes, problems, stopwatch.Elapsed);
        foreach (var change in changes) _host.WriteVerbose(change.Description);
        foreach (var problem in problems) _host.WriteWarning(problem.Message);
        return plan;
    }

    /// <summary>
    /// Asks ShouldProcess for each pending change (in order, from this flow), then applies the approved
    /// ones. A failing change is reported and the rest carries on; a change whose dependency failed is skipped.
    /// </summary>
    public async Task<ReconcileResult> ApplyAsync(ReconcilePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var stopwatch = Stopwatch.StartNew();
        var session = plan.Session;
        var outcomes = new ConcurrentQueue<ChangeOutcome>();
        var approved = new List<ReconcileChange>();
        foreach (var change in plan.PendingChanges)
        {
            if (_host.ShouldProcess(SecretRegistry.Redact(change.Target), SecretRegistry.Redact(change.Operation))) approved.Add(change);
            else outcomes.Enqueue(new ChangeOutcome(change, ChangeStatus.NotApproved) { Reason = "not approved" });
        }

        try
        {
            if (approved.Count > 0)
                await session.Relay.PumpAsync(ApplyStagesAsync(session, approved, outcomes, cancellationToken), _host);
        }
        finally
        {
            session.Dispose();
        }

        // Outcomes in plan order, whatever order the parallel work finished in.
        var order = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < plan.Changes.Count; i++) order[plan.Changes[i]] = i;
        var sorted = outcomes.OrderBy(o => order.TryGetValue(o.Change, out var i) ? i : int.MaxValue).ToList();
        var result = ReconcileResult.Build(plan, sorted, plan.Duration + stopwatch.Elapsed);
        foreach (var outcome in sorted.Where(o => o.Status is ChangeStatus.Failed or ChangeStatus.Skipped))
            _host.WriteWarning($"{outcome.Change.Target}: {(outcome.Status == ChangeStatus.Skipped ? "skipped: " : "")}{outcome.Error}");
        return result;
    }

    /// <summary>Plans and applies in one go.</summary>
    public async Task<ReconcileResult> RunAsync(DesiredState state, CancellationToken cancellationToken = default) =>
        await ApplyAsync(await PlanAsync(state, cancellationToken), cancellationToken);

    // ---- planning ----

    private bool Selected(StarrInstance instance) =>
        _options.Instances is not { Count: > 0 } filter || filter.Any(pattern => Wildcard.IsMatch(instance.Name, pattern));

    private async Task<InstancePlanBuilder> PlanInstanceAsync(ReconcileSession session, InstanceSession target, CancellationToken cancellationToken)
    {
        var builder = new InstancePlanBuilder(target.Name);
        var host = session.Relay.Host;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            if (_options.WaitForReady is { } wait && !await WaitUntilReadyAsync(session, target, wait, cancellationToken).ConfigureAwait(false))
            {
                var reason = $"{target.Name} ({target.Instance.Kind}) at {target.Instance.Url} did not become ready within {wait.TotalSeconds:0.#} s.";
                target.MarkUnavailable(reason, new TimeoutException(reason));
                builder.Status = new PlannedInstance(target.Name, target.Instance.Kind) { Available = false, NotReady = true, Error = reason };
                builder.Problems.Add(new ReconcileProblem(target.Name, reason) { InstanceUnavailable = true, NotReady = true, ErrorId = "StarrNotReady", Category = StarrErrorCategory.OperationTimeout });
                return builder;
            }
            await Planners.PlanAsync(session, target, builder, cancellationToken).ConfigureAwait(false);
            builder.Status = new PlannedInstance(target.Name, target.Instance.Kind);
            host.WriteVerbose($"{target.Name}: planned in {stopwatch.ElapsedMilliseconds} ms");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The instance could not be read at all: it gets no changes, the others carry on.
            var message = SecretRegistry.Redact(ex.Message);
            target.MarkUnavailable(message, ex);
            builder.Changes.Clear();
            builder.Status = new PlannedInstance(target.Name, target.Instance.Kind) { Available = false, Error = message };
            builder.Problems.Add(new ReconcileProblem(target.Name, message.StartsWith(target.Name, StringComparison.OrdinalIgnoreCase) ? message : $"{target.Name}: {message}")
            {
                InstanceUnavailable = true,
                ErrorId = (ex as StarrException)?.ErrorId ?? "StarrUnexpectedError",
                Category = (ex as StarrException)?.Category ?? StarrErrorCategory.NotSpecified,
                Failures = (ex as StarrApiException)?.Failures ?? [],
            });
        }
        return builder;
    }

    private async Task<bool> WaitUntilReadyAsync(ReconcileSession session, InstanceSession target, TimeSpan wait, CancellationToken cancellationToken)
    {
        var host = session.Relay.Host;
        var deadline = DateTimeOffset.UtcNow + wait;
        for (var attempt = 1; ; attempt++)
        {
            string why;
            try
            {
                if (await Planners.PingAsync(session, target, cancellationToken).ConfigureAwait(false)) return true;
                why = "it is not ready yet";
            }
            catch (StarrException ex)
            {
                why = ex.Message;
            }
            if (DateTimeOffset.UtcNow + _options.ReadyPollInterval > deadline) return false;
            host.WriteVerbose($"{target.Name}: waiting for it to be ready (attempt {attempt}): {why}");
            await Task.Delay(_options.ReadyPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    // ---- applying ----

    private async Task<bool> ApplyStagesAsync(ReconcileSession session, IReadOnlyList<ReconcileChange> approved, ConcurrentQueue<ChangeOutcome> outcomes, CancellationToken cancellationToken)
    {
        foreach (var stage in approved.GroupBy(c => c.Stage).OrderBy(g => g.Key))
        {
            var groups = stage.GroupBy(c => c.Instance, StringComparer.OrdinalIgnoreCase)
                .Select(g => (Func<Task<bool>>)(() => ApplyInstanceAsync(session, session[g.Key], g.ToList(), outcomes, cancellationToken)))
                .ToList();
            await RunBoundedAsync(groups).ConfigureAwait(false);
        }
        return true;
    }

    private static async Task<bool> ApplyInstanceAsync(ReconcileSession session, InstanceSession target, IReadOnlyList<ReconcileChange> changes,
        ConcurrentQueue<ChangeOutcome> outcomes, CancellationToken cancellationToken)
    {
        var host = session.Relay.Host;
        foreach (var change in changes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (change.DependsOn is { } dependency && session.TryGet(dependency, out var needed) && needed.UnavailableReason is { } dependencyDown)
            {
                outcomes.Enqueue(new ChangeOutcome(change, ChangeStatus.Skipped) { Error = $"{dependency} is unavailable: {dependencyDown}", Reason = $"{needed.Name} {needed.UnavailableSummary}" });
                continue;
            }
            if (target.UnavailableReason is { } down)
            {
                outcomes.Enqueue(new ChangeOutcome(change, ChangeStatus.Skipped) { Error = $"{target.Name} became unavailable: {down}", Reason = $"{target.Name} {target.UnavailableSummary}" });
                continue;
            }
            try
            {
                await change.Execute!(new ApplyContext(session, target, outcomes), cancellationToken).ConfigureAwait(false);
                outcomes.Enqueue(new ChangeOutcome(change, ChangeStatus.Applied));
                host.WriteVerbose($"{change.Description}: done");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (ChangeSkippedException skipped)
            {
                outcomes.Enqueue(new ChangeOutcome(change, skipped.NothingToDo ? ChangeStatus.NotNeeded : ChangeStatus.Skipped) { Error = skipped.Message, Reason = skipped.Message });
                host.WriteVerbose($"{change.Description}: {(skipped.NothingToDo ? "not needed" : "skipped")} ({skipped.Message})");
            }
            catch (StarrException ex)
            {
                if (ex is StarrConnectionException) target.MarkUnavailable(SecretRegistry.Redact(ex.Message), ex);
                outcomes.Enqueue(new ChangeOutcome(change, ChangeStatus.Failed)
                {
                    Error = SecretRegistry.Redact(ex.Message),
                    ErrorId = ex.ErrorId,
                    Failures = (ex as StarrApiException)?.Failures ?? [],
                });
            }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or InvalidOperationException or HttpRequestException)
            {
                outcomes.Enqueue(new ChangeOutcome(change, ChangeStatus.Failed) { Error = SecretRegistry.Redact(ex.Message), ErrorId = "StarrUnexpectedError" });
            }
        }
        return true;
    }

    /// <summary>Runs the work items on the thread pool, at most MaxParallelism at once; results in input order.</summary>
    private async Task<T[]> RunBoundedAsync<T>(IReadOnlyList<Func<Task<T>>> work)
    {
        using var gate = new SemaphoreSlim(_options.MaxParallelism);
        var tasks = work.Select(async item =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                return await Task.Run(item).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}
