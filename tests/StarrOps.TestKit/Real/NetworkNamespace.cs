using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace StarrOps.TestKit.Real;

/// <summary>What a bounded process run printed and how it ended.</summary>
public sealed record ProcessOutcome(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Linux network namespaces for the real-routing tests: bounded runs of <c>ip</c>/<c>nft</c>, and sockets opened
/// inside a named namespace (<c>/run/netns/NAME</c>) from this process. A socket belongs to the namespace it was
/// created in, so a dedicated thread enters the namespace (setns is per thread), creates it and leaves; the socket
/// is then used from anywhere. That lets the test process serve and connect inside namespaces without giving the
/// root namespace any of their addresses.
/// </summary>
public static class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    /// <summary>Runs a program with a hard timeout (killed when it passes); never throws for a non-zero exit.</summary>
    public static async Task<ProcessOutcome> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin).ConfigureAwait(false);
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        return new ProcessOutcome(timedOut ? -1 : process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), timedOut);
    }

    /// <summary><see cref="RunAsync"/> that throws with the command line and its stderr when it fails.</summary>
    public static async Task<string> RunCheckedAsync(string program, IReadOnlyList<string> arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var outcome = await RunAsync(program, arguments, stdin, timeout).ConfigureAwait(false);
        if (!outcome.Succeeded)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} {(outcome.TimedOut ? "timed out" : $"exited with {outcome.ExitCode}")}: {outcome.Stderr.Trim()}");
        return outcome.Stdout;
    }

    /// <summary>A socket created inside network namespace <paramref name="name"/> (as <c>ip netns add</c> named it).</summary>
    public static Socket CreateSocket(string name, AddressFamily family = AddressFamily.InterNetwork, SocketType type = SocketType.Stream, ProtocolType protocol = ProtocolType.Tcp)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var own = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(Path.Combine("/run/netns", name));
                if (setns((int)target.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns into {name} failed (errno {Marshal.GetLastPInvokeError()})");
                try
                {
                    socket = new Socket(family, type, protocol);
                }
                finally
                {
                    // The thread ends right after, but leave it where it came from anyway.
                    _ = setns((int)own.DangerousGetHandle(), CloneNewNet);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        })
        { IsBackground = true, Name = "netns " + name };
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10))) throw new TimeoutException($"creating a socket in {name} did not finish");
        return socket ?? throw new InvalidOperationException($"no socket in network namespace {name}: {failure?.Message}", failure);
    }

    /// <summary>The namespaces <c>ip netns list</c> shows.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync()
    {
        var outcome = await RunAsync("ip", ["netns", "list"]).ConfigureAwait(false);
        return outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0]).ToList();
    }

    /// <summary>Kills what still runs in the namespace (processes this fixture started there) and deletes it.</summary>
    public static async Task DeleteAsync(string name)
    {
        var pids = await RunAsync("ip", ["netns", "pids", name]).ConfigureAwait(false);
        foreach (var pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(pid, out var id)) continue;
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
        await RunAsync("ip", ["netns", "del", name]).ConfigureAwait(false);
    }

    internal static string Describe(ProcessOutcome outcome)
    {
        var text = new StringBuilder();
        text.Append(outcome.TimedOut ? "timed out" : $"exit {outcome.ExitCode}");
        if (outcome.Stderr.Trim() is { Length: > 0 } stderr) text.Append(": ").Append(stderr);
        return text.ToString();
    }
}
