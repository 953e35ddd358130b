using System.Diagnostics;

namespace StarrOps.Benchmarks;

/// <summary>
/// The official pwsh builds (the image's mcr.microsoft.com/powershell) are ReadyToRun; the PowerShell dotnet-tool package this
/// machine has is not, so its bare start JITs some 4,900 methods (about 1.2 s CPU here instead of about 0.5 s) and every
/// ratio against it is off. This compiles the tool's main assemblies with crossgen2 (the Microsoft.NETCore.App.Crossgen2
/// package, restored by any <c>-p:PublishReadyToRun=true</c> publish) into a copy, once, so the benchmark measures a pwsh
/// that starts as the image's does.
/// </summary>
public static class ReadyToRunPwsh
{
    private static readonly string[] Assemblies =
    [
        "System.Management.Automation", "Microsoft.PowerShell.ConsoleHost", "Microsoft.PowerShell.Commands.Utility",
        "Microsoft.PowerShell.Commands.Management", "Microsoft.PowerShell.Security", "Newtonsoft.Json", "pwsh",
        "Microsoft.ApplicationInsights", "System.Management",
    ];

    /// <summary>The pwsh.dll of a ReadyToRun copy of the pinned pwsh (made on first use under obj/), or null when crossgen2 is missing.</summary>
    public static string? Find(string pwshDll)
    {
        var source = Path.GetDirectoryName(pwshDll)!;
        var runtime = Environment.Version.ToString(3);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var crossgen = Path.Combine(packages, "microsoft.netcore.app.crossgen2.linux-x64", runtime, "tools", "crossgen2");
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        if (!File.Exists(crossgen)) return null;
        var target = Path.Combine(AppContext.BaseDirectory, "pwsh-r2r-" + runtime);
        var done = Path.Combine(target, ".complete");
        if (File.Exists(done)) return Path.Combine(target, "pwsh.dll");
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        CopyDirectory(source, target);
        foreach (var name in Assemblies.Where(a => File.Exists(Path.Combine(source, a + ".dll"))))
        {
            var start = new ProcessStartInfo(crossgen) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])["-r", Path.Combine(framework, "*.dll"), "-r", Path.Combine(source, "*.dll"), "--targetos", "linux", "--targetarch", "x64", "-O",
                         Path.Combine(source, name + ".dll"), "-o", Path.Combine(target, name + ".dll")])
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"crossgen2 {name}: {error}");
        }
        File.WriteAllText(done, runtime);
        return Path.Combine(target, "pwsh.dll");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.GetDirectories(from)) CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
    }
}
