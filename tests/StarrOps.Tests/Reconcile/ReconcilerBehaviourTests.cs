using System.Collections;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// The reconciler's own rules, apart from what any planner decides: which instances it plans, what it tells the host,
/// how it waits for readiness, and how it applies a plan (stage order, plan-order outcomes, one failing change or
/// instance not stopping the rest, parallelism bounded). The plans are real plans of an emulated Sonarr and Radarr;
/// where a test needs a change to fail in a particular way, that change's work is swapped for one that does.
/// </summary>
public sealed class ReconcilerBehaviourTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private Hashtable _env = null!;

    private const string TwoApps = """
        standardWiring: false
        sonarr: { tags: [hd], rootFolders: [/data/media/tv] }
        radarr: { tags: [uhd], rootFolders: [/data/media/movies] }
        """;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Prowlarr = false, Jellyseerr = false, Jellyfin = false, Gluetun = false });
        _env = StackEnvironment.Of(_stack);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private DesiredState Load(string yaml) => DesiredStateLoader.Parse(yaml, _env, "stack.yaml");

    /// <summary>The same plan, with the work of the changes <paramref name="swap"/> picks replaced.</summary>
    private static ReconcilePlan Swap(ReconcilePlan plan, Func<ReconcileChange, Func<ApplyContext, CancellationToken, Task>?> swap) =>
        new(plan.Session, plan.Instances, plan.Changes.Select(c => swap(c) is { } work ? c with { Execute = work } : c).ToList(), plan.Problems, plan.Duration);

    [Fact]
    public void A_parallelism_below_one_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Reconciler(new RecordingHost(), new ReconcileOptions { MaxParallelism = 0 }));
        Assert.Contains("MaxParallelism", error.Message);
        _ = new Reconciler(new RecordingHost(), new ReconcileOptions { MaxParallelism = 1 }); // one at a time is fine
    }

    [Fact]
    public async Task Planning_says_which_instances_it_reads_and_reports_each_change_and_problem_to_the_host()
    {
        var host = new RecordingHost();
        var plan = await new Reconciler(host).PlanAsync(Load("""
            standardWiring: false
            sonarr: { rootFolders: [/data/media/tv] }
            radarr: { tags: [uhd] }
            """));

        Assert.Contains("VERBOSE: Planning 2 instances: sonarr, radarr", host.Messages);
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: sonarr: create root folder '/data/media/tv'", StringComparison.Ordinal));
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: sonarr: planned in ", StringComparison.Ordinal));

        var single = new RecordingHost();
        await new Reconciler(single).PlanAsync(Load("standardWiring: false\nsonarr: { rootFolders: [/data/media/tv] }\n"));
        Assert.Contains("VERBOSE: Planning 1 instance: sonarr", single.Messages);
        Assert.DoesNotContain(plan.Problems, p => p.Instance == "sonarr");
    }

    [Fact]
    public async Task A_planning_problem_is_written_as_a_warning()
    {
        var host = new RecordingHost();
        await _stack.Radarr.StopAsync();

        var plan = await new Reconciler(host).PlanAsync(Load(TwoApps));

        var problem = Assert.Single(plan.Problems);
        Assert.Contains($"WARNING: {problem.Message}", host.Messages);
    }

    [Fact]
    public async Task Only_selected_instances_with_something_declared_are_read()
    {
        var plan = await new Reconciler(new RecordingHost(), new ReconcileOptions { Instances = ["son*"] }).PlanAsync(Load(TwoApps));

        Assert.Equal(["sonarr"], plan.Instances.Select(i => i.Name));
        Assert.Empty(_stack.Radarr.Requests.FromStarrOps);
        Assert.NotEmpty(_stack.Sonarr.Requests.FromStarrOps);

        foreach (var server in _stack.All) server.Requests.Clear();
        var nothingForRadarr = await new Reconciler(new RecordingHost()).PlanAsync(Load("standardWiring: false\nsonarr: { tags: [hd] }\nradarr: {}\n"));
        Assert.Equal(["sonarr"], nothingForRadarr.Instances.Select(i => i.Name));
        Assert.Empty(_stack.Radarr.Requests.FromStarrOps);

        var everything = await new Reconciler(new RecordingHost(), new ReconcileOptions { Instances = [] }).PlanAsync(Load(TwoApps));
        Assert.Equal(["radarr", "sonarr"], everything.Instances.Select(i => i.Name).Order());
    }

    [Fact]
    public async Task An_instance_that_cannot_be_read_is_reported_once_by_name_with_the_errors_id()
    {
        await _stack.Radarr.StopAsync();

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));

        var problem = Assert.Single(plan.Problems);
        Assert.True(problem.InstanceUnavailable);
        Assert.Equal("StarrUnreachable", problem.ErrorId);
        Assert.Equal(StarrErrorCategory.ConnectionError, problem.Category);
        Assert.StartsWith("radarr", problem.Message);
        Assert.DoesNotContain("radarr: radarr", problem.Message); // the client's message names it already: no second prefix
        Assert.DoesNotContain(plan.Changes, c => c.Instance == "radarr");
        var radarr = Assert.Single(plan.Instances, i => i.Name == "radarr");
        Assert.False(radarr.Available);
        Assert.True(Assert.Single(plan.Instances, i => i.Name == "sonarr").Available);
    }

    [Fact]
    public async Task An_instance_that_fails_halfway_through_planning_gets_no_changes_at_all()
    {
        // Sonarr's tags are read and planned, then its root folders cannot be read: nothing half-planned may be applied.
        _stack.Sonarr.Faults.FailWithStatus(500, "/api/v3/rootfolder");

        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));

        Assert.DoesNotContain(plan.Changes, c => c.Instance == "sonarr");
        Assert.Contains(plan.Problems, p => p.Instance == "sonarr" && p.InstanceUnavailable);
        Assert.Contains(plan.Changes, c => c.Instance == "radarr" && c.ResourceType == StarrResourceType.Tag);
    }

    [Fact]
    public async Task A_missing_state_or_plan_is_an_argument_error()
    {
        var reconciler = new Reconciler(new RecordingHost());
        await Assert.ThrowsAsync<ArgumentNullException>(() => reconciler.PlanAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => reconciler.ApplyAsync(null!));
    }

    [Fact]
    public async Task An_instance_that_answers_after_a_while_is_planned_once_it_is_ready()
    {
        _stack.Sonarr.Faults.FailWithStatus(500, "/ping", times: 2); // not a status the client retries
        var host = new RecordingHost();
        var options = new ReconcileOptions { WaitForReady = TimeSpan.FromSeconds(20), ReadyPollInterval = TimeSpan.FromMilliseconds(50) };

        var plan = await new Reconciler(host, options).PlanAsync(Load("standardWiring: false\nsonarr: { tags: [hd] }\n"));

        Assert.Empty(plan.Problems);
        Assert.Contains(plan.Changes, c => c.Instance == "sonarr" && c.Action == ChangeAction.Create);
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: sonarr: waiting for it to be ready (attempt 1): ", StringComparison.Ordinal));
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: sonarr: waiting for it to be ready (attempt 2): ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Waiting_gives_up_at_the_deadline_not_after_the_next_poll()
    {
        _stack.Sonarr.Faults.FailWithStatus(500, "/ping");
        var options = new ReconcileOptions { WaitForReady = TimeSpan.FromMilliseconds(300), ReadyPollInterval = TimeSpan.FromSeconds(30) };
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var plan = await new Reconciler(new RecordingHost(), options).PlanAsync(Load("standardWiring: false\nsonarr: { tags: [hd] }\n"));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        var problem = Assert.Single(plan.Problems);
        Assert.True(problem.NotReady);
        Assert.Equal("StarrNotReady", problem.ErrorId);
        Assert.Contains("did not become ready within 0.3 s", problem.Message);
    }

    [Fact]
    public async Task Changes_are_applied_stage_by_stage_and_outcomes_come_back_in_plan_order()
    {
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));
        var started = new System.Collections.Concurrent.ConcurrentQueue<string>();
        // Sonarr's changes are slow, Radarr's fast: Radarr's finish first, the outcomes still follow the plan.
        var swapped = Swap(plan, c => async (_, token) =>
        {
            started.Enqueue($"{c.Stage}:{c.Instance}");
            if (c.Instance == "sonarr") await Task.Delay(150, token);
        });

        var result = await new Reconciler(new RecordingHost()).ApplyAsync(swapped);

        Assert.Equal(plan.PendingChanges.Select(c => c.Target), result.Outcomes.Select(o => o.Change.Target));
        Assert.All(result.Outcomes, o => Assert.Equal(ChangeStatus.Applied, o.Status));
        var stages = started.Select(s => int.Parse(s.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(stages.Order(), stages); // tags (stage 0) before root folders, whichever instance is slower
        Assert.True(stages.Distinct().Count() > 1);
    }

    [Fact]
    public async Task At_most_MaxParallelism_instances_are_written_at_once()
    {
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));
        var running = 0;
        var most = 0;
        var swapped = Swap(plan, _ => async (_, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(100, token);
            Interlocked.Decrement(ref running);
        });

        var result = await new Reconciler(new RecordingHost(), new ReconcileOptions { MaxParallelism = 1 }).ApplyAsync(swapped);

        Assert.All(result.Outcomes, o => Assert.Equal(ChangeStatus.Applied, o.Status));
        Assert.Equal(1, most);

        static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Fact]
    public async Task Instances_are_written_in_parallel_when_allowed()
    {
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));
        using var bothInside = new CountdownEvent(2);
        var swapped = Swap(plan, c => c.ResourceType == StarrResourceType.Tag
            ? (_, token) => Task.Run(() =>
            {
                bothInside.Signal();
                // Each instance's tag waits for the other's: only parallel work gets past this.
                if (!bothInside.Wait(TimeSpan.FromSeconds(10), token)) throw new InvalidOperationException("the other instance's change never started");
            }, token)
            : null);

        var result = await new Reconciler(new RecordingHost(), new ReconcileOptions { MaxParallelism = 2 }).ApplyAsync(swapped);

        Assert.All(result.Outcomes, o => Assert.Equal(ChangeStatus.Applied, o.Status));
    }

    [Fact]
    public async Task A_change_that_fails_is_reported_with_its_error_and_the_other_changes_are_applied()
    {
        var host = new RecordingHost();
        var plan = await new Reconciler(host).PlanAsync(Load(TwoApps));
        var swapped = Swap(plan, c => c.Instance == "sonarr" && c.ResourceType == StarrResourceType.Tag
            ? (_, _) => throw new InvalidOperationException("tag store is read-only")
            : null);

        var result = await new Reconciler(host).ApplyAsync(swapped);

        var failed = Assert.Single(result.Outcomes, o => o.Status == ChangeStatus.Failed);
        Assert.Equal(("sonarr", StarrResourceType.Tag), (failed.Instance, failed.ResourceType));
        Assert.Equal("tag store is read-only", failed.Error);
        Assert.Equal("StarrUnexpectedError", failed.ErrorId);
        Assert.Contains("WARNING: sonarr: tag 'hd': tag store is read-only", host.Messages);
        Assert.Equal(3, result.Outcomes.Count(o => o.Status == ChangeStatus.Applied)); // sonarr's root folder still goes ahead
        Assert.Contains(_stack.Sonarr.RootFolders, r => r.GetString("path") == "/data/media/tv");
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task A_connection_lost_mid_apply_skips_that_instances_later_changes_only()
    {
        var host = new RecordingHost();
        var plan = await new Reconciler(host).PlanAsync(Load(TwoApps));
        var sonarrUrl = plan.State.FindInstance("sonarr")!.Url;
        var swapped = Swap(plan, c => c.Instance == "sonarr" && c.ResourceType == StarrResourceType.Tag
            ? (_, _) => throw new StarrConnectionException("sonarr", sonarrUrl, "sonarr at " + sonarrUrl + " is unreachable (connection reset).", timedOut: false)
            : null);

        var result = await new Reconciler(host).ApplyAsync(swapped);

        var sonarr = result.Outcomes.Where(o => o.Instance == "sonarr").ToList();
        Assert.Equal([ChangeStatus.Failed, ChangeStatus.Skipped], sonarr.Select(o => o.Status));
        Assert.StartsWith("sonarr became unavailable: sonarr at ", sonarr[1].Error);
        Assert.Contains(host.Messages, m => m.StartsWith("WARNING: sonarr: root folder '/data/media/tv': skipped: sonarr became unavailable", StringComparison.Ordinal));
        Assert.All(result.Outcomes.Where(o => o.Instance == "radarr"), o => Assert.Equal(ChangeStatus.Applied, o.Status));
        Assert.Empty(_stack.Sonarr.RootFolders);
    }

    [Fact]
    public async Task A_change_with_nothing_left_to_do_is_not_needed_and_one_that_cannot_go_ahead_is_skipped()
    {
        var host = new RecordingHost();
        var plan = await new Reconciler(host).PlanAsync(Load(TwoApps));
        var swapped = Swap(plan, c => (c.Instance, c.ResourceType) switch
        {
            ("sonarr", StarrResourceType.Tag) => (_, _) => throw new ChangeSkippedException("it exists already", nothingToDo: true),
            ("radarr", StarrResourceType.Tag) => (_, _) => throw new ChangeSkippedException("its tag store is locked"),
            _ => null,
        });

        var result = await new Reconciler(host).ApplyAsync(swapped);

        var notNeeded = Assert.Single(result.Outcomes, o => o.Instance == "sonarr" && o.ResourceType == StarrResourceType.Tag);
        Assert.Equal((ChangeStatus.NotNeeded, "it exists already", "it exists already"), (notNeeded.Status, notNeeded.Error, notNeeded.Reason));
        var skipped = Assert.Single(result.Outcomes, o => o.Instance == "radarr" && o.ResourceType == StarrResourceType.Tag);
        Assert.Equal((ChangeStatus.Skipped, "its tag store is locked"), (skipped.Status, skipped.Reason));
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: sonarr: create tag 'hd'", StringComparison.Ordinal) && m.EndsWith(": not needed (it exists already)", StringComparison.Ordinal));
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: radarr: create tag 'uhd'", StringComparison.Ordinal) && m.EndsWith(": skipped (its tag store is locked)", StringComparison.Ordinal));
        Assert.Contains("WARNING: radarr: tag 'uhd': skipped: its tag store is locked", host.Messages);
        Assert.DoesNotContain(host.Messages, m => m.StartsWith("WARNING: sonarr", StringComparison.Ordinal));
        Assert.Contains(host.Messages, m => m.StartsWith("VERBOSE: sonarr: create root folder '/data/media/tv'", StringComparison.Ordinal) && m.EndsWith(": done", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_change_whose_dependency_went_down_while_planning_is_skipped_with_the_reason()
    {
        // Radarr's tag depends on Sonarr (as a Prowlarr application depends on its app); Sonarr cannot be read.
        await _stack.Sonarr.StopAsync();
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));
        var ran = false;
        var dependent = new ReconcilePlan(plan.Session, plan.Instances,
            plan.Changes.Select(c => c.Instance == "radarr" && c.ResourceType == StarrResourceType.Tag
                ? c with { DependsOn = "sonarr", Execute = (_, _) => { ran = true; return Task.CompletedTask; } }
                : c).ToList(), plan.Problems, plan.Duration);

        var result = await new Reconciler(new RecordingHost()).ApplyAsync(dependent);

        var skipped = Assert.Single(result.Outcomes, o => o.Instance == "radarr" && o.ResourceType == StarrResourceType.Tag);
        Assert.Equal(ChangeStatus.Skipped, skipped.Status);
        Assert.StartsWith("sonarr is unavailable: ", skipped.Error);
        Assert.StartsWith("sonarr ", skipped.Reason);
        Assert.False(ran);
        Assert.Contains(result.Outcomes, o => o.Instance == "radarr" && o.ResourceType == StarrResourceType.RootFolder && o.Status == ChangeStatus.Applied);
    }

    [Fact]
    public async Task Nothing_approved_writes_nothing_and_reports_every_change_not_approved()
    {
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(Load(TwoApps));
        var ran = 0;
        var swapped = Swap(plan, _ => (_, _) => { Interlocked.Increment(ref ran); return Task.CompletedTask; });

        var result = await new Reconciler(new RecordingHost(approve: false)).ApplyAsync(swapped);

        Assert.Equal(0, ran);
        Assert.All(result.Outcomes, o => Assert.Equal((ChangeStatus.NotApproved, "not approved"), (o.Status, o.Reason)));
        Assert.Equal(plan.PendingChanges.Count, result.Outcomes.Count);
    }
}
