using System.Diagnostics;
using System.Globalization;

namespace StarrOps.Benchmarks;

/// <summary>One process run inside CPU and memory limits by joblimits.sh (cgroups, as the kubelet sets them).</summary>
public sealed record LimitedRun(double WallSeconds, double CpuSeconds, double PeakMiB, int OomKills, int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the pinned pwsh of .config/dotnet-tools.json under <c>/work/shared/tools/joblimits.sh</c> (or $STARROPS_JOBLIMITS),
/// which prints "wall cpu peakMiB oomKills exit" as its last line.
/// </summary>
public static class JobLimits
{
    public static string Script => Environment.GetEnvironmentVariable("STARROPS_JOBLIMITS") ?? "/work/shared/tools/joblimits.sh";

    /// <summary>
    /// The pinned pwsh, run as <c>dotnet exec pwsh.dll</c>: <c>dotnet pwsh</c> would put the SDK's tool runner (a process of
    /// its own) inside the limits, which the CronJob's pwsh does not have.
    /// </summary>
    public static string[]? FindPwsh()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(packages, "powershell", "7.6.10", "tools", "net10.0", "any", "unix", "pwsh.dll");
        return File.Exists(dll) ? ["dotnet", "exec", dll] : null;
    }

    /// <param name="cpuMilli">The CPU limit in millicores; null runs without a CPU limit (memory is still measured).</param>
    public static async Task<LimitedRun> RunAsync(string[] command, IReadOnlyDictionary<string, string> environment, int? cpuMilli = 200, int memMiB = 128,
        IEnumerable<string>? removeVariables = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add("--cpu-milli");
        start.ArgumentList.Add((cpuMilli ?? 16000).ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--mem-mib");
        start.ArgumentList.Add(memMiB.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--");
        foreach (var arg in command) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var name in removeVariables ?? []) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parts = (lines.LastOrDefault() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5 || !parts.All(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new InvalidOperationException($"joblimits printed '{lines.LastOrDefault()}': {(await stderr).Trim()}");
        var n = parts.Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new LimitedRun(n[0], n[1], n[2], (int)n[3], (int)n[4], string.Join('\n', lines.SkipLast(1)), (await stderr).Trim());
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
