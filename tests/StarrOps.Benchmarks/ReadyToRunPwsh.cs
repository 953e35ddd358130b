using System.Diagnostics;

namespace StarrOps.Benchmarks;

/// <summary>
/// The official pwsh builds (the image's mcr.microsoft.com/powershell) are ReadyToRun; the PowerShell dotnet-tool package this
/// machine has is not, so its bare start JITs some 4,900 methods and every ratio against it is off. This compiles the tool's
/// main assemblies with crossgen2 (the Microsoft.NETCore.App.Crossgen2 package of this runtime, which the benchmark project
/// restores) into a copy, once, so the benchmark measures a pwsh that starts as the image's does.
/// The image's module is ReadyToRun too (<c>./build.ps1 Build -ReadyToRun</c>), for the image's .NET 8; ReadyToRun code is
/// used only on the runtime it was compiled for, so <see cref="Module"/> compiles a copy of the module for this runtime.
/// </summary>
public static class ReadyToRunPwsh
{
    private static readonly string[] Assemblies =
    [
        "System.Management.Automation", "Microsoft.PowerShell.ConsoleHost", "Microsoft.PowerShell.Commands.Utility",
        "Microsoft.PowerShell.Commands.Management", "Microsoft.PowerShell.Security", "Newtonsoft.Json", "pwsh",
        "Microsoft.ApplicationInsights", "System.Management",
    ];

    private static string Runtime => Environment.Version.ToString(3);

    private static string Framework => Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    private static string Crossgen2 => Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "microsoft.netcore.app.crossgen2.linux-x64", Runtime, "tools", "crossgen2");

    /// <summary>The pwsh.dll of a ReadyToRun copy of the pinned pwsh (made on first use beside the benchmark), or null when crossgen2 is missing.</summary>
    public static string? Find(string pwshDll)
    {
        if (!File.Exists(Crossgen2)) return null;
        var source = Path.GetDirectoryName(pwshDll)!;
        var target = Path.Combine(AppContext.BaseDirectory, "pwsh-r2r-" + Runtime);
        var done = Path.Combine(target, ".complete");
        if (File.Exists(done)) return Path.Combine(target, "pwsh.dll");
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        CopyDirectory(source, target);
        foreach (var name in Assemblies.Where(a => File.Exists(Path.Combine(source, a + ".dll"))))
            Compile(Path.Combine(source, name + ".dll"), Path.Combine(target, name + ".dll"), [Framework, source]);
        File.WriteAllText(done, Runtime);
        return Path.Combine(target, "pwsh.dll");
    }

    /// <summary>
    /// A copy of the module folder (the one holding StarrOps/&lt;version&gt;, or any other module) in <paramref name="target"/>
    /// with every assembly of its modules compiled for this runtime, as the image's are for its own; null when crossgen2 is missing.
    /// </summary>
    public static string? Module(string modules, string pwshDll, string target)
    {
        if (!File.Exists(Crossgen2)) return null;
        CopyDirectory(modules, target);
        var pwsh = Path.GetDirectoryName(pwshDll)!;
        foreach (var version in ModuleFolders(modules).SelectMany(Directory.GetDirectories))
        {
            string[] folders = [version, Path.Combine(version, "Dependencies")];
            foreach (var dll in folders.Where(Directory.Exists).SelectMany(f => Directory.GetFiles(f, "*.dll")))
                Compile(dll, Path.Combine(target, Path.GetRelativePath(modules, dll)), [Framework, pwsh, .. folders.Where(Directory.Exists)], BuildReadyToRunArguments);
        }
        return target;
    }

    /// <summary>The modules in a module folder: each subfolder with a version folder holding its manifest (build.ps1's publish/ is not one).</summary>
    public static IEnumerable<string> ModuleFolders(string modules) =>
        Directory.GetDirectories(modules).Where(m => Directory.GetDirectories(m).Any(v => File.Exists(Path.Combine(v, Path.GetFileName(m) + ".psd1"))));

    /// <summary>What <c>./build.ps1 Build -ReadyToRun</c> adds to crossgen2's arguments (PublishReadyToRunCrossgen2ExtraArgs).</summary>
    private static readonly string[] BuildReadyToRunArguments = ["--opt-cross-module:*"];

    private static void Compile(string input, string output, IEnumerable<string> referenceFolders, IEnumerable<string>? extra = null)
    {
        var start = new ProcessStartInfo(Crossgen2) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var folder in referenceFolders)
        {
            start.ArgumentList.Add("-r");
            start.ArgumentList.Add(Path.Combine(folder, "*.dll"));
        }
        foreach (var arg in (string[])["--targetos", "linux", "--targetarch", "x64", "-O", .. extra ?? [], input, "-o", output]) start.ArgumentList.Add(arg);
        File.Delete(output);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"crossgen2 {Path.GetFileName(input)}: {error}");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var directory in Directory.GetDirectories(from)) CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
    }
}
