namespace StarrOps.Core.Kubernetes;

/// <summary>
/// The <c>Status</c> object (meta/v1) that the API server sends with every error, and that exec sends on
/// its error channel when the command ends: <c>{status, message, reason, code, details: {name, group, kind, causes}}</c>.
/// </summary>
public sealed record KubernetesStatus(string? Status, string? Message, string? Reason, int? Code, string? DetailsName, string? DetailsKind,
    string? DetailsGroup, IReadOnlyList<KubernetesStatusCause> Causes)
{
    public bool IsSuccess => string.Equals(Status, "Success", StringComparison.Ordinal);
}

/// <summary>One cause of a Status: for exec, <c>{reason: "ExitCode", message: "3"}</c> carries the exit code.</summary>
public sealed record KubernetesStatusCause(string? Reason, string? Message, string? Field);
