using System.Net;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Tests.Kubernetes;
using StarrOps.TestKit.Kubernetes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.KubernetesDiscovery;

public sealed class KubernetesInstanceSourceTests
{
    private const string Media = FakeMediaStack.Namespace;

    private static Task<IReadOnlyList<StarrInstance>> Discover(FakeCluster cluster, KubernetesDiscoveryOptions? options = null, RecordingHost? host = null, string? token = null)
    {
        var client = cluster.Client(token);
        return KubernetesInstanceSource.DiscoverAsync(client, options ?? new KubernetesDiscoveryOptions(Media), host, CancellationToken.None);
    }

    [Fact]
    public async Task The_seeded_stack_gives_instances_with_ConfigMap_urls_and_Secret_credentials()
    {
        await using var cluster = await FakeCluster.StartAsync();

        var instances = await Discover(cluster);

        Assert.Equal(["sonarr", "qbittorrent"], instances.Select(i => i.Name));
        var sonarr = instances[0];
        Assert.Equal(ServiceKind.Sonarr, sonarr.Kind);
        Assert.Equal(new Uri("http://sonarr.media.svc.cluster.local:8989"), sonarr.Url);
        Assert.Equal(new Secret(FakeMediaStack.SonarrApiKey), sonarr.ApiKey);
        Assert.Equal("Kubernetes", sonarr.Source);
        var qbittorrent = instances[1];
        Assert.Equal("admin", qbittorrent.UserName);
        Assert.Equal(new Secret(FakeMediaStack.QbittorrentPassword), qbittorrent.Password);
        Assert.All(instances, i => Assert.DoesNotContain(FakeMediaStack.SonarrApiKey, i.ToString()));
    }

    [Fact]
    public async Task Services_are_matched_by_label_or_name_and_get_cluster_dns_urls()
    {
        await using var cluster = await FakeCluster.StartAsync(seed: false);
        cluster.Server.AddNamespace(Media);
        cluster.Server.Add(FakeKubernetesObjects.NewService(Media, "radarr", 7878));
        var tv = FakeKubernetesObjects.NewService(Media, "tv", 80);
        tv["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["app.kubernetes.io/name"] = "sonarr" };
        cluster.Server.Add(tv);
        cluster.Server.Add(FakeKubernetesObjects.NewService(Media, "sonarr-4k", 8989));
        var exporter = FakeKubernetesObjects.NewService(Media, "sonarr-exporter", 9707);
        exporter["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["app.kubernetes.io/name"] = "exportarr" };
        cluster.Server.Add(exporter);
        cluster.Server.Add(FakeKubernetesObjects.NewService(Media, "postgres", 5432));
        var host = new RecordingHost();

        var instances = await Discover(cluster, host: host);

        Assert.Equal(
            ["sonarr-4k http://sonarr-4k.media.svc.cluster.local:8989/", "sonarr-tv http://tv.media.svc.cluster.local/", "radarr http://radarr.media.svc.cluster.local:7878/"],
            instances.Select(i => $"{i.Name} {i.Url}"));
        Assert.All(instances, i => Assert.False(i.HasApiKey));
        Assert.Contains(host.Messages, m => m.Contains("Secret media/starr-secrets not found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigMap_urls_override_the_Services()
    {
        await using var cluster = await FakeCluster.StartAsync(seed: false);
        cluster.Server.AddNamespace(Media);
        cluster.Server.Add(FakeKubernetesObjects.NewService(Media, "sonarr", 8989));
        cluster.Server.Add(FakeKubernetesObjects.NewConfigMap(Media, "starr-common-config", new Dictionary<string, string> { ["SONARR_URL"] = "https://tv.example.test/sonarr" }));

        var sonarr = Assert.Single(await Discover(cluster));

        Assert.Equal(new Uri("https://tv.example.test/sonarr"), sonarr.Url);
    }

    [Fact]
    public async Task Other_Secret_and_ConfigMap_names_are_read_when_given()
    {
        await using var cluster = await FakeCluster.StartAsync(seed: false);
        cluster.Server.AddNamespace("arr");
        cluster.Server.Add(FakeKubernetesObjects.NewConfigMap("arr", "urls", new Dictionary<string, string> { ["PROWLARR_URL"] = "http://prowlarr:9696" }));
        cluster.Server.Add(FakeKubernetesObjects.NewSecret("arr", "keys", new Dictionary<string, string> { ["PROWLARR_API_KEY"] = "prowlarr-key-7788" }));

        var prowlarr = Assert.Single(await Discover(cluster, new KubernetesDiscoveryOptions("arr") { SecretName = "keys", ConfigMapName = "urls" }));

        Assert.Equal(new Secret("prowlarr-key-7788"), prowlarr.ApiKey);
    }

    [Fact]
    public async Task FromPod_reads_the_api_key_from_config_xml_and_never_reports_it()
    {
        const string podKey = "fedcba9876543210fedcba9876543210";
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.SetFile(Media, "sonarr-0", "/config/config.xml",
            $"<Config>\n  <Port>8989</Port>\n  <ApiKey>{podKey}</ApiKey>\n  <AuthenticationMethod>None</AuthenticationMethod>\n</Config>\n");
        var host = new RecordingHost();

        var instances = await Discover(cluster, new KubernetesDiscoveryOptions(Media) { FromPod = true }, host);

        Assert.Equal(new Secret(podKey), instances.Single(i => i.Name == "sonarr").ApiKey);
        Assert.Contains(cluster.Server.Requests, r => r.PathAndQuery.StartsWith("/api/v1/namespaces/media/pods/sonarr-0/exec?command=cat&command=%2Fconfig%2Fconfig.xml&container=sonarr", StringComparison.Ordinal));
        // qBittorrent has no config.xml: nobody execs into it.
        Assert.DoesNotContain(cluster.Server.Requests, r => r.PathAndQuery.Contains("qbittorrent-0/exec", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Messages, m => m.Contains(podKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task FromPod_keeps_the_Secret_key_and_warns_when_config_xml_is_missing()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var host = new RecordingHost();

        var instances = await Discover(cluster, new KubernetesDiscoveryOptions(Media) { FromPod = true }, host);

        Assert.Equal(new Secret(FakeMediaStack.SonarrApiKey), instances.Single(i => i.Name == "sonarr").ApiKey);
        Assert.Contains(host.Messages, m => m.Contains("could not read /config/config.xml in pod media/sonarr-0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_Secret_read_is_an_error_naming_the_missing_right()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddToken("limited-token-1", "system:serviceaccount:media:starrops", "list services", "get configmaps");

        var error = await Assert.ThrowsAsync<KubernetesException>(() => Discover(cluster, token: token));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("secrets", error.Resource);
    }

    [Theory]
    [InlineData("<Config><ApiKey>abc123</ApiKey></Config>", "abc123")]
    [InlineData("<Config>\n<ApiKey> abc123 </ApiKey>", "abc123")] // truncated file: the regex still finds it
    [InlineData("<Config><Port>1</Port></Config>", null)]
    public void ApiKey_is_parsed_from_config_xml(string xml, string? expected)
    {
        Assert.Equal(Secret.FromNullable(expected), KubernetesInstanceSource.ParseApiKey(xml));
    }
}
