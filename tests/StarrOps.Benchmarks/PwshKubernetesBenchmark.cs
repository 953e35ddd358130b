using System.Diagnostics;
using System.Globalization;
using System.Text;
using StarrOps.TestKit;
using StarrOps.TestKit.Kubernetes;
using StarrOps.TestKit.Real;

namespace StarrOps.Benchmarks;

/// <summary>
/// What the two Kubernetes-heavy CronJob commands cost in the real pwsh, inside the vpn-check CronJob's limits
/// (deploy/overlays/vpn-check: cpu 500m, memory 128Mi; 200m before decision 0004): <c>Get-StarrInstance -Namespace media</c> and
/// <c>Test-StarrVpnRoute</c>, each a fresh pwsh process against the fake API server (seeded media stack, exec
/// answering each pod's egress IP), an emulated Gluetun and, when installed, the real qbittorrent-nox.
/// Runs <see cref="JobLimits"/> and prints its wall s, CPU s and peak MiB (median of the samples).
/// </summary>
public static class PwshKubernetesBenchmark
{
    private const string VpnIp = "203.0.113.7";
    private const string ClusterIp = "198.51.100.20";

    public static async Task<int> RunAsync(string[] args)
    {
        var module = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.GetFullPath("out/StarrOps");
        var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var pwsh = JobLimits.FindPwsh();
        if (pwsh is null || !File.Exists(JobLimits.Script))
        {
            Console.Error.WriteLine($"needs the local pwsh tool (dotnet tool restore) and {JobLimits.Script}");
            return 2;
        }

        await using var server = await FakeKubernetesApiServer.StartAsync();
        FakeMediaStack.Seed(server);
        foreach (var (pod, ip) in (ReadOnlySpan<(string, string)>)[("qbittorrent-0", VpnIp), ("sonarr-0", ClusterIp)])
        {
            server.SetExecHandler(FakeMediaStack.Namespace, pod, async (request, _, stdout, _) =>
            {
                await stdout.WriteAsync(Encoding.UTF8.GetBytes(ip + "\n"));
                return 0;
            });
        }
        await using var gluetun = new EmulatedGluetun(new EmulatedGluetunOptions { ApiKey = "gluetun-bench-key" }) { PublicIp = VpnIp };
        await gluetun.StartAsync();
        QBittorrentNoxServer? qbittorrent = QBittorrentNoxServer.IsAvailable ? await QBittorrentNoxServer.StartAsync() : null;
        var directory = Directory.CreateTempSubdirectory("starrops-bench-");
        try
        {
            var kubeconfig = server.WriteKubeconfig(Path.Combine(directory.FullName, "kubeconfig"));
            var environment = new Dictionary<string, string>
            {
                ["KUBECONFIG"] = kubeconfig,
                ["HOME"] = directory.FullName,
                ["GLUETUN_URL"] = gluetun.BaseAddress,
                ["GLUETUN_API_KEY"] = "gluetun-bench-key",
            };
            if (qbittorrent is not null)
            {
                environment["QBITTORRENT_URL"] = qbittorrent.Url.ToString();
                environment["QBITTORRENT_USERNAME"] = qbittorrent.Username;
                environment["QBITTORRENT_PASSWORD"] = qbittorrent.Password;
            }
            Console.WriteLine($"pwsh in the vpn-check CronJob's limits (cpu 500m, memory 128Mi), {samples} fresh processes each, median; module {module}");
            Console.WriteLine($"{"command",-40} {"wall s",8} {"cpu s",8} {"peak MiB",9} {"exit",5}");
            var failed = false;
            // qbittorrent-nox here listens on the loopback interface: that is its "tunnel" (the check's result is not what is measured).
            var vpn = qbittorrent is null ? "Test-StarrVpnRoute" : "Test-StarrVpnRoute -TunnelInterface lo";
            foreach (var command in (string[])["Get-StarrInstance -Namespace media", vpn])
            {
                var runs = new List<LimitedRun>();
                for (var i = 0; i < samples; i++)
                {
                    var script = $"$ErrorActionPreference = 'Stop'; Import-Module '{module}'; {command} | Out-Null";
                    var run = await JobLimits.RunAsync([.. pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script], environment, 500, 128,
                        ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]);
                    runs.Add(run);
                    if (run.ExitCode != 0) Console.Error.WriteLine($"{command} exited {run.ExitCode} (oom kills {run.OomKills}): {run.Stderr}");
                }
                Console.WriteLine(FormattableString.Invariant(
                    $"{command,-40} {JobLimits.Median(runs.Select(r => r.WallSeconds)),8:0.00} {JobLimits.Median(runs.Select(r => r.CpuSeconds)),8:0.00} {JobLimits.Median(runs.Select(r => r.PeakMiB)),9:0} {JobLimits.Median(runs.Select(r => (double)r.ExitCode)),5:0}"));
                failed |= runs.Any(r => r.ExitCode != 0 || r.OomKills != 0);
            }
            return failed ? 1 : 0;
        }
        finally
        {
            if (qbittorrent is not null) await qbittorrent.DisposeAsync();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }
}
