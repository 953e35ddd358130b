using System.Globalization;

namespace StarrOps.Benchmarks;

/// <summary>
/// Where a converged CronJob run's CPU goes, phase by phase, read inside one fresh pwsh at a time: the process's CPU seconds
/// and the methods the JIT has compiled, taken after each step of a script that does what <c>-c Invoke-StarrReconcile</c>
/// does one part at a time (import, the .NET HTTP stack's first request, the first instance, the rest, a warm rerun). The
/// total from <c>getrusage</c> against bare pwsh's shows what the process start and exit cost around them. No CPU limit: a
/// limit stretches wall time, not CPU seconds.
/// </summary>
public static class PwshCronJobPhases
{
    private static readonly (string Label, string Script)[] Phases =
    [
        ("pwsh started (to the script's first line)", ""),
        ("Import-Module StarrOps: assemblies, cmdlets, format data", "Import-Module StarrOps"),
        ("the .NET HTTP stack's first GET (HttpClient, no StarrOps)",
            "$http = [Net.Http.HttpClient]::new(); $null = $http.GetStringAsync($env:SONARR_URL + '/ping').GetAwaiter().GetResult()"),
        ("Invoke-StarrReconcile -Instance sonarr: the first instance", "Invoke-StarrReconcile -Instance sonarr 6>$null"),
        ("Invoke-StarrReconcile: the other four, lines and metrics", "Invoke-StarrReconcile 6>$null"),
        ("Invoke-StarrReconcile again, all warm: the work itself", "Invoke-StarrReconcile 6>$null"),
    ];

    // Each mark prints the CPU seconds and JIT'd methods since the last one. Invariant formatting: the job's locale is not ours.
    private const string Mark = """
        $starrPhaseProcess = [Diagnostics.Process]::GetCurrentProcess(); $starrPhaseLast = @(0.0, 0)
        function StarrPhaseMark([string] $label) {
            $starrPhaseProcess.Refresh()
            $cpu = $starrPhaseProcess.TotalProcessorTime.TotalSeconds; $jit = [Runtime.JitInfo]::GetCompiledMethodCount($false)
            [Console]::Out.WriteLine([string]::Format([Globalization.CultureInfo]::InvariantCulture, "PHASE`t{0}`t{1}`t{2}", $label, $cpu - $script:starrPhaseLast[0], $jit - $script:starrPhaseLast[1]))
            $script:starrPhaseLast = @($cpu, $jit)
        }
        """;

    /// <param name="args">[module folder (the one holding StarrOps/&lt;version&gt;)] [samples]</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var modules = Path.GetFullPath(args.Length > 0 ? args[0] : "out");
        var samples = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 5;
        await using var setup = await PwshCronJobBenchmark.SetUpAsync(modules, new Dictionary<string, string>());
        if (setup is null) return 2;
        var script = Mark + "\n" + string.Join("\n", Phases.Select((p, i) => $"{p.Script}\nStarrPhaseMark {i}"));

        var phases = Phases.Select(_ => (Cpu: new List<double>(), Jit: new List<double>())).ToArray();
        var totals = new List<double>();
        var bare = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var run = await PwshCronJobBenchmark.RunAsync(setup, script, cpuMilli: null);
            if (run.ExitCode != 0) Console.Error.WriteLine($"phases: exit {run.ExitCode}: {run.Stderr}");
            foreach (var line in run.Stdout.Split('\n').Where(l => l.StartsWith("PHASE\t", StringComparison.Ordinal)))
            {
                var fields = line.Split('\t');
                var phase = phases[int.Parse(fields[1], CultureInfo.InvariantCulture)];
                phase.Cpu.Add(double.Parse(fields[2], CultureInfo.InvariantCulture));
                phase.Jit.Add(double.Parse(fields[3], CultureInfo.InvariantCulture));
            }
            totals.Add(run.CpuSeconds);
            bare.Add((await PwshCronJobBenchmark.RunAsync(setup, "1+1", cpuMilli: null)).CpuSeconds);
        }
        if (phases.Any(p => p.Cpu.Count != samples))
        {
            Console.Error.WriteLine("a phase did not report in every sample");
            return 1;
        }

        Console.WriteLine($"\nconverged run phase by phase, no CPU limit, {samples} fresh processes, medians (CPU seconds and JIT'd methods since the previous phase)");
        Console.WriteLine($"{"phase",-62} {"cpu s",7} {"JIT'd",6}");
        for (var i = 0; i < Phases.Length; i++)
            Console.WriteLine(FormattableString.Invariant($"{Phases[i].Label,-62} {JobLimits.Median(phases[i].Cpu),7:0.000} {JobLimits.Median(phases[i].Jit),6:0}"));
        var inScript = Enumerable.Range(0, samples).Select(s => phases.Sum(p => p.Cpu[s])).ToList();
        Console.WriteLine(FormattableString.Invariant($"{"after the script: exit (getrusage total minus the marks)",-62} {JobLimits.Median(totals.Zip(inScript, (t, m) => t - m)),7:0.000}"));
        Console.WriteLine(FormattableString.Invariant($"whole process {JobLimits.Median(totals):0.000} s; bare pwsh -c 1+1 {JobLimits.Median(bare):0.000} s in the same run"));
        return 0;
    }
}
