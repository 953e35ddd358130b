using System.Text;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;
using k8s;
using k8s.Models;
using StarrOps.Core.Kubernetes;
using StarrOps.Core.Kubernetes.Gateway;
using KubernetesException = StarrOps.Core.Kubernetes.KubernetesException;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.Kubernetes;

/// <summary>
/// The real kubectl against the fake API server: if kubectl is satisfied with its answers, the fake is
/// honest, and the core client is checked against the same server for the same operations.
/// </summary>
public sealed class KubectlHonestyTests
{
    private const string Media = FakeMediaStack.Namespace;

    [KubectlFact]
    public async Task Get_secret_as_json_matches_what_the_client_decodes()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var (exit, stdout, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "get", "secret", "starr-secrets", "-n", "media", "-o", "json");
        var secret = await client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None);

        Assert.True(exit == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(("v1", "Secret", "starr-secrets"), ((string)json["apiVersion"]!, (string)json["kind"]!, (string)json["metadata"]!["name"]!));
        var data = json["data"]!.AsObject();
        Assert.Equal(secret.Data.Keys.Order(), data.Select(p => p.Key).Order());
        foreach (var (key, value) in data)
            Assert.Equal(secret.Data[key], new Secret(Encoding.UTF8.GetString(Convert.FromBase64String((string)value!))));
    }

    [KubectlFact]
    public async Task Get_pods_by_label_prints_the_same_pods_the_client_lists()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var (exit, stdout, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "get", "pods", "-l", "app=qbittorrent", "-n", "media");
        var pods = await client.ListPodsAsync(Media, "app=qbittorrent", CancellationToken.None);

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["qbittorrent-0", "2/2", "Running", "0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        Assert.Equal(2, lines.Length);
        Assert.Equal("qbittorrent-0", Assert.Single(pods).Name);
    }

    [KubectlFact]
    public async Task Exec_cat_prints_stdout_with_exit_code_zero_like_the_client()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var (exit, stdout, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "exec", "-n", "media", "qbittorrent-0", "-c", "qbittorrent", "--", "cat", "/etc/hostname");
        var result = await client.ExecAsync(Media, "qbittorrent-0", "qbittorrent", ["cat", "/etc/hostname"], null, CancellationToken.None);

        Assert.True(exit == 0, stderr);
        Assert.Equal("qbittorrent-0\n", stdout);
        Assert.Equal((0, stdout), (result.ExitCode, result.Stdout));
        Assert.Empty(cluster.Server.Errors);
    }

    [KubectlFact]
    public async Task Exec_of_a_failing_command_gives_its_exit_code_to_kubectl_and_to_the_client()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var (exit, _, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "exec", "-n", "media", "qbittorrent-0", "-c", "qbittorrent", "--", "sh", "-c", "exit 3");
        var missing = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "exec", "-n", "media", "sonarr-0", "--", "cat", "/config/missing.xml");
        var result = await client.ExecAsync(Media, "qbittorrent-0", "qbittorrent", ["sh", "-c", "exit 3"], null, CancellationToken.None);

        Assert.Equal(3, exit);
        Assert.Contains("command terminated with exit code 3", stderr);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("cat: can't open '/config/missing.xml': No such file or directory", missing.Stderr);
        Assert.Equal(3, result.ExitCode);
    }

    [KubectlFact]
    public async Task Exec_with_stdin_delivers_the_input_and_its_end()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.SetExecHandler(Media, "sonarr-0", async (_, stdin, stdout, _) =>
        {
            using var reader = new StreamReader(stdin);
            var text = await reader.ReadToEndAsync();
            await stdout.WriteAsync(Encoding.UTF8.GetBytes($"{text.Length}:{text.ToUpperInvariant()}"));
            return 0;
        });

        var (exit, stdout, stderr) = await Kubectl.RunWithInputAsync(cluster, cluster.Kubeconfig(), "restore me", "exec", "-i", "-n", "media", "sonarr-0", "--", "tar", "-x");

        Assert.True(exit == 0, stderr);
        Assert.Equal("10:RESTORE ME", stdout);
    }

    [KubectlFact]
    public async Task Create_job_from_cronjob_makes_the_same_job_as_the_client()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var dryRun = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "create", "job", "--from=cronjob/starrops-reconcile", "manual-1", "-n", "media", "--dry-run=client", "-o", "json");
        var (exit, stdout, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "create", "job", "--from=cronjob/starrops-reconcile", "manual-1", "-n", "media");
        // What the client sends for the same CronJob: the gateway's Job, serialised by KubernetesClient.
        var cronJob = KubernetesJson.Deserialize<V1CronJob>(cluster.Server.Get(FakeResourceCatalog.CronJobs, Media, FakeMediaStack.CronJobName)!.ToJsonString());
        var ours = JsonNode.Parse(KubernetesJson.Serialize(KubeModelMap.JobFromCronJob(cronJob, "manual-1", Media)))!.AsObject();
        var createdByKubectl = cluster.Server.Get(FakeResourceCatalog.Jobs, Media, "manual-1")!;

        Assert.True(dryRun.ExitCode == 0, dryRun.Stderr);
        Assert.True(exit == 0, stderr);
        Assert.Equal("job.batch/manual-1 created", stdout.Trim());
        var kubectlJob = JsonNode.Parse(dryRun.Stdout)!.AsObject();
        Assert.True(JsonNode.DeepEquals(Normalise(kubectlJob), Normalise(ours)), $"kubectl: {Normalise(kubectlJob)}\nours: {Normalise(ours)}");
        // kubectl sent the job as protobuf: the fake decoded it into the same job.
        Assert.True(JsonNode.DeepEquals(kubectlJob["spec"]!["template"]!["spec"], createdByKubectl["spec"]!["template"]!["spec"]));
        Assert.True(JsonNode.DeepEquals(kubectlJob["metadata"]!["ownerReferences"], createdByKubectl["metadata"]!["ownerReferences"]));
        Assert.Equal(kubectlJob["metadata"]!["annotations"]!.ToJsonString(), createdByKubectl["metadata"]!["annotations"]!.ToJsonString());
        Assert.Empty(cluster.Server.Errors);
    }

    [KubectlFact]
    public async Task Scale_statefulset_to_zero_is_seen_by_the_client()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var (exit, stdout, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "scale", "statefulset", "sonarr", "--replicas=0");
        var sonarr = await client.GetStatefulSetAsync(Media, "sonarr", CancellationToken.None);
        await client.ScaleAsync(KubernetesApiResource.StatefulSets, Media, "sonarr", 1, CancellationToken.None);
        var back = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "get", "statefulset", "sonarr", "-o", "jsonpath={.spec.replicas}");

        Assert.True(exit == 0, stderr);
        Assert.Equal("statefulset.apps/sonarr scaled", stdout.Trim());
        Assert.Equal(0, sonarr.Replicas);
        Assert.Equal("1", back.Stdout);
    }

    [KubectlFact]
    public async Task Forbidden_reads_are_reported_by_kubectl_in_the_words_the_client_quotes()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "get pods");
        var kubeconfig = cluster.Kubeconfig(token, "limited");
        using var client = cluster.Client(token);

        var (exit, _, stderr) = await Kubectl.RunAsync(cluster, kubeconfig, "get", "secret", "starr-secrets", "-n", "media");
        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None));

        const string kubernetesWords = "secrets \"starr-secrets\" is forbidden: User \"system:serviceaccount:media:starrops\" cannot get resource \"secrets\" in API group \"\" in the namespace \"media\"";
        Assert.Equal(1, exit);
        Assert.Equal($"Error from server (Forbidden): {kubernetesWords}", stderr.Trim());
        Assert.Contains(kubernetesWords, error.Message);
    }

    [KubectlFact]
    public async Task Expired_tokens_and_missing_pods_fail_in_kubectl_as_in_the_client()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "*");
        var kubeconfig = cluster.Kubeconfig(token, "expiring");
        var missing = await Kubectl.RunAsync(cluster, kubeconfig, "get", "pod", "radarr-0", "-n", "media");
        cluster.Server.ExpireToken(token);

        var expired = await Kubectl.RunAsync(cluster, kubeconfig, "get", "pods", "-n", "media");

        Assert.Equal("Error from server (NotFound): pods \"radarr-0\" not found", missing.Stderr.Trim());
        Assert.Equal(1, expired.ExitCode);
        Assert.Contains("You must be logged in to the server", expired.Stderr);
    }

    [KubectlFact]
    public async Task Logs_print_what_the_container_wrote()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.AppendPodLog(Media, "sonarr-0", "sonarr", "[Info] Bootstrap: Starting Sonarr\n[Info] Microsoft.Hosting.Lifetime: Application started\n");
        cluster.Server.CompletePodLog(Media, "sonarr-0", "sonarr");

        var (exit, stdout, stderr) = await Kubectl.RunAsync(cluster, cluster.Kubeconfig(), "logs", "-n", "media", "sonarr-0", "-f");

        Assert.True(exit == 0, stderr);
        Assert.Equal("[Info] Bootstrap: Starting Sonarr\n[Info] Microsoft.Hosting.Lifetime: Application started\n", stdout);
    }

    // kubectl's dry run prints Go's unset fields as null and no status; compare what the Job is made of.
    private static JsonObject Normalise(JsonObject job)
    {
        var copy = job.DeepClone().AsObject();
        copy.Remove("status");
        copy["metadata"]!.AsObject().Remove("namespace");
        DropNulls(copy);
        return copy;
    }

    private static void DropNulls(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
            foreach (var (_, value) in obj) DropNulls(value);
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array) DropNulls(item);
        }
    }
}
