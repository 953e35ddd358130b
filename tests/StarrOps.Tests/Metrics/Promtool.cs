using System.Diagnostics;

namespace StarrOps.Tests.Metrics;

/// <summary>Runs the real promtool (Debian package 'prometheus'). Missing promtool fails the test: these checks are the point.</summary>
internal static class Promtool
{
    public static (int ExitCode, string Output) Run(string workingDirectory, string? stdin, params string[] arguments)
    {
        var path = Find() ?? throw new InvalidOperationException("promtool is not installed (apt-get install prometheus).");
        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(); throw new TimeoutException("promtool did not finish."); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
}
