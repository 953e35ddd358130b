using System.Collections;
using System.Diagnostics;
using System.Net;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Reconcile;
using StarrOps.Core.Config;
using StarrOps.TestKit;
using StarrOps.TestKit.Real;

// Starts an emulated media stack on loopback and reconciles it the way the CronJob does.
// `./build.ps1 Demo` (the README's main command) assembles the module and runs this with STARROPS_PWSH and
// STARROPS_MODULE_PATH set: the real module in real pwsh, as the CronJob runs it. Without a pwsh it runs the same
// core in-process and prints what the cmdlet would.
await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Gluetun = false });
QBittorrentNoxServer? qbittorrent = null;
var environment = new Dictionary<string, string>(stack.Environment());
if (QBittorrentNoxServer.IsAvailable)
{
    qbittorrent = await QBittorrentNoxServer.StartAsync();
    var endpoint = new IPEndPoint(IPAddress.Loopback, qbittorrent.Url.Port);
    stack.Network.Map("qbittorrent", qbittorrent.Url.Port, endpoint);
    environment["QBITTORRENT_URL"] = qbittorrent.Url.AbsoluteUri.TrimEnd('/');
    environment["QBITTORRENT_USERNAME"] = qbittorrent.Username;
    environment["QBITTORRENT_PASSWORD"] = qbittorrent.Password;
    Console.WriteLine($"Real qBittorrent {QBittorrentNoxServer.InstalledVersion} on {qbittorrent.Url}");
}
else
{
    Console.WriteLine($"qbittorrent-nox not installed ({QBittorrentNoxServer.UnavailableReason}): the apps' download clients point at a reachable stand-in.");
    stack.Network.AddReachable("qbittorrent", 8080);
    environment["QBITTORRENT_URL"] = "http://qbittorrent:8080";
    environment["QBITTORRENT_USERNAME"] = "admin";
    environment["QBITTORRENT_PASSWORD"] = "demo-qbittorrent-password";
}
Console.WriteLine("Emulated stack: " + string.Join(", ", stack.All.Select(s => $"{s.Name} {s.Url}")));

try
{
    return FindPwsh() is { } pwsh ? RunInPwsh(pwsh, environment) : await RunInProcess(environment, stack);
}
finally
{
    if (qbittorrent is not null) await qbittorrent.DisposeAsync();
}

static string? FindPwsh() =>
    Environment.GetEnvironmentVariable("STARROPS_PWSH") is { Length: > 0 } configured ? configured :
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh")).FirstOrDefault(File.Exists);

static int RunInPwsh(string pwsh, IDictionary<string, string> environment)
{
    // The module as build.ps1 assembles it, found by autoload from PSModulePath as in the image: each step is a
    // fresh `pwsh -c StarrOps\Invoke-StarrReconcile`, exactly the CronJob's command.
    var manifest = Environment.GetEnvironmentVariable("STARROPS_MODULE_PATH");
    if (manifest is null || !File.Exists(manifest))
    {
        Console.Error.WriteLine("The built module was not found (STARROPS_MODULE_PATH): run `dotnet pwsh ./build.ps1 Demo`.");
        return 2;
    }
    var modulePath = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(manifest))))!;
    var exitCode = 0;
    foreach (var (title, command) in new[]
             {
                 (@"Plan: pwsh -c 'StarrOps\Invoke-StarrReconcile -WhatIf'", @"StarrOps\Invoke-StarrReconcile -WhatIf"),
                 (@"Apply: pwsh -c StarrOps\Invoke-StarrReconcile", @"StarrOps\Invoke-StarrReconcile"),
                 (@"Second run, converged: pwsh -c StarrOps\Invoke-StarrReconcile", @"StarrOps\Invoke-StarrReconcile"),
             })
    {
        Console.WriteLine($"\n== {title}");
        var start = new ProcessStartInfo(pwsh) { ArgumentList = { "-NoLogo", "-NoProfile", "-NonInteractive", "-c", command } };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        start.Environment["PSModulePath"] = modulePath + Path.PathSeparator + Environment.GetEnvironmentVariable("PSModulePath");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.WaitForExit();
        Console.WriteLine($"(exit code {process.ExitCode}, {clock.Elapsed.TotalSeconds:0.0} s)");
        if (process.ExitCode != 0) exitCode = process.ExitCode;
    }
    return exitCode;
}

static async Task<int> RunInProcess(IDictionary<string, string> environment, EmulatedStack stack)
{
    Console.WriteLine("pwsh not found: running the module's core in-process, as Invoke-StarrReconcile does.");
    var env = new Hashtable();
    foreach (var (key, value) in environment) env[key] = value;
    var state = DesiredStateLoader.Load(null, env);

    Console.WriteLine("\n== Plan (Invoke-StarrReconcile -WhatIf)");
    var whatIf = await new Reconciler(new ConsoleHost(approve: false)).RunAsync(state);
    Console.WriteLine(whatIf.Summary);

    Console.WriteLine("\n== Apply (Invoke-StarrReconcile)");
    var stopwatch = Stopwatch.StartNew();
    var applied = await new Reconciler(new ConsoleHost(approve: true)).RunAsync(state);
    foreach (var line in applied.Lines) Console.WriteLine(line);
    Console.WriteLine($"({stopwatch.ElapsedMilliseconds} ms)");

    foreach (var server in stack.All) server.Requests.Clear();
    Console.WriteLine("\n== Second run (converged)");
    stopwatch.Restart();
    var second = await new Reconciler(new ConsoleHost(approve: true)).RunAsync(state);
    foreach (var line in second.Lines) Console.WriteLine(line);
    var requests = stack.All.Sum(s => s.Requests.Total);
    var writes = stack.All.Sum(s => s.Requests.Writes.Count);
    Console.WriteLine($"({stopwatch.ElapsedMilliseconds} ms, {requests} requests, {writes} writes)");
    return applied.Succeeded && second.Succeeded && second.Created + second.Updated + second.Deleted == 0 ? 0 : 1;
}

/// <summary>Prints what a pwsh console shows: "What if:" lines, and the changes being made.</summary>
internal sealed class ConsoleHost(bool approve) : IStarrHost
{
    public void WriteVerbose(string message) { }
    public void WriteDebug(string message) { }
    public void WriteWarning(string message) => Console.WriteLine("WARNING: " + SecretRegistry.Redact(message));
    public void WriteProgress(StarrProgress progress) { }
    public bool ShouldProcess(string target, string action)
    {
        Console.WriteLine(approve ? $"  {target}: {action}" : $"What if: Performing the operation \"{action}\" on target \"{target}\".");
        return approve;
    }
}
