using System.Diagnostics;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// An <see cref="ExecHandler"/> that runs the exec'd command for real, as <c>ip netns exec NETNS COMMAND...</c>: the
/// "pod" is a network namespace, so what the command sends travels that namespace's routes. stdout and stderr are
/// streamed as the process writes them, the exit status is the process's. A program not on PATH cannot start, as in a
/// container (the client gets a Failure Status without an exit code). Bounded: killed after <c>timeout</c> (exit 124,
/// like timeout(1)). Plug it in with <see cref="FakeKubernetesApiServer.SetExecHandler"/>, or with
/// <see cref="FakeKubernetesApiServer.RunExecsInNetworkNamespace"/>.
/// </summary>
public static class NetworkNamespaceExec
{
    public static ExecHandler Handler(string networkNamespace, TimeSpan? timeout = null, Action<ExecRequest, int>? completed = null) =>
        async (request, stdin, stdout, stderr) =>
        {
            var program = request.Command[0];
            if (!program.Contains('/') && FindOnPath(program) is null)
                throw new InvalidOperationException(
                    $"failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown");
            var start = new ProcessStartInfo("ip")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["netns", "exec", networkNamespace]) start.ArgumentList.Add(argument);
            foreach (var argument in request.Command) start.ArgumentList.Add(argument);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("ip netns exec did not start");
            using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
            var pumps = new[]
            {
                process.StandardOutput.BaseStream.CopyToAsync(stdout, limit.Token),
                process.StandardError.BaseStream.CopyToAsync(stderr, limit.Token),
            };
            var feeding = FeedAsync(stdin, process.StandardInput.BaseStream, request.Stdin, limit.Token);
            int exitCode;
            try
            {
                await process.WaitForExitAsync(limit.Token);
                await Task.WhenAll(pumps);
                exitCode = process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await process.WaitForExitAsync();
                exitCode = 124;
            }
            await Task.WhenAny(feeding, Task.Delay(1000));
            completed?.Invoke(request, exitCode);
            return exitCode;
        };

    private static async Task FeedAsync(Stream from, Stream to, bool stdin, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin) await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The command stopped reading.
        }
        finally
        {
            try { to.Close(); } catch (IOException) { }
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
