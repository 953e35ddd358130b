using StarrOps.TestKit.Kubernetes;

namespace StarrOps.TestKit.Backup;

/// <summary>
/// The controllers a restore relies on, which the fake API server does not run: a StatefulSet scaled to 0 loses its
/// pod and gets it back when scaled up again, and a Job gets a running pod (labelled <c>job-name</c>) whose exec is
/// served by the same <see cref="FakeConfigVolume"/> as the app — it mounts the same claim.
/// </summary>
public sealed class FakeWorkloadController : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FakeWorkloadController(FakeKubernetesApiServer server, string @namespace, string statefulSet, string pod, FakeConfigVolume volume)
    {
        var original = (JsonObject)server.Get(FakeResourceCatalog.Pods, @namespace, pod)!.DeepClone();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var replicas = server.Get(FakeResourceCatalog.StatefulSets, @namespace, statefulSet)?["spec"]?["replicas"]?.GetValue<int>() ?? 1;
                var exists = server.Get(FakeResourceCatalog.Pods, @namespace, pod) is not null;
                if (replicas == 0 && exists)
                {
                    server.Objects.Delete(FakeResourceCatalog.Pods, @namespace, pod);
                    PodDeletions++;
                }
                else if (replicas > 0 && !exists)
                {
                    var again = (JsonObject)original.DeepClone();
                    ((JsonObject)again["metadata"]!).Remove("resourceVersion");
                    ((JsonObject)again["metadata"]!).Remove("uid");
                    server.Add(again);
                }
                foreach (var job in server.Objects.List(FakeResourceCatalog.Jobs, @namespace))
                {
                    var name = job["metadata"]!["name"]!.GetValue<string>();
                    var helper = name + "-x1";
                    if (server.Get(FakeResourceCatalog.Pods, @namespace, helper) is not null) continue;
                    server.Add(FakeKubernetesObjects.NewPod(@namespace, helper, new Dictionary<string, string> { ["job-name"] = name },
                        [new FakeContainerSpec("restore", "busybox:1.36", null, [("config", "/restore")])], owner: ("Job", name)));
                    volume.Attach(server, @namespace, helper);
                    HelperJobs.Add(job);
                }
                try { await Task.Delay(20, _stop.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    public int PodDeletions { get; private set; }

    /// <summary>The Jobs a helper pod was started for (their manifests as created).</summary>
    public System.Collections.Concurrent.ConcurrentBag<JsonObject> HelperJobs { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
