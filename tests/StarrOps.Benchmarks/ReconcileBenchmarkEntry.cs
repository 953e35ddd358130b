using System.Collections;
using System.Diagnostics;
using StarrOps.Core.Config;
using StarrOps.Core.Hosting;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;

namespace StarrOps.Benchmarks;

/// <summary>
/// Reconcile against the emulated stack: requests, in-process time and allocations of a converged run
/// (the hourly CronJob's common case), for the 6-service stack and for stacks of 10 to 50 instances.
/// The emulated servers run in this process, so allocation figures include their side too (an upper bound).
/// </summary>
public static class ReconcileBenchmarkEntry
{
    private const int ConvergedRuns = 20;

    public static async Task<int> RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine($"Converged reconcile (mean of {ConvergedRuns} runs after the converging one):");
        Console.WriteLine("Requests are StarrOps' own (not Prowlarr's calls into the apps while it tests its applications); tests are testall calls.");
        Console.WriteLine($"{"stack",-34} {"instances",9} {"parallel",8} {"GETs/run",9} {"tests/run",9} {"writes/run",10} {"schema/run",10} {"ms/run",8} {"alloc KiB/run",14} {"first run ms",12}");
        var status = 0;
        status |= await Measure("6 services + qBittorrent target", new EmulatedStackOptions { Gluetun = false }, 4);
        foreach (var size in new[] { 10, 25, 50 })
        {
            var sonarrs = Enumerable.Range(1, size / 2).Select(i => i == 1 ? "sonarr" : $"sonarr-{i}").ToList();
            var radarrs = Enumerable.Range(1, size - size / 2 - 1).Select(i => i == 1 ? "radarr" : $"radarr-{i}").ToList();
            var options = new EmulatedStackOptions { Sonarr = sonarrs, Radarr = radarrs, Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false };
            status |= await Measure($"{size} instances (+ prowlarr)", options, 4);
            if (size == 50) status |= await Measure($"{size} instances, sequential", options, 1);
        }
        return status;
    }

    private static async Task<int> Measure(string label, EmulatedStackOptions options, int parallelism)
    {
        await using var stack = await EmulatedStack.StartAsync(options);
        stack.Network.AddReachable("qbittorrent", 8080);
        var environment = new Hashtable();
        foreach (var (key, value) in stack.Environment()) environment[key] = value;
        environment["QBITTORRENT_URL"] = "http://qbittorrent:8080";
        environment["QBITTORRENT_USERNAME"] = "admin";
        environment["QBITTORRENT_PASSWORD"] = "benchmark-password";
        var state = DesiredStateLoader.Load(null, environment);
        var reconcilerOptions = new ReconcileOptions { MaxParallelism = parallelism };

        var first = Stopwatch.StartNew();
        var converging = await new Reconciler(NullStarrHost.Instance, reconcilerOptions).RunAsync(state);
        first.Stop();
        if (!converging.Succeeded)
        {
            Console.Error.WriteLine($"{label}: the converging run failed: {converging.Summary}");
            return 1;
        }

        foreach (var server in stack.All) server.Requests.Clear();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        for (var run = 0; run < ConvergedRuns; run++)
        {
            var result = await new Reconciler(NullStarrHost.Instance, reconcilerOptions).RunAsync(state);
            if (result.Created + result.Updated + result.Deleted > 0 || !result.Succeeded)
            {
                Console.Error.WriteLine($"{label}: run {run} was not converged: {result.Summary}");
                return 1;
            }
        }
        stopwatch.Stop();
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0 / ConvergedRuns;
        var all = stack.All.SelectMany(s => s.Requests.FromStarrOps).ToList();
        double PerRun(int count) => (double)count / ConvergedRuns;
        Console.WriteLine($"{label,-34} {stack.All.Count,9} {parallelism,8} {PerRun(all.Count(r => r.Method == "GET")),9:0.0} {PerRun(all.Count(r => r.IsTest)),9:0.0} {PerRun(all.Count(r => r.IsWrite)),10:0.0} " +
                          $"{PerRun(all.Count(r => r.Path.EndsWith("/schema", StringComparison.Ordinal))),10:0.0} {stopwatch.Elapsed.TotalMilliseconds / ConvergedRuns,8:0.0} {allocated,14:0} {first.ElapsedMilliseconds,12}");
        return 0;
    }
}
