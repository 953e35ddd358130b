using System.Collections;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Kubernetes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Kubernetes;

public sealed class KubernetesClientTests
{
    private const string Media = FakeMediaStack.Namespace;

    [Fact]
    public async Task GetSecret_decodes_base64_values_into_secrets_that_never_print()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var secret = await client.GetSecretAsync(Media, FakeMediaStack.SecretName, CancellationToken.None);

        Assert.Equal(new Secret(FakeMediaStack.SonarrApiKey), secret.Data["SONARR_API_KEY"]);
        Assert.Equal(new Secret("admin"), secret.Data["QBITTORRENT_USERNAME"]);
        Assert.Equal("Opaque", secret.Type);
        Assert.DoesNotContain(FakeMediaStack.SonarrApiKey, secret.ToString());
        Assert.DoesNotContain(FakeMediaStack.SonarrApiKey, SecretRegistry.Redact($"key is {FakeMediaStack.SonarrApiKey}"));
    }

    [Fact]
    public async Task GetConfigMap_and_ListServices_read_the_namespace()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var config = await client.GetConfigMapAsync(Media, FakeMediaStack.ConfigMapName, CancellationToken.None);
        var services = await client.ListServicesAsync(Media, null, CancellationToken.None);

        Assert.Equal("http://sonarr.media.svc.cluster.local:8989", config.Data["SONARR_URL"]);
        var sonarr = Assert.Single(services, s => s.Name == "sonarr");
        Assert.Equal(8989, Assert.Single(sonarr.Ports).Port);
        Assert.Equal("sonarr", sonarr.Selector["app"]);
        Assert.Equal(["qbittorrent", "sonarr"], services.Select(s => s.Name).Order());
    }

    [Fact]
    public async Task ListPods_filters_by_label_and_reads_containers_volumes_and_status()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var pods = await client.ListPodsAsync(Media, "app=qbittorrent", CancellationToken.None);

        var pod = Assert.Single(pods);
        Assert.Equal("qbittorrent-0", pod.Name);
        Assert.Equal(Media, pod.Namespace);
        Assert.Equal("Running", pod.Phase);
        Assert.Equal("10.42.0.22", pod.PodIP);
        Assert.True(pod.IsReady);
        Assert.Equal(["gluetun", "qbittorrent"], pod.Containers.Select(c => c.Name));
        Assert.Contains(pod.Containers[1].VolumeMounts, m => m is { Name: "config", MountPath: "/config" });
        var config = Assert.Single(pod.Volumes, v => v.Name == "config");
        Assert.Equal(("persistentVolumeClaim", "config-qbittorrent-0"), (config.Type, config.Source));
        Assert.All(pod.ContainerStatuses, s => Assert.Equal("running", s.State));
        Assert.Empty(await client.ListPodsAsync(Media, "app in (radarr,lidarr)", CancellationToken.None));
        Assert.Equal(2, (await client.ListPodsAsync(Media, "app in (sonarr,qbittorrent)", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Scale_sets_the_replicas_of_a_statefulset_through_the_scale_subresource()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var scale = await client.ScaleAsync(KubernetesApiResource.StatefulSets, Media, "sonarr", 0, CancellationToken.None);

        Assert.Equal(0, scale.Replicas);
        Assert.Equal(0, (await client.GetStatefulSetAsync(Media, "sonarr", CancellationToken.None)).Replicas);
        var patch = Assert.Single(cluster.Server.Requests, r => r.Method == "PATCH");
        Assert.Equal("/apis/apps/v1/namespaces/media/statefulsets/sonarr/scale", patch.PathAndQuery);
        Assert.Equal("application/merge-patch+json", patch.ContentType?.Split(';')[0]);
    }

    [Fact]
    public async Task CreateJobFromCronJob_builds_the_job_like_kubectl_create_job_from()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        var cronJob = cluster.Server.Get(FakeResourceCatalog.CronJobs, Media, FakeMediaStack.CronJobName)!;

        var job = await client.CreateJobFromCronJobAsync(Media, FakeMediaStack.CronJobName, "manual-1", CancellationToken.None);

        Assert.Equal("manual-1", job.Name);
        Assert.Equal("manual", job.Metadata.Annotations["cronjob.kubernetes.io/instantiate"]);
        Assert.Equal("reconcile", job.Metadata.Annotations["starrops.io/template"]);
        Assert.Equal(FakeMediaStack.CronJobName, job.Metadata.Labels["app.kubernetes.io/name"]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(new KubeOwnerReference("batch/v1", "CronJob", FakeMediaStack.CronJobName, (string)cronJob["metadata"]!["uid"]!, true), owner);
        var sent = JsonNode.Parse(Assert.Single(cluster.Server.Requests, r => r.Method == "POST").Body!)!;
        Assert.True(JsonNode.DeepEquals(cronJob["spec"]!["jobTemplate"]!["spec"], sent["spec"]));
    }

    [Fact]
    public async Task CreateJob_twice_is_a_conflict_that_names_the_job()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        await client.CreateJobFromCronJobAsync(Media, FakeMediaStack.CronJobName, "manual-1", CancellationToken.None);

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.CreateJobFromCronJobAsync(Media, FakeMediaStack.CronJobName, "manual-1", CancellationToken.None));

        Assert.Equal(StarrOps.Core.StarrErrorCategory.ResourceExists, error.Category);
        Assert.Contains("job \"manual-1\" already exists in namespace \"media\"", error.Message);
    }

    [Fact]
    public async Task A_job_run_by_the_cluster_reports_completion_and_its_pod_log()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.JobRunner = _ => (true, "converged: 0 changes\nexit 0\n");
        using var client = cluster.Client();

        await client.CreateJobFromCronJobAsync(Media, FakeMediaStack.CronJobName, "manual-2", CancellationToken.None);
        var job = await client.GetJobAsync(Media, "manual-2", CancellationToken.None);
        var pod = Assert.Single(await client.ListPodsAsync(Media, "job-name=manual-2", CancellationToken.None));
        var lines = new List<string>();
        await foreach (var line in client.ReadPodLogLinesAsync(Media, pod.Name, null, null, CancellationToken.None)) lines.Add(line);

        Assert.True(job.IsComplete);
        Assert.Equal(1, job.Succeeded);
        Assert.Equal(["converged: 0 changes", "exit 0"], lines);
    }

    [Fact]
    public async Task Followed_logs_arrive_line_by_line_while_the_container_writes()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        cluster.Server.AppendPodLog(Media, "sonarr-0", "sonarr", "starting\n");
        var received = new List<string>();

        await foreach (var line in client.ReadPodLogLinesAsync(Media, "sonarr-0", "sonarr", new PodLogOptions(Follow: true), CancellationToken.None))
        {
            received.Add(line);
            if (line == "starting") cluster.Server.AppendPodLog(Media, "sonarr-0", "sonarr", "ready\n");
            if (line == "ready") cluster.Server.CompletePodLog(Media, "sonarr-0", "sonarr");
        }

        Assert.Equal(["starting", "ready"], received);
        Assert.Contains(cluster.Server.Requests, r => r.PathAndQuery == "/api/v1/namespaces/media/pods/sonarr-0/log?container=sonarr&follow=true");
    }

    [Fact]
    public async Task GetPodLogs_of_a_pod_with_two_containers_needs_the_container_name()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        cluster.Server.AppendPodLog(Media, "qbittorrent-0", "gluetun", "Public IP address is 203.0.113.7\n");

        var log = await client.GetPodLogsAsync(Media, "qbittorrent-0", "gluetun", null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetPodLogsAsync(Media, "qbittorrent-0", null, null, CancellationToken.None));

        Assert.Equal("Public IP address is 203.0.113.7\n", log);
        Assert.Contains("a container name must be specified for pod qbittorrent-0, choose one of: [gluetun qbittorrent]", error.Message);
    }

    [Fact]
    public async Task ListIngresses_gives_hosts_backends_and_tls_secrets()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var ingress = Assert.Single(await client.ListIngressesAsync(Media, null, CancellationToken.None));

        Assert.Equal("nginx", ingress.IngressClassName);
        var rule = Assert.Single(ingress.Rules);
        Assert.Equal("sonarr.example.test", rule.Host);
        Assert.Equal(new KubeIngressPath("/", "Prefix", "sonarr", "8989"), Assert.Single(rule.Paths));
        var tls = Assert.Single(ingress.Tls);
        Assert.Equal(("sonarr-tls", "sonarr.example.test"), (tls.SecretName, Assert.Single(tls.Hosts)));
    }

    [Fact]
    public async Task Client_certificates_from_the_kubeconfig_authenticate_with_ec_and_rsa_keys()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var ec = cluster.Server.AddClientCertificateUser("ec-admin", rsa: false, "*");
        var rsa = cluster.Server.AddClientCertificateUser("rsa-admin", rsa: true, "*");

        foreach (var (user, certificate) in new[] { ("ec-admin", ec), ("rsa-admin", rsa) })
        {
            var path = cluster.Kubeconfig(name: user, clientCertificate: certificate);
            using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));
            await client.GetConfigMapAsync(Media, FakeMediaStack.ConfigMapName, CancellationToken.None);
            Assert.Equal("client certificate", client.Connection.AuthenticationMethod);
            Assert.Equal(user, cluster.Server.Requests[^1].User);
        }
    }

    [Fact]
    public async Task Verbose_messages_name_each_call_and_never_hold_the_token()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var host = new RecordingHost();
        using var client = cluster.Client(host: host);

        await client.GetSecretAsync(Media, FakeMediaStack.SecretName, CancellationToken.None);

        Assert.Contains(host.Messages, m => m.Contains("GET /api/v1/namespaces/media/secrets/starr-secrets -> 200", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Messages, m => m.Contains(cluster.Server.AdminToken, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Messages, m => m.Contains(FakeMediaStack.SonarrApiKey, StringComparison.Ordinal));
    }
}
