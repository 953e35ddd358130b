using System.Diagnostics;
using System.Globalization;
using System.Text;
using StarrOps.TestKit;
using StarrOps.TestKit.Kubernetes;
using StarrOps.TestKit.Real;

namespace StarrOps.Benchmarks;

/// <summary>
/// What the two Kubernetes-heavy CronJob commands cost in the real pwsh, inside the vpn-check CronJob's limits
/// (deploy/overlays/vpn-check: cpu 200m, memory 128Mi): <c>Get-StarrInstance -Namespace media</c> and
/// <c>Test-StarrVpnRoute</c>, each a fresh pwsh process against the fake API server (seeded media stack, exec
/// answering each pod's egress IP), an emulated Gluetun and, when installed, the real qbittorrent-nox.
/// Runs <c>/work/shared/tools/joblimits.sh</c> (or $STARROPS_JOBLIMITS) and prints its wall s, CPU s and peak MiB (median of the samples).
/// </summary>
public static class PwshKubernetesBenchmark
{
    private const string VpnIp = "203.0.113.7";
    private const string ClusterIp = "198.51.100.20";

    public static async Task<int> RunAsync(string[] args)
    {
        var module = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.GetFullPath("out/StarrOps");
        var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var joblimits = Environment.GetEnvironmentVariable("STARROPS_JOBLIMITS") ?? "/work/shared/tools/joblimits.sh";
        var pwsh = FindPwsh();
        if (pwsh is null || !File.Exists(joblimits))
        {
            Console.Error.WriteLine($"needs the local pwsh tool (dotnet tool restore) and {joblimits}");
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
            Console.WriteLine($"pwsh in the vpn-check CronJob's limits (cpu 200m, memory 128Mi), {samples} fresh processes each, median; module {module}");
            Console.WriteLine($"{"command",-40} {"wall s",8} {"cpu s",8} {"peak MiB",9} {"exit",5}");
            var failed = false;
            // qbittorrent-nox here listens on the loopback interface: that is its "tunnel" (the check's result is not what is measured).
            var vpn = qbittorrent is null ? "Test-StarrVpnRoute" : "Test-StarrVpnRoute -TunnelInterface lo";
            foreach (var command in (string[])["Get-StarrInstance -Namespace media", vpn])
            {
                var runs = new List<double[]>();
                for (var i = 0; i < samples; i++)
                {
                    var script = $"$ErrorActionPreference = 'Stop'; Import-Module '{module}'; {command} | Out-Null";
                    var (line, error) = await RunLimitedAsync(joblimits, pwsh, script, environment);
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length != 5)
                    {
                        Console.Error.WriteLine($"{command}: joblimits printed '{line}' {error}");
                        return 1;
                    }
                    runs.Add(parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray());
                    if (parts[4] != "0") Console.Error.WriteLine($"{command} exited {parts[4]} (oom kills {parts[3]}): {error}");
                }
                double Median(int column) => runs.Select(r => r[column]).Order().ElementAt(runs.Count / 2);
                Console.WriteLine(FormattableString.Invariant($"{command,-40} {Median(0),8:0.00} {Median(1),8:0.00} {Median(2),9:0} {Median(4),5:0}"));
                failed |= runs.Any(r => r[4] != 0 || r[3] != 0);
            }
            return failed ? 1 : 0;
        }
        finally
        {
            if (qbittorrent is not null) await qbittorrent.DisposeAsync();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(string Line, string Error)> RunLimitedAsync(string joblimits, string[] pwsh, string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[joblimits, "--cpu-milli", "200", "--mem-mib", "128", "--", .. pwsh, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script])
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var name in (string[])["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (lines.LastOrDefault() ?? "", (await stderr).Trim());
    }

    /// <summary>
    /// The pinned pwsh of .config/dotnet-tools.json, run as <c>dotnet exec pwsh.dll</c>: <c>dotnet pwsh</c> would put the SDK's
    /// tool runner (a process of its own) inside the limits, which the CronJob's pwsh does not have.
    /// </summary>
    private static string[]? FindPwsh()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(packages, "powershell", "7.6.10", "tools", "net10.0", "any", "unix", "pwsh.dll");
        return File.Exists(dll) ? ["dotnet", "exec", dll] : null;
    }
}
