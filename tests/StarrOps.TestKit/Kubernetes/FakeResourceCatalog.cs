using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>A resource type the fake API server serves, with what discovery says about it.</summary>
public sealed record FakeResourceType(string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced,
    string[] ShortNames, string[] Subresources)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>How Kubernetes names the type in messages: "pods", "statefulsets.apps".</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public JsonObject Details(string? name)
    {
        var details = new JsonObject();
        if (name is not null) details["name"] = name;
        if (Group.Length > 0) details["group"] = Group;
        details["kind"] = Plural;
        return details;
    }
}

/// <summary>The resource types served, grouped like the real API (core v1, apps/v1, batch/v1, networking.k8s.io/v1).</summary>
public static class FakeResourceCatalog
{
    private static readonly string[] ObjectVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public static readonly FakeResourceType Namespaces = new("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"], []);
    public static readonly FakeResourceType Secrets = new("", "v1", "secrets", "secret", "Secret", true, [], []);
    public static readonly FakeResourceType ConfigMaps = new("", "v1", "configmaps", "configmap", "ConfigMap", true, ["cm"], []);
    public static readonly FakeResourceType Services = new("", "v1", "services", "service", "Service", true, ["svc"], []);
    public static readonly FakeResourceType Pods = new("", "v1", "pods", "pod", "Pod", true, ["po"], ["exec", "log"]);
    public static readonly FakeResourceType Deployments = new("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], ["scale"]);
    public static readonly FakeResourceType StatefulSets = new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, ["sts"], ["scale"]);
    public static readonly FakeResourceType Jobs = new("batch", "v1", "jobs", "job", "Job", true, [], []);
    public static readonly FakeResourceType CronJobs = new("batch", "v1", "cronjobs", "cronjob", "CronJob", true, ["cj"], []);
    public static readonly FakeResourceType Ingresses = new("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, ["ing"], []);

    public static readonly IReadOnlyList<FakeResourceType> All = [Namespaces, Secrets, ConfigMaps, Services, Pods, Deployments, StatefulSets, Jobs, CronJobs, Ingresses];

    public static FakeResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public static FakeResourceType? ForKind(string apiVersion, string kind) =>
        All.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);

    /// <summary>GET /api: the legacy group's versions.</summary>
    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary>GET /apis: the named groups.</summary>
    public static JsonObject Groups()
    {
        var groups = new JsonArray();
        foreach (var group in All.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
        {
            var version = group.First().Version;
            var groupVersion = new JsonObject { ["groupVersion"] = $"{group.Key}/{version}", ["version"] = version };
            groups.Add(new JsonObject
            {
                ["name"] = group.Key,
                ["versions"] = new JsonArray(groupVersion.DeepClone()),
                ["preferredVersion"] = groupVersion,
            });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    /// <summary>GET /api/v1 or /apis/{group}/{version}: the resources of one group version, or null when none.</summary>
    public static JsonObject? Resources(string group, string version)
    {
        var types = All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(ObjectVerbs.Select(v => (JsonNode?)v).ToArray()),
            };
            if (type.ShortNames.Length > 0) resource["shortNames"] = new JsonArray(type.ShortNames.Select(v => (JsonNode?)v).ToArray());
            if (type.Plural is "pods" or "services" or "deployments" or "statefulsets" or "jobs" or "cronjobs") resource["categories"] = new JsonArray("all");
            resources.Add(resource);
            foreach (var sub in type.Subresources)
            {
                var (kind, group2, version2, verbs) = sub switch
                {
                    "exec" => ("PodExecOptions", (string?)null, (string?)null, new[] { "create", "get" }),
                    "log" => ("Pod", null, null, new[] { "get" }),
                    "scale" => ("Scale", "autoscaling", "v1", new[] { "get", "patch", "update" }),
                    _ => (type.Kind, null, null, new[] { "get" }),
                };
                var subresource = new JsonObject
                {
                    ["name"] = $"{type.Plural}/{sub}",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = kind,
                    ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode?)v).ToArray()),
                };
                if (group2 is not null) subresource["group"] = group2;
                if (version2 is not null) subresource["version"] = version2;
                resources.Add(subresource);
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
