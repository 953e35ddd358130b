using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// The fake cluster's objects, stamped like the API server stamps them (uid, resourceVersion from one
/// counter, creationTimestamp, namespace, generation). Reads hand out copies; thread-safe.
/// </summary>
public sealed class FakeObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Plural, string Namespace, string Name), JsonObject> _objects = [];
    private long _resourceVersion = 1000;

    public string CurrentResourceVersion
    {
        get { lock (_gate) return _resourceVersion.ToString(CultureInfo.InvariantCulture); }
    }

    /// <summary>Adds an object; false when one of that name exists (409 AlreadyExists).</summary>
    public bool TryCreate(FakeResourceType type, JsonObject obj, out JsonObject stored)
    {
        lock (_gate)
        {
            var metadata = obj["metadata"] as JsonObject ?? [];
            obj["metadata"] = metadata;
            var name = metadata["name"]?.GetValue<string>() ?? "";
            var key = Key(type, type.Namespaced ? metadata["namespace"]?.GetValue<string>() : null, name);
            if (_objects.ContainsKey(key))
            {
                stored = _objects[key].DeepClone().AsObject();
                return false;
            }
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["resourceVersion"] = NextVersion();
            metadata["creationTimestamp"] ??= DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (obj["spec"] is not null && type.Group.Length > 0) metadata["generation"] = 1;
            _objects[key] = Ordered(obj);
            stored = _objects[key].DeepClone().AsObject();
            return true;
        }
    }

    public JsonObject? Get(FakeResourceType type, string? @namespace, string name)
    {
        lock (_gate) return _objects.TryGetValue(Key(type, @namespace, name), out var obj) ? obj.DeepClone().AsObject() : null;
    }

    public IReadOnlyList<JsonObject> List(FakeResourceType type, string? @namespace, FakeLabelSelector? selector = null)
    {
        lock (_gate)
        {
            return _objects
                .Where(p => p.Key.Plural == type.Plural && (@namespace is null || p.Key.Namespace == @namespace))
                .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => p.Value)
                .Where(o => selector is null || selector.Matches(Labels(o)))
                .Select(o => o.DeepClone().AsObject())
                .ToList();
        }
    }

    /// <summary>Changes an object in place (the change bumps resourceVersion, and generation when spec changed); null when it does not exist.</summary>
    public JsonObject? Update(FakeResourceType type, string? @namespace, string name, Action<JsonObject> change)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(Key(type, @namespace, name), out var obj)) return null;
            var specBefore = obj["spec"]?.ToJsonString();
            change(obj);
            obj["metadata"]!["resourceVersion"] = NextVersion();
            if (obj["metadata"]!["generation"] is JsonValue generation && obj["spec"]?.ToJsonString() != specBefore)
                obj["metadata"]!["generation"] = long.Parse(generation.ToJsonString(), CultureInfo.InvariantCulture) + 1;
            return obj.DeepClone().AsObject();
        }
    }

    public JsonObject? Delete(FakeResourceType type, string? @namespace, string name)
    {
        lock (_gate)
        {
            var key = Key(type, @namespace, name);
            return _objects.Remove(key, out var obj) ? obj : null;
        }
    }

    public static IReadOnlyDictionary<string, string> Labels(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String) labels[key] = v.GetValue<string>();
            }
        }
        return labels;
    }

    private string NextVersion() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static (string, string, string) Key(FakeResourceType type, string? @namespace, string name) =>
        (type.Plural, type.Namespaced ? @namespace ?? "" : "", name);

    // The API server writes apiVersion, kind, metadata, spec, status in that order; so do we.
    private static JsonObject Ordered(JsonObject obj)
    {
        var ordered = new JsonObject();
        foreach (var name in new[] { "apiVersion", "kind", "metadata" })
        {
            if (obj.ContainsKey(name)) ordered[name] = obj[name]?.DeepClone();
        }
        foreach (var (name, value) in obj)
        {
            if (!ordered.ContainsKey(name)) ordered[name] = value?.DeepClone();
        }
        return ordered;
    }
}
