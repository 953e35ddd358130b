using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

public sealed record KubeIngressPath(string Path, string? PathType, string? ServiceName, string? ServicePort);

public sealed record KubeIngressRule(string? Host, IReadOnlyList<KubeIngressPath> Paths);

/// <summary>A TLS entry: the hosts served with the certificate in Secret <see cref="SecretName"/>.</summary>
public sealed record KubeIngressTls(IReadOnlyList<string> Hosts, string? SecretName);

/// <summary>An Ingress (networking.k8s.io/v1): hosts, backends and TLS secrets, for certificate checks.</summary>
public sealed record KubeIngress(KubeObjectMeta Metadata, string? IngressClassName, IReadOnlyList<KubeIngressRule> Rules, IReadOnlyList<KubeIngressTls> Tls, JsonObject Raw)
{
    public string Name => Metadata.Name;

    internal static KubeIngress From(JsonObject obj)
    {
        var spec = obj["spec"];
        var rules = KubeJson.Objects(spec, "rules").Select(r => new KubeIngressRule(KubeJson.String(r, "host"),
            KubeJson.Objects(r["http"], "paths").Select(p =>
            {
                var service = p["backend"]?["service"];
                var port = service?["port"];
                return new KubeIngressPath(KubeJson.String(p, "path") ?? "/", KubeJson.String(p, "pathType"), KubeJson.String(service, "name"),
                    KubeJson.String(port, "name") ?? KubeJson.Int(port, "number")?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }).ToList())).ToList();
        var tls = KubeJson.Objects(spec, "tls").Select(t => new KubeIngressTls(KubeJson.Strings(t, "hosts"), KubeJson.String(t, "secretName"))).ToList();
        return new KubeIngress(KubeObjectMeta.From(obj), KubeJson.String(spec, "ingressClassName"), rules, tls, obj);
    }
}
