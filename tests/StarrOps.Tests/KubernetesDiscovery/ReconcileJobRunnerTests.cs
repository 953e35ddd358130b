using System.Net;
using StarrOps.Core.Kubernetes;
using StarrOps.Tests.Kubernetes;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.KubernetesDiscovery;

/// <summary>Start-StarrReconcileJob's core against the fake API server.</summary>
public sealed class ReconcileJobRunnerTests
{
    private const string Media = FakeMediaStack.Namespace;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Start_creates_a_manual_Job_from_the_CronJob_like_kubectl()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        var runner = new ReconcileJobRunner(client);
        var name = ReconcileJobRunner.NewJobName(FakeMediaStack.CronJobName);

        var job = await runner.StartAsync(Media, FakeMediaStack.CronJobName, name, CancellationToken.None);

        Assert.Matches("^starrops-reconcile-manual-[a-z0-9]{5}$", name);
        Assert.Equal(new StarrReconcileJob(name, Media, FakeMediaStack.CronJobName, ReconcileJobStatus.Active, null, null, null, null), job);
        var stored = cluster.Server.Get(FakeResourceCatalog.Jobs, Media, name)!;
        Assert.Equal("manual", stored["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]!.GetValue<string>());
        Assert.Equal("starrops-reconcile", stored["metadata"]!["ownerReferences"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("Invoke-StarrReconcile", stored["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]![3]!.GetValue<string>());
    }

    [Fact]
    public async Task Job_names_stay_within_the_63_character_limit()
    {
        var name = ReconcileJobRunner.NewJobName(new string('a', 80));

        Assert.True(name.Length <= 63, name);
        Assert.Matches("-manual-[a-z0-9]{5}$", name);
    }

    [Theory]
    [InlineData(true, ReconcileJobStatus.Succeeded)]
    [InlineData(false, ReconcileJobStatus.Failed)]
    public async Task Wait_returns_the_outcome_and_the_pod(bool succeeds, ReconcileJobStatus expected)
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.JobRunner = _ => (succeeds, "converged\n");
        using var client = cluster.Client();
        var runner = new ReconcileJobRunner(client) { PollInterval = Poll };

        var started = await runner.StartAsync(Media, FakeMediaStack.CronJobName, "reconcile-now", CancellationToken.None);
        var done = await runner.WaitAsync(started, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(expected, done.Status);
        Assert.StartsWith("reconcile-now-", done.Pod);
        Assert.NotNull(done.StartTime);
        if (succeeds) Assert.Null(done.Reason);
        else Assert.Equal("BackoffLimitExceeded: Job has reached the specified backoff limit", done.Reason);
    }

    [Fact]
    public async Task Wait_reports_TimedOut_when_the_Job_is_still_active()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        var runner = new ReconcileJobRunner(client) { PollInterval = Poll };
        var started = await runner.StartAsync(Media, FakeMediaStack.CronJobName, "reconcile-slow", CancellationToken.None);

        var waited = await runner.WaitAsync(started, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(ReconcileJobStatus.TimedOut, waited.Status);
    }

    [Fact]
    public async Task Follow_yields_log_lines_as_they_are_written()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        var runner = new ReconcileJobRunner(client) { PollInterval = Poll };
        var started = await runner.StartAsync(Media, FakeMediaStack.CronJobName, "reconcile-live", CancellationToken.None);
        cluster.Server.Add(FakeKubernetesObjects.NewPod(Media, "reconcile-live-abcde", new Dictionary<string, string> { ["job-name"] = "reconcile-live" },
            [new FakeContainerSpec("starrops-reconcile", "ghcr.io/starrops/starrops:0.1.0")], owner: ("Job", "reconcile-live")));
        cluster.Server.AppendPodLog(Media, "reconcile-live-abcde", "starrops-reconcile", "sonarr: no change\n");

        await using var lines = runner.FollowLogAsync(started, TimeSpan.FromSeconds(20), CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await lines.MoveNextAsync());
        var first = lines.Current;
        // The second line does not exist yet when the first arrives: the log is streamed, not read at the end.
        cluster.Server.AppendPodLog(Media, "reconcile-live-abcde", "starrops-reconcile", "radarr: 1 change applied\n");
        Assert.True(await lines.MoveNextAsync());
        var second = lines.Current;
        cluster.Server.CompletePodLog(Media, "reconcile-live-abcde", "starrops-reconcile");
        Assert.False(await lines.MoveNextAsync());

        Assert.Equal("sonarr: no change", first);
        Assert.Equal("radarr: 1 change applied", second);
    }

    [Fact]
    public async Task Follow_ends_at_the_timeout_when_no_pod_starts()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        var runner = new ReconcileJobRunner(client) { PollInterval = Poll };
        var started = await runner.StartAsync(Media, FakeMediaStack.CronJobName, "reconcile-stuck", CancellationToken.None);

        var lines = new List<string>();
        await foreach (var line in runner.FollowLogAsync(started, TimeSpan.FromMilliseconds(300), CancellationToken.None)) lines.Add(line);

        Assert.Empty(lines);
    }

    [Fact]
    public async Task A_missing_CronJob_is_a_not_found_error_naming_it()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            new ReconcileJobRunner(client).StartAsync(Media, "nope", "nope-manual-x", CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("nope", error.Name);
    }
}
