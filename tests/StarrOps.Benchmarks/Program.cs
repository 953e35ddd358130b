using StarrOps.Benchmarks;

// dotnet run -c Release --project tests/StarrOps.Benchmarks -- [load|load-child <dir>|backup [MiB...]|reconcile|pwsh-kubernetes [module [samples]]|pwsh-cronjob [modules [samples] [NAME=VALUE...]]|pwsh-cronjob-phases [modules [samples]]|pwsh-cronjob-serve [envfile [modules]]|all]
var command = args.Length > 0 ? args[0] : "all";
return command switch
{
    "load-child" => LoadBenchmark.Child(args[1]),
    "load" => LoadBenchmark.Run(args.Length > 1 ? args[1..] : []),
    "backup" => await BackupBenchmark.RunAsync(args.Length > 1 ? args[1..] : []),
    "reconcile" => await ReconcileBenchmarkEntry.RunAsync(),
    "pwsh-kubernetes" => await PwshKubernetesBenchmark.RunAsync(args.Length > 1 ? args[1..] : []),
    "pwsh-cronjob" => await PwshCronJobBenchmark.RunAsync(args.Length > 1 ? args[1..] : []),
    "pwsh-cronjob-phases" => await PwshCronJobPhases.RunAsync(args.Length > 1 ? args[1..] : []),
    "pwsh-cronjob-serve" => await PwshCronJobBenchmark.ServeAsync(args.Length > 1 ? args[1..] : []),
    "all" => await All(),
    _ => Usage(),
};

static async Task<int> All()
{
    var status = LoadBenchmark.Run([]);
    return status != 0 ? status : await ReconcileBenchmarkEntry.RunAsync();
}

static int Usage()
{
    Console.Error.WriteLine("usage: StarrOps.Benchmarks [all | load [dir...] | load-child <dir> | backup [MiB...] | reconcile | pwsh-kubernetes [module [samples]] | pwsh-cronjob [modules [samples] [NAME=VALUE...]] | pwsh-cronjob-phases [modules [samples]] | pwsh-cronjob-serve [envfile [modules]]]");
    return 2;
}
