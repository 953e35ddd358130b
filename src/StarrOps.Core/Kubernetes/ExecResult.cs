namespace StarrOps.Core.Kubernetes;

/// <summary>What a command run in a container (<see cref="KubernetesClient.ExecAsync"/>) returned: exit code, stdout and stderr as text.</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
    /// <summary>Where it ran and what, for <see cref="EnsureSuccess"/>'s message.</summary>
    public ExecTarget? Target { get; init; }

    /// <summary>Throws a <see cref="KubernetesException"/> naming the command, pod and stderr when the exit code is not 0.</summary>
    public ExecResult EnsureSuccess()
    {
        if (!Succeeded) throw ExecTarget.CommandFailed(Target, ExitCode, Stderr);
        return this;
    }
}

/// <summary>
/// What <see cref="KubernetesClient.ExecStreamAsync"/> returned: stdout went to the caller's stream
/// (<see cref="StdoutBytes"/> bytes of it); stderr is kept as text (its last 64 KiB).
/// </summary>
public sealed record ExecStreamResult(int ExitCode, long StdoutBytes, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
    public ExecTarget? Target { get; init; }

    public ExecStreamResult EnsureSuccess()
    {
        if (!Succeeded) throw ExecTarget.CommandFailed(Target, ExitCode, Stderr);
        return this;
    }
}

/// <summary>The pod, container and command of an exec.</summary>
public sealed record ExecTarget(string Namespace, string Pod, string? Container, IReadOnlyList<string> Command)
{
    internal KubernetesOperation Operation => new("create", KubernetesApiResource.Pods, Namespace, Pod, "exec");

    /// <summary><c>'cat /config/config.xml' in container "sonarr" of pod "sonarr-0" in namespace "media"</c>.</summary>
    public override string ToString() =>
        $"'{string.Join(' ', Command)}' in {(Container is null ? "" : $"container \"{Container}\" of ")}pod \"{Pod}\" in namespace \"{Namespace}\"";

    internal static KubernetesException CommandFailed(ExecTarget? target, int exitCode, string stderr)
    {
        var detail = stderr.Trim();
        if (detail.Length > 1000) detail = "…" + detail[^1000..];
        var where = target?.ToString() ?? "the command";
        var message = $"{where} exited with code {exitCode}{(detail.Length == 0 ? "." : ": " + detail)}";
        var operation = target?.Operation ?? new KubernetesOperation("create", KubernetesApiResource.Pods, null, null, "exec");
        return new KubernetesException(message, operation, KubernetesFailure.CommandFailed) { ExitCode = exitCode };
    }
}
