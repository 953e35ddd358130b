using System.Text;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>The metadata every object has.</summary>
public sealed record KubeObjectMeta(string Name, string? Namespace, string? Uid, string? ResourceVersion, DateTimeOffset? CreationTimestamp,
    IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations)
{
    internal static KubeObjectMeta From(JsonNode? obj)
    {
        var meta = obj?["metadata"];
        return new KubeObjectMeta(KubeJson.String(meta, "name") ?? "", KubeJson.String(meta, "namespace"), KubeJson.String(meta, "uid"),
            KubeJson.String(meta, "resourceVersion"), KubeJson.Time(meta, "creationTimestamp"), KubeJson.StringMap(meta, "labels"),
            KubeJson.StringMap(meta, "annotations"));
    }
}

/// <summary>A Secret with its values decoded from base64 into <see cref="Secret"/>s: they never print. No raw JSON is kept.</summary>
public sealed record KubeSecret(KubeObjectMeta Metadata, string Type, IReadOnlyDictionary<string, Secret> Data)
{
    public string Name => Metadata.Name;

    internal static KubeSecret From(JsonObject obj)
    {
        var data = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var (key, value) in KubeJson.StringMap(obj, "data"))
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                continue; // the API server never sends this; a proxy might
            }
            data[key] = new Secret(Encoding.UTF8.GetString(bytes));
        }
        return new KubeSecret(KubeObjectMeta.From(obj), KubeJson.String(obj, "type") ?? "Opaque", data);
    }
}

public sealed record KubeConfigMap(KubeObjectMeta Metadata, IReadOnlyDictionary<string, string> Data)
{
    public string Name => Metadata.Name;

    internal static KubeConfigMap From(JsonObject obj) => new(KubeObjectMeta.From(obj), KubeJson.StringMap(obj, "data"));
}

public sealed record KubeServicePort(string? Name, int Port, string? TargetPort, string Protocol, int? NodePort);

/// <summary>A Service: how an app is reached in the cluster (<c>http://{Name}.{Namespace}.svc:{Port}</c>).</summary>
public sealed record KubeService(KubeObjectMeta Metadata, string Type, string? ClusterIP, IReadOnlyList<KubeServicePort> Ports,
    IReadOnlyDictionary<string, string> Selector)
{
    public string Name => Metadata.Name;

    internal static KubeService From(JsonObject obj)
    {
        var spec = obj["spec"];
        var ports = KubeJson.Objects(spec, "ports").Select(p => new KubeServicePort(KubeJson.String(p, "name"), KubeJson.Int(p, "port") ?? 0,
            KubeJson.IntOrString(p, "targetPort"), KubeJson.String(p, "protocol") ?? "TCP", KubeJson.Int(p, "nodePort"))).ToList();
        return new KubeService(KubeObjectMeta.From(obj), KubeJson.String(spec, "type") ?? "ClusterIP", KubeJson.String(spec, "clusterIP"), ports,
            KubeJson.StringMap(spec, "selector"));
    }
}
