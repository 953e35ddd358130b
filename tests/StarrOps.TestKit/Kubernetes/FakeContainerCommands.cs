using System.Text;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// The commands every fake container knows when a test sets no handler: <c>cat FILE...</c> (files set with
/// <see cref="FakeKubernetesApiServer.SetFile"/>, plus /etc/hostname), <c>hostname</c>, <c>echo</c>,
/// <c>true</c>, <c>false</c>, <c>sh -c "exit N"</c>. Anything else cannot start, like a missing executable.
/// </summary>
internal static class FakeContainerCommands
{
    public static async Task<int> RunAsync(ExecRequest request, Func<string, byte[]?> readFile, Stream stdout, Stream stderr)
    {
        var args = request.Command;
        switch (args[0])
        {
            case "cat":
                var exitCode = 0;
                foreach (var path in args.Skip(1))
                {
                    if (readFile(path) is { } content) await stdout.WriteAsync(content);
                    else
                    {
                        await stderr.WriteAsync(Encoding.UTF8.GetBytes($"cat: can't open '{path}': No such file or directory\n"));
                        exitCode = 1;
                    }
                }
                return exitCode;
            case "hostname":
                await stdout.WriteAsync(Encoding.UTF8.GetBytes(request.Pod + "\n"));
                return 0;
            case "echo":
                await stdout.WriteAsync(Encoding.UTF8.GetBytes(string.Join(' ', args.Skip(1)) + "\n"));
                return 0;
            case "true":
                return 0;
            case "false":
                return 1;
            case "sh" when args.Count == 3 && args[1] == "-c" && args[2].StartsWith("exit ", StringComparison.Ordinal) && int.TryParse(args[2][5..], out var code):
                return code;
            default:
                throw new InvalidOperationException(
                    $"failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{args[0]}\": executable file not found in $PATH: unknown");
        }
    }
}
