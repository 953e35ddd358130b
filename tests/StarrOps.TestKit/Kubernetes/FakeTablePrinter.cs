using System.Globalization;
using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// meta.k8s.io/v1 Table answers, which kubectl get prints: pods with READY/STATUS/RESTARTS/AGE like the
/// API server's own printer, other types with their name and age.
/// </summary>
internal static class FakeTablePrinter
{
    public static JsonObject Table(FakeResourceType type, IReadOnlyList<JsonObject> items, string resourceVersion)
    {
        var isPod = type == FakeResourceCatalog.Pods;
        var columns = new JsonArray(Column("Name", "string", "name", 0));
        if (isPod)
        {
            columns.Add(Column("Ready", "string", "", 0));
            columns.Add(Column("Status", "string", "", 0));
            columns.Add(Column("Restarts", "string", "", 0));
            columns.Add(Column("Age", "string", "", 0));
            columns.Add(Column("IP", "string", "", 1));
            columns.Add(Column("Node", "string", "", 1));
        }
        else
        {
            columns.Add(Column("Age", "string", "", 0));
        }
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var name = item["metadata"]?["name"]?.GetValue<string>() ?? "";
            var age = Age(item["metadata"]?["creationTimestamp"]?.GetValue<string>());
            var cells = new JsonArray(name);
            if (isPod)
            {
                var statuses = item["status"]?["containerStatuses"] as JsonArray ?? [];
                var total = (item["spec"]?["containers"] as JsonArray)?.Count ?? 0;
                var ready = statuses.Count(s => s?["ready"]?.GetValue<bool>() == true);
                var restarts = statuses.Sum(s => s?["restartCount"]?.GetValue<int>() ?? 0);
                cells.Add($"{ready}/{total}");
                cells.Add(item["status"]?["phase"]?.GetValue<string>() ?? "Pending");
                cells.Add(restarts);
                cells.Add(age);
                cells.Add(item["status"]?["podIP"]?.GetValue<string>() ?? "<none>");
                cells.Add(item["spec"]?["nodeName"]?.GetValue<string>() ?? "<none>");
            }
            else
            {
                cells.Add(age);
            }
            var partial = new JsonObject
            {
                ["kind"] = "PartialObjectMetadata",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = item["metadata"]?.DeepClone(),
            };
            rows.Add(new JsonObject { ["cells"] = cells, ["object"] = partial });
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Column(string name, string type, string format, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = name,
        ["priority"] = priority,
    };

    private static string Age(string? timestamp)
    {
        if (!DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)) return "<unknown>";
        var age = DateTimeOffset.UtcNow - created;
        return age.TotalMinutes < 2 ? $"{Math.Max(0, (int)age.TotalSeconds)}s"
            : age.TotalHours < 2 ? $"{(int)age.TotalMinutes}m"
            : age.TotalDays < 2 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
