namespace StarrOps.Core.Kubernetes;

/// <summary>Query options of <c>GET pods/{name}/log</c>.</summary>
public sealed record PodLogOptions(bool Follow = false, int? TailLines = null, int? SinceSeconds = null, bool Timestamps = false, bool Previous = false);
