using System.Globalization;
using System.Text;

namespace StarrOps.Core.Kubernetes;

/// <summary>Query options of <c>GET pods/{name}/log</c>.</summary>
public sealed record PodLogOptions(bool Follow = false, int? TailLines = null, int? SinceSeconds = null, bool Timestamps = false, bool Previous = false)
{
    internal string Query(string? container)
    {
        var query = new StringBuilder();
        if (container is not null) query.Append("&container=").Append(Uri.EscapeDataString(container));
        if (Follow) query.Append("&follow=true");
        if (TailLines is { } tail) query.Append("&tailLines=").Append(tail.ToString(CultureInfo.InvariantCulture));
        if (SinceSeconds is { } since) query.Append("&sinceSeconds=").Append(since.ToString(CultureInfo.InvariantCulture));
        if (Timestamps) query.Append("&timestamps=true");
        if (Previous) query.Append("&previous=true");
        return query.Length == 0 ? "" : "?" + query.ToString(1, query.Length - 1);
    }
}
