using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// The <c>Status</c> object (meta/v1) that the API server sends with every error, and that exec sends on
/// its error channel when the command ends: <c>{status, message, reason, code, details: {name, group, kind, causes}}</c>.
/// </summary>
public sealed record KubernetesStatus(string? Status, string? Message, string? Reason, int? Code, string? DetailsName, string? DetailsKind,
    string? DetailsGroup, IReadOnlyList<KubernetesStatusCause> Causes)
{
    public bool IsSuccess => string.Equals(Status, "Success", StringComparison.Ordinal);

    /// <summary>Parses a Status body; null when the text is empty, not JSON, or not a Status.</summary>
    public static KubernetesStatus? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text) is JsonObject obj ? FromJson(obj) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static KubernetesStatus? FromJson(JsonObject obj)
    {
        if (obj["kind"] is JsonNode kind && kind.GetValueKind() == JsonValueKind.String && kind.GetValue<string>() != "Status") return null;
        var details = obj["details"] as JsonObject;
        var causes = (details?["causes"] as JsonArray)?.OfType<JsonObject>()
            .Select(c => new KubernetesStatusCause(KubeJson.String(c, "reason"), KubeJson.String(c, "message"), KubeJson.String(c, "field")))
            .ToList() ?? [];
        return new KubernetesStatus(KubeJson.String(obj, "status"), KubeJson.String(obj, "message"), KubeJson.String(obj, "reason"),
            KubeJson.Int(obj, "code"), KubeJson.String(details, "name"), KubeJson.String(details, "kind"), KubeJson.String(details, "group"), causes);
    }
}

/// <summary>One cause of a Status: for exec, <c>{reason: "ExitCode", message: "3"}</c> carries the exit code.</summary>
public sealed record KubernetesStatusCause(string? Reason, string? Message, string? Field);
