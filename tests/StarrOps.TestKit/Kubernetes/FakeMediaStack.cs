using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// A namespace "media" as StarrOps finds it in a homelab: the starr-secrets Secret and starr-common-config
/// ConfigMap, Sonarr and qBittorrent (behind a Gluetun sidecar) as StatefulSets with their pods and
/// Services, the starrops-reconcile CronJob and an Ingress with TLS.
/// </summary>
public static class FakeMediaStack
{
    public const string Namespace = "media";
    public const string SecretName = "starr-secrets";
    public const string ConfigMapName = "starr-common-config";
    public const string CronJobName = "starrops-reconcile";
    public const string SonarrApiKey = "0123456789abcdef0123456789abcdef";
    public const string QbittorrentPassword = "correct-horse-battery";

    public static void Seed(FakeKubernetesApiServer server)
    {
        server.AddNamespace(Namespace);
        server.Add(FakeKubernetesObjects.NewSecret(Namespace, SecretName, new Dictionary<string, string>
        {
            ["SONARR_API_KEY"] = SonarrApiKey,
            ["QBITTORRENT_USERNAME"] = "admin",
            ["QBITTORRENT_PASSWORD"] = QbittorrentPassword,
        }));
        server.Add(FakeKubernetesObjects.NewConfigMap(Namespace, ConfigMapName, new Dictionary<string, string>
        {
            ["SONARR_URL"] = "http://sonarr.media.svc.cluster.local:8989",
            ["QBITTORRENT_URL"] = "http://qbittorrent.media.svc.cluster.local:8080",
        }));

        var sonarr = new FakeContainerSpec("sonarr", "lscr.io/linuxserver/sonarr:4.0.19", [8989], [("config", "/config"), ("media", "/data")]);
        server.Add(FakeKubernetesObjects.NewStatefulSet(Namespace, "sonarr", 1, [sonarr]));
        server.Add(FakeKubernetesObjects.NewPod(Namespace, "sonarr-0", new Dictionary<string, string> { ["app"] = "sonarr" }, [sonarr],
            [FakeKubernetesObjects.PersistentVolumeClaimVolume("config", "config-sonarr-0"), FakeKubernetesObjects.PersistentVolumeClaimVolume("media", "media")],
            podIp: "10.42.0.21", owner: ("StatefulSet", "sonarr")));
        server.Add(FakeKubernetesObjects.NewService(Namespace, "sonarr", 8989, clusterIp: "10.43.0.21"));

        var gluetun = new FakeContainerSpec("gluetun", "qmcgaw/gluetun:v3.40", [8000]);
        var qbittorrent = new FakeContainerSpec("qbittorrent", "lscr.io/linuxserver/qbittorrent:5.0.4", [8080], [("config", "/config"), ("media", "/data")]);
        server.Add(FakeKubernetesObjects.NewStatefulSet(Namespace, "qbittorrent", 1, [gluetun, qbittorrent]));
        server.Add(FakeKubernetesObjects.NewPod(Namespace, "qbittorrent-0", new Dictionary<string, string> { ["app"] = "qbittorrent" }, [gluetun, qbittorrent],
            [FakeKubernetesObjects.PersistentVolumeClaimVolume("config", "config-qbittorrent-0"), FakeKubernetesObjects.PersistentVolumeClaimVolume("media", "media")],
            podIp: "10.42.0.22", owner: ("StatefulSet", "qbittorrent")));
        server.Add(FakeKubernetesObjects.NewService(Namespace, "qbittorrent", 8080, clusterIp: "10.43.0.22"));

        server.Add(FakeKubernetesObjects.NewCronJob(Namespace, CronJobName, "*/15 * * * *", "ghcr.io/starrops/starrops:0.1.0",
            ["pwsh", "-NoProfile", "-Command", "Invoke-StarrReconcile"]));
        server.Add(FakeKubernetesObjects.NewIngress(Namespace, "sonarr", "sonarr.example.test", "sonarr", 8989, "sonarr-tls"));
    }

    /// <summary>The rights a StarrOps service account gets from its Role in the namespace.</summary>
    public static readonly string[] ReconcilerRights =
    [
        "get secrets", "get configmaps", "list services", "get pods", "list pods", "create pods/exec", "get pods/log",
        "get cronjobs", "create jobs", "get jobs", "get statefulsets", "get deployments", "patch statefulsets/scale", "list ingresses",
    ];
}
