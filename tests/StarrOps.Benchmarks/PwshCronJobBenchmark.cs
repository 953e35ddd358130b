using System.Globalization;
using StarrOps.TestKit;

namespace StarrOps.Benchmarks;

/// <summary>
/// What the reconcile CronJob really costs: the image's command (<c>pwsh -NoLogo -NonInteractive -c StarrOps\Invoke-StarrReconcile</c>) on a converged
/// emulated stack, the module found by autoload from PSModulePath, a fresh HOME per run (the Job's emptyDir) and the
/// image's environment (deploy/image/Dockerfile), inside CPU and memory limits by joblimits.sh (cpu 200m, the limit the issue measured, then 500m as shipped and 1000m; memory 128Mi),
/// against bare pwsh in the same run and under the same limit. The steps in between say where StarrOps' share goes: command discovery and import,
/// then the run itself. Samples are interleaved so a change in the machine's load touches every row alike. pwsh is a
/// ReadyToRun copy of the pinned tool (<see cref="ReadyToRunPwsh"/>) unless STARROPS_BENCH_PLAIN_PWSH=1.
/// </summary>
public static class PwshCronJobBenchmark
{
    // First: the initializers below read it.
    private static readonly Dockerfile Image = ReadImage();

    /// <summary>
    /// The image's ENV, read from deploy/image/Dockerfile so that an idea tried there is what is measured, apart from HOME,
    /// TMPDIR and the XDG folders, which are per run (the Job's emptyDir).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ImageEnvironment { get; } = Image.FinalEnvironment
        .Where(e => e.Key is not ("HOME" or "TMPDIR") && !e.Key.StartsWith("XDG_", StringComparison.Ordinal))
        .ToDictionary(e => e.Key, e => e.Value);

    /// <summary>The script the image's CMD (and the CronJob, which a deploy test holds to it) gives <c>pwsh -c</c>.</summary>
    public static string ImageCommand { get; } = Image.Command[^1];

