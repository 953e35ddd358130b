using System.Collections;
using System.Diagnostics;
using StarrOps.Core.Backup;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Backup;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Benchmarks;

/// <summary>
/// A volume backup streamed through the fake API server's exec (WebSocket, v5 channel protocol) into a store on
/// disk, then verified: throughput, and peak managed heap and working set sampled every 20 ms while it runs.
/// Run with a small and a large volume: if the backup streams, the peaks stay the same whatever the size.
/// </summary>
public static class BackupBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizesMiB = args.Length > 0 ? args.Select(long.Parse).ToArray() : [64L, 1024L];
        Console.WriteLine();
        Console.WriteLine("Volume backup through Kubernetes exec into a local store (includes hashing, manifest, and verification):");
        Console.WriteLine($"{"volume MiB",10} {"backup s",9} {"MiB/s",7} {"verify s",9} {"peak heap MiB",14} {"peak working set MiB",21} {"verified",9}");
        foreach (var size in sizesMiB) await MeasureAsync(size * 1024 * 1024);
        return 0;
    }

    private static async Task MeasureAsync(long bytes)
    {
        await using var server = await FakeKubernetesApiServer.StartAsync();
        FakeMediaStack.Seed(server);
        var volume = new FakeConfigVolume();
        volume.SetFile("qBittorrent/config/qBittorrent.conf", "[Preferences]\n"u8.ToArray());
        volume.AddGeneratedFile("qBittorrent/data/big.bin", bytes);
        volume.Attach(server, FakeMediaStack.Namespace, "qbittorrent-0");
        var directory = Path.Combine(Path.GetTempPath(), "starrops-backup-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            using var kubernetes = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(server.WriteKubeconfig(Path.Combine(directory, "kubeconfig")), environment: new Hashtable()));
            var instance = new StarrInstance("qbittorrent", ServiceKind.QBittorrent, new Uri("http://127.0.0.1:9"));
            var options = new BackupOptions
            {
                StorePath = Path.Combine(directory, "store"),
                Volume = new ConfigVolumeOptions { Kubernetes = kubernetes, Namespace = FakeMediaStack.Namespace },
            };
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var sampler = new PeakSampler();
            var clock = Stopwatch.StartNew();
            var backup = (await BackupService.BackupAsync(instance, options, NullStarrHost.Instance, CancellationToken.None))[0];
            var total = clock.Elapsed;
            // BackupAsync verified it already; verify once more on its own to split the time.
            clock.Restart();
            var verification = await BackupVerifier.VerifyAsync(backup, CancellationToken.None);
            var verify = clock.Elapsed;
            var (heap, workingSet) = sampler.Stop();
            var backupOnly = total - verify;
            var mib = bytes / 1048576.0;
            Console.WriteLine($"{mib,10:0} {backupOnly.TotalSeconds,9:0.0} {mib / backupOnly.TotalSeconds,7:0} {verify.TotalSeconds,9:0.0} {heap / 1048576.0,14:0.0} {workingSet / 1048576.0,21:0.0} {verification.Passed,9}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Samples GC.GetTotalMemory and the working set until stopped; keeps the maxima.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _heap;
        private long _workingSet;

        public PeakSampler() => _loop = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                _heap = Math.Max(_heap, GC.GetTotalMemory(false));
                process.Refresh();
                _workingSet = Math.Max(_workingSet, process.WorkingSet64);
                try { await Task.Delay(20, _stop.Token); } catch (OperationCanceledException) { }
            }
        });

        public (long Heap, long WorkingSet) Stop()
        {
            _stop.Cancel();
            _loop.GetAwaiter().GetResult();
            return (_heap, _workingSet);
        }

        public void Dispose() => _stop.Dispose();
    }
}
