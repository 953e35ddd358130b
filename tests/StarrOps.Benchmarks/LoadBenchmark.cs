using System.Diagnostics;
using System.Reflection;

namespace StarrOps.Benchmarks;

/// <summary>
/// What importing the module costs: each sample is a fresh process that loads StarrOps.Core.dll and
/// StarrOps.dll from a folder, touches every cmdlet type (as Import-Module does) and runs the first
/// real call of a CronJob run (reading instances from the environment), measuring wall time, the
/// memory the process gained and the bytes allocated.
/// </summary>
public static class LoadBenchmark
{
    private const int Samples = 7;

    public static int Run(string[] folders)
    {
        var dirs = folders.Length > 0 ? folders : [AppContext.BaseDirectory];
        Console.WriteLine($"Module load ({Samples} fresh processes each, median):");
        Console.WriteLine($"{"assemblies",-60} {"load+first call ms",20} {"working set +MiB",18} {"allocated KiB",14}");
        foreach (var dir in dirs)
        {
            var results = Enumerable.Range(0, Samples).Select(_ => Sample(dir)).Where(r => r is not null).Select(r => r!.Value).ToList();
            if (results.Count == 0) return 1;
            double Median(Func<(double Ms, double Mib, double Kib), double> pick) => results.Select(pick).Order().ElementAt(results.Count / 2);
            Console.WriteLine($"{dir,-60} {Median(r => r.Ms),20:0.0} {Median(r => r.Mib),18:0.00} {Median(r => r.Kib),14:0}");
        }
        return 0;
    }

    private static (double Ms, double Mib, double Kib)? Sample(string dir)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(LoadBenchmark).Assembly.Location);
        start.ArgumentList.Add("load-child");
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var parts = output.Trim().Split(' ');
        if (process.ExitCode != 0 || parts.Length != 3)
        {
            Console.Error.WriteLine($"load-child failed ({process.ExitCode}): {output} {process.StandardError.ReadToEnd()}");
            return null;
        }
        return (double.Parse(parts[0]), double.Parse(parts[1]), double.Parse(parts[2]));
    }

    /// <summary>Runs in the child process: nothing of StarrOps is loaded yet.</summary>
    public static int Child(string dir)
    {
        var process = Process.GetCurrentProcess();
        GC.Collect();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();

        var core = Assembly.LoadFrom(Path.Combine(dir, "StarrOps.Core.dll"));
        var module = Assembly.LoadFrom(Path.Combine(dir, "StarrOps.dll"));
        var cmdlets = module.GetExportedTypes().Where(t => t.Name.EndsWith("Command", StringComparison.Ordinal)).ToList();
        foreach (var type in cmdlets) System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        // The first thing a CronJob run does: read the instances from the environment.
        var source = core.GetType("StarrOps.Core.Instances.EnvironmentInstanceSource")!;
        source.GetMethod("Read")!.Invoke(null, [null]);

        stopwatch.Stop();
        process.Refresh();
        var mib = (process.WorkingSet64 - workingSetBefore) / 1048576.0;
        var kib = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 1024.0;
        Console.WriteLine(FormattableString.Invariant($"{stopwatch.Elapsed.TotalMilliseconds:0.00} {mib:0.00} {kib:0}"));
        return cmdlets.Count > 0 ? 0 : 1;
    }
}