    private static Dockerfile ReadImage()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "StarrOps.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("StarrOps.sln not found above " + AppContext.BaseDirectory);
        return Dockerfile.Read(Path.Combine(root.FullName, "deploy", "image", "Dockerfile"));
    }

    /// <summary>Which modules a step's pwsh finds.</summary>
    private enum Modules
    {
        /// <summary>StarrOps as the image has it: ReadyToRun.</summary>
        Image,
        /// <summary>StarrOps as ./build.ps1 Build leaves it: IL only.</summary>
        Built,
        /// <summary>The floor module (StarrOps.Benchmarks.FloorModule): one cmdlet that GETs one JSON answer.</summary>
        Floor,
    }

    private sealed record Step(string Label, string Command, int? CpuMilli = 200, Modules Modules = Modules.Image);

    /// <summary>What a measurement needs: pwsh as the image starts it, the served stack, a scratch folder and the module.</summary>
    /// <param name="ImageModules">The module as the image has it: ReadyToRun, here for this runtime.</param>
    internal sealed record Setup(string[] Pwsh, string? ReadyToRun, EmulatedStack Stack, Dictionary<string, string> Environment,
        DirectoryInfo Root, string ImageModules) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stack.DisposeAsync();
            try { Root.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Finds pwsh (a ReadyToRun copy unless STARROPS_BENCH_PLAIN_PWSH=1), starts the stack and wires it once (the first run).</summary>
    /// <returns>null, after saying what is missing, when pwsh, joblimits.sh or the built module is not there.</returns>
    internal static async Task<Setup?> SetUpAsync(string modules, IReadOnlyDictionary<string, string> extra)
    {
        var (pwsh, readyToRun) = ImagePwsh();
        if (pwsh is null || !File.Exists(JobLimits.Script) || !Directory.Exists(Path.Combine(modules, "StarrOps")))
        {
            Console.Error.WriteLine($"needs the local pwsh tool (dotnet tool restore), {JobLimits.Script} and the built module in {modules}/StarrOps (./build.ps1 Build)");
            return null;
        }
        var (stack, environment) = await StartStackAsync();
        foreach (var (key, value) in extra) environment[key] = value;
        var root = Directory.CreateTempSubdirectory("starrops-cronjob-");
        var imageModules = ReadyToRunPwsh.Module(modules, pwsh[^1], Path.Combine(root.FullName, "modules-r2r")) ?? modules;
        var setup = new Setup(pwsh, readyToRun, stack, environment, root, imageModules);
        var first = await RunAsync(setup, ImageCommand, 200);
        Console.WriteLine(FormattableString.Invariant($"first wiring in the limits: {first.WallSeconds:0.0} s wall, {first.CpuSeconds:0.00} s CPU, {first.PeakMiB:0} MiB, exit {first.ExitCode}"));
        return setup;
    }

    private const string FloorCommand = "FloorModule\\Get-FloorJson \"$env:SONARR_URL/ping\" status";

    /// <summary>The floor module as a module folder (FloorModule/1.0.0: the assembly and a manifest, as StarrOps has); returns the folder.</summary>
    private static string WriteFloorModule(string folder)
    {
        var version = Directory.CreateDirectory(Path.Combine(folder, "FloorModule", "1.0.0")).FullName;
        const string assembly = "StarrOps.Benchmarks.FloorModule.dll";
        File.Copy(Path.Combine(AppContext.BaseDirectory, assembly), Path.Combine(version, assembly));
        File.WriteAllText(Path.Combine(version, "FloorModule.psd1"), $$"""
            @{
                RootModule = '{{assembly}}'
                ModuleVersion = '1.0.0'
                GUID = '0f1c8a52-6a55-4d0c-9a36-5f3b1b0e7c11'
                CmdletsToExport = @('Get-FloorJson')
                FunctionsToExport = @()
                AliasesToExport = @()
                VariablesToExport = @()
            }
            """);
        return folder;
    }

    /// <summary>
    /// The pinned pwsh as the image starts it: its ReadyToRun copy (made on first use), or the dotnet tool as it is when
    /// crossgen2 is missing or STARROPS_BENCH_PLAIN_PWSH=1; null when the tool is not restored.
    /// </summary>
    private static (string[]? Command, string? ReadyToRun) ImagePwsh()
    {
        var pwsh = JobLimits.FindPwsh();
        var readyToRun = pwsh is not null && Environment.GetEnvironmentVariable("STARROPS_BENCH_PLAIN_PWSH") != "1" ? ReadyToRunPwsh.Find(pwsh[^1]) : null;
        return (readyToRun is null ? pwsh : ["dotnet", "exec", readyToRun], readyToRun);
    }

    /// <param name="args">[module folder (the one holding StarrOps/&lt;version&gt;)] [samples] [NAME=VALUE …: extra environment, to try an idea]</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var modules = args.Length > 0 && !args[0].Contains('=') ? Path.GetFullPath(args[0]) : Path.GetFullPath("out");
        var samples = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 5;
        var extra = args.Where(a => a.Contains('=')).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        await using var setup = await SetUpAsync(modules, extra);
        if (setup is null) return 2;
        var (stack, imageModules, readyToRun) = (setup.Stack, setup.ImageModules, setup.ReadyToRun);
        var floor = WriteFloorModule(Path.Combine(setup.Root.FullName, "floor"));
        var floorModules = ReadyToRunPwsh.Module(floor, setup.Pwsh[^1], Path.Combine(setup.Root.FullName, "floor-r2r")) ?? floor; // ReadyToRun like the image's
        Step[] steps =
        [
            new("bare pwsh -c 1+1", "1+1"),
            new("pwsh -c Get-Date (a built-in module's autoload)", "$null = Get-Date"),
            new("Import-Module StarrOps", "Import-Module StarrOps"),
            new("autoload: Get-Command Invoke-StarrReconcile", "$null = Get-Command Invoke-StarrReconcile"),
            new("converged, the image's command", ImageCommand),
            // Unqualified, pwsh first searches every PATH folder for a program of that name (this machine's PATH).
            new("  the same unqualified: Invoke-StarrReconcile", "Invoke-StarrReconcile"),
            new("bare pwsh, cpu limit 500m", "1+1", CpuMilli: 500),
            new("converged, cpu limit 500m (as shipped)", ImageCommand, CpuMilli: 500),
            new("bare pwsh, cpu limit 1000m", "1+1", CpuMilli: 1000),
            new("converged, cpu limit 1000m", ImageCommand, CpuMilli: 1000),
            new("bare pwsh, no CPU limit", "1+1", CpuMilli: null),
            new("converged, no CPU limit", ImageCommand, CpuMilli: null),
            new("converged, module not ReadyToRun, no limit", ImageCommand, CpuMilli: null, Modules.Built),
            // What any binary module that reads an API pays: its import, .NET's first HTTP request and a JSON parse.
            new("floor: a one-cmdlet module GETs one JSON, no limit", FloorCommand, CpuMilli: null, Modules.Floor),
        ];
        var runs = steps.ToDictionary(s => s, _ => new List<LimitedRun>());
        var requests = new List<(int Gets, int Tests, int Writes)>();
        for (var i = 0; i < samples; i++)
        {
            foreach (var step in steps)
            {
                foreach (var server in stack.All) server.Requests.Clear();
                var run = await RunAsync(setup, step.Command, step.CpuMilli, step.Modules switch { Modules.Built => modules, Modules.Floor => floorModules, _ => imageModules });
                runs[step].Add(run);
                if (run.ExitCode != 0 || run.OomKills != 0) Console.Error.WriteLine($"{step.Label}: exit {run.ExitCode}, {run.OomKills} OOM kills: {run.Stderr}");
                if (step.Command == ImageCommand && step.CpuMilli == 200)
                {
                    var sent = stack.All.SelectMany(s => s.Requests.FromStarrOps).ToList();
                    requests.Add((sent.Count(r => r.Method == "GET"), sent.Count(r => r.IsTest), sent.Count(r => r.IsWrite)));
                }
            }
        }

        Console.WriteLine($"\npwsh in the CronJob's limits (cpu 200m, memory 128Mi unless said), {samples} fresh processes each, median; modules {modules}" +
            (imageModules == modules ? " (not ReadyToRun: crossgen2 missing)" : ", ReadyToRun for this runtime as the image's are for its own"));
        Console.WriteLine(readyToRun is null ? "pwsh: the dotnet-tool package as it is (not ReadyToRun: slower to start than the image's)" : $"pwsh: a ReadyToRun copy of the dotnet tool, as the official builds are ({readyToRun})");
        if (extra.Count > 0) Console.WriteLine("extra environment: " + string.Join(", ", extra.Select(e => $"{e.Key}={e.Value}")));
        Console.WriteLine($"{"step",-50} {"wall s",7} {"cpu s",7} {"peak MiB",9} {"cpu over bare",14}");
        // Each row against bare pwsh under the same limit: a throttled process costs more CPU seconds than a free one.
        var bare = steps.Where(s => s.Command == "1+1").ToDictionary(s => s.CpuMilli ?? 0, s => JobLimits.Median(runs[s].Select(r => r.CpuSeconds)));
        foreach (var step in steps)
        {
            var wall = JobLimits.Median(runs[step].Select(r => r.WallSeconds));
            var cpu = JobLimits.Median(runs[step].Select(r => r.CpuSeconds));
            var peak = JobLimits.Median(runs[step].Select(r => r.PeakMiB));
            var baseline = bare[step.CpuMilli ?? 0];
            Console.WriteLine(FormattableString.Invariant($"{step.Label,-50} {wall,7:0.00} {cpu,7:0.000} {peak,9:0} {cpu - baseline,+8:+0.000;-0.000} ({cpu / baseline:0.00}x)"));
        }
        var (gets, tests, writes) = requests.Count == 0 ? (0, 0, 0) : requests[^1];
        Console.WriteLine($"converged run's requests: {gets} GETs, {tests} test calls, {writes} writes (StarrOps' own, last sample)");
        return runs.Values.SelectMany(r => r).Any(r => r.ExitCode != 0 || r.OomKills != 0) ? 1 : 0;
    }

    /// <summary>The emulated stack the CronJob reconciles, and the environment a run gets (the stack's URLs and keys, the image's ENV).</summary>
    internal static async Task<(EmulatedStack Stack, Dictionary<string, string> Environment)> StartStackAsync()
    {
        var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Gluetun = false });
        stack.Network.RequireLogin("qbittorrent", 8080, "admin", "cronjob-benchmark-password");
        var environment = new Dictionary<string, string>(stack.Environment())
        {
            ["QBITTORRENT_URL"] = "http://qbittorrent:8080",
            ["QBITTORRENT_USERNAME"] = "admin",
            ["QBITTORRENT_PASSWORD"] = "cronjob-benchmark-password",
        };
        foreach (var (key, value) in ImageEnvironment) environment[key] = value;
        return (stack, environment);
    }

    /// <summary>
    /// Serves the benchmark's stack until stdin closes and writes its environment as <c>export</c> lines to
    /// <paramref name="args"/>[0], so an idea can be probed by hand in a pwsh of one's own (<c>. file; pwsh -c …</c>).
    /// With a module folder as <paramref name="args"/>[1], the file also names what the benchmark measures:
    /// STARROPS_BENCH_PWSH (the ReadyToRun pwsh.dll) and STARROPS_BENCH_MODULES (the module compiled for this runtime).
    /// </summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var file = args.Length > 0 ? args[0] : "cronjob-stack.env";
        var (stack, environment) = await StartStackAsync();
        await using var _ = stack;
        if (args.Length > 1 && ImagePwsh().ReadyToRun is { } readyToRun)
        {
            environment["STARROPS_BENCH_PWSH"] = readyToRun;
            var target = Path.Combine(Path.GetTempPath(), "starrops-cronjob-modules-r2r");
            environment["STARROPS_BENCH_MODULES"] = ReadyToRunPwsh.Module(Path.GetFullPath(args[1]), readyToRun, target) ?? Path.GetFullPath(args[1]);
        }
        await File.WriteAllLinesAsync(file, environment.Select(e => $"export {e.Key}='{e.Value.Replace("'", "'\\''")}'"));
        Console.WriteLine($"stack served; environment in {file}; close stdin to stop");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    /// <summary>
    /// One fresh pwsh as the CronJob starts it: its own HOME and XDG folders, as the Job's emptyDir gives it, and the module in
    /// the first folder of PSModulePath, as the image's /usr/local/share/powershell/Modules comes before $PSHOME/Modules.
    /// </summary>
    /// <param name="modules">The module folder to run; default the image's (ReadyToRun).</param>
    internal static Task<LimitedRun> RunAsync(Setup setup, string command, int? cpuMilli, string? modules = null)
    {
        var home = setup.Root.CreateSubdirectory("home-" + Guid.NewGuid().ToString("N")[..8]).FullName;
        var userModules = Directory.CreateDirectory(Path.Combine(home, ".local", "share", "powershell", "Modules")).FullName;
        foreach (var module in ReadyToRunPwsh.ModuleFolders(modules ?? setup.ImageModules))
            Directory.CreateSymbolicLink(Path.Combine(userModules, Path.GetFileName(module)), module);
        var run = new Dictionary<string, string>(setup.Environment)
        {
            ["HOME"] = home,
            ["TMPDIR"] = home,
            ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
        };
        return JobLimits.RunAsync([.. setup.Pwsh, "-NoLogo", "-NonInteractive", "-c", command], run, cpuMilli, 128,
            ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT", "STARR_CONFIG", "KUBECONFIG", "PSModulePath"]);
    }
}
