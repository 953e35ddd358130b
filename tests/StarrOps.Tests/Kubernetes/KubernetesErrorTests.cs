using System.Collections;
using System.Net;
using System.Net.Sockets;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.Kubernetes;

public sealed class KubernetesErrorTests
{
    private const string Media = FakeMediaStack.Namespace;

    [Fact]
    public async Task An_expired_token_is_an_authentication_error_that_never_shows_the_token()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "*");
        using var client = cluster.Client(token);
        cluster.Server.ExpireToken(token);

        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(StarrErrorCategory.AuthenticationError, error.Category);
        Assert.Equal("KubernetesUnauthorized", error.ErrorId);
        Assert.StartsWith("get secrets \"starr-secrets\" in namespace \"media\": the credentials were rejected (expired token?)", error.Message);
        Assert.DoesNotContain(token, error.Message + error.RecommendedAction);
    }

    [Fact]
    public async Task Forbidden_names_the_missing_permission_and_the_role_to_add_it_to()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "get configmaps");
        using var client = cluster.Client(token);

        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None));

        Assert.Equal(StarrErrorCategory.PermissionDenied, error.Category);
        Assert.Equal(("get", "secrets", "media", "starr-secrets"), (error.Verb, error.Resource, error.Namespace, error.Name));
        Assert.Equal("Forbidden", error.Reason);
        Assert.Contains("secrets \"starr-secrets\" is forbidden: User \"system:serviceaccount:media:starrops\" cannot get resource \"secrets\" in API group \"\" in the namespace \"media\"", error.Message);
        Assert.Contains("lacks verb \"get\" on \"secrets\" in namespace \"media\": add it to the Role", error.Message);
        Assert.Contains("{apiGroups: [\"\"], resources: [\"secrets\"], verbs: [\"get\"]}", error.RecommendedAction);
        Assert.DoesNotContain(token, error.Message);
    }

    [Fact]
    public async Task Forbidden_on_a_subresource_names_it()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "get statefulsets");
        using var client = cluster.Client(token);

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.ScaleAsync(KubernetesApiResource.StatefulSets, Media, "sonarr", 0, CancellationToken.None));

        Assert.Equal("statefulsets/scale", error.Resource);
        Assert.Contains("cannot patch resource \"statefulsets/scale\" in API group \"apps\"", error.Message);
        Assert.Contains("resources: [\"statefulsets/scale\"], verbs: [\"patch\"]", error.RecommendedAction);
    }

    [Fact]
    public async Task A_missing_pod_is_named_with_its_namespace()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetPodAsync(Media, "radarr-0", CancellationToken.None));

        Assert.Equal(StarrErrorCategory.ObjectNotFound, error.Category);
        Assert.Equal("get pods \"radarr-0\" in namespace \"media\": pod \"radarr-0\" not found in namespace \"media\".", error.Message);
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_says_the_namespace_is_missing()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();
        var job = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "x" },
            ["spec"] = new System.Text.Json.Nodes.JsonObject(),
        };

        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.CreateJobAsync("tv", job, CancellationToken.None));

        Assert.EndsWith("namespace \"tv\" not found.", error.Message);
    }

    [Fact]
    public async Task Exec_into_a_missing_pod_explains_the_refused_upgrade()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.ExecAsync(Media, "qbittorrent-9", "qbittorrent", ["cat", "/etc/hostname"], null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal(("create", "pods/exec"), (error.Verb, error.Resource));
        Assert.Contains("pod \"qbittorrent-9\" not found in namespace \"media\"", error.Message);
    }

    [Fact]
    public async Task Exec_without_the_exec_permission_names_pods_exec()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "get pods");
        using var client = cluster.Client(token);

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.ExecAsync(Media, "qbittorrent-0", "qbittorrent", ["true"], null, CancellationToken.None));

        Assert.Equal(StarrErrorCategory.PermissionDenied, error.Category);
        Assert.Contains("cannot create resource \"pods/exec\" in API group \"\" in the namespace \"media\"", error.Message);
    }

    [Fact]
    public async Task Exec_into_an_unknown_container_lists_nothing_secret_and_says_which()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Client();

        var error = await Assert.ThrowsAsync<KubernetesException>(() =>
            client.ExecAsync(Media, "qbittorrent-0", "vpn", ["true"], null, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("container vpn is not valid for pod qbittorrent-0", error.Message);
    }

    [Fact]
    public async Task An_unreachable_api_server_is_a_connection_error_naming_the_server_and_the_kubeconfig()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var port = FreePort();
        var path = cluster.Kubeconfig();
        File.WriteAllText(path, File.ReadAllText(path).Replace(cluster.Server.Url.AbsoluteUri.TrimEnd('/'), $"https://127.0.0.1:{port}"));
        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));

        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None));

        Assert.Equal(StarrErrorCategory.ConnectionError, error.Category);
        Assert.Contains($"the Kubernetes API server at https://127.0.0.1:{port}/ is unreachable (connection refused)", error.Message);
        Assert.Contains($"kubeconfig {path}, context \"fake\"", error.Message);
        Assert.DoesNotContain(cluster.Server.AdminToken, error.Message);
    }

    [Fact]
    public async Task A_server_certificate_from_another_ca_is_refused()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var otherCa = new TestCertificateAuthority("someone-else");
        using var client = new KubernetesClient(KubernetesConnection.ForToken(cluster.Server.Url, new Secret(cluster.Server.AdminToken), otherCa.CertificatePem));

        var error = await Assert.ThrowsAsync<KubernetesException>(() => client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None));

        Assert.Equal(KubernetesFailure.Unreachable, error.Failure);
        Assert.Contains("TLS failed", error.Message);
        Assert.DoesNotContain(cluster.Server.Requests, r => r.PathAndQuery.Contains("secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Insecure_skip_tls_verify_trusts_any_server_certificate()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var path = cluster.Kubeconfig();
        var text = File.ReadAllText(path);
        var start = text.IndexOf("certificate-authority-data:", StringComparison.Ordinal);
        var end = text.IndexOf('\n', start);
        File.WriteAllText(path, text[..start] + "insecure-skip-tls-verify: true" + text[end..]);
        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));

        var secret = await client.GetSecretAsync(Media, "starr-secrets", CancellationToken.None);
        var exec = await client.ExecAsync(Media, "sonarr-0", null, ["cat", "/etc/hostname"], null, CancellationToken.None);

        Assert.True(client.Connection.InsecureSkipTlsVerify);
        Assert.Equal("starr-secrets", secret.Name);
        Assert.Equal("sonarr-0\n", exec.EnsureSuccess().Stdout);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
