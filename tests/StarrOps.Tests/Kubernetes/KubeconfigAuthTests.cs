using System.Collections;
using StarrOps.Core;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Kubernetes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Kubernetes;

/// <summary>
/// One kubeconfig per way of authenticating, each used by KubernetesClient for a REST read and for exec over the WebSocket
/// against the fake API server (which names the user it authenticated). Token files, exec plugins, insecure-skip-tls-verify
/// and the in-cluster service account have their own tests in KubernetesConfigTests and KubernetesErrorTests.
/// </summary>
public sealed class KubeconfigAuthTests
{
    private const string Media = FakeMediaStack.Namespace;

    [Fact]
    public async Task A_token_user_reads_and_execs_as_itself()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddToken("token-" + Guid.NewGuid().ToString("N"), "bob", "*");
        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(cluster.Kubeconfig(token), environment: new Hashtable()));

        await client.GetSecretAsync(Media, FakeMediaStack.SecretName, CancellationToken.None);
        var exec = await client.ExecAsync(Media, "sonarr-0", "sonarr", ["cat", "/etc/hostname"], null, CancellationToken.None);

        Assert.Equal("token", client.Connection.AuthenticationMethod);
        Assert.Equal("sonarr-0\n", exec.EnsureSuccess().Stdout);
        Assert.Equal(2, cluster.Server.Requests.Count(r => r.User == "bob"));
    }

    [Fact]
    public async Task A_client_certificate_user_execs_over_mutual_tls()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var certificate = cluster.Server.AddClientCertificateUser("carol", rsa: false, "*");
        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(cluster.Kubeconfig(name: "carol", clientCertificate: certificate),
            environment: new Hashtable()));

        var exec = await client.ExecAsync(Media, "qbittorrent-0", "qbittorrent", ["cat", "/etc/hostname"], null, CancellationToken.None);

        Assert.Equal("qbittorrent-0\n", exec.EnsureSuccess().Stdout);
        Assert.Equal("carol", Assert.Single(cluster.Server.Requests).User);
    }

    [Fact]
    public async Task Context_picks_the_user_and_namespace_of_that_context()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var admin = cluster.Server.AddToken("admin-" + Guid.NewGuid().ToString("N"), "admin", "*");
        var reader = cluster.Server.AddToken("reader-" + Guid.NewGuid().ToString("N"), "reader", "get configmaps");
        var path = cluster.Kubeconfig(admin);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text.Replace("contexts:\n", $"""
            contexts:
            - name: readonly
              context:
                cluster: fake-cluster
                user: reader
                namespace: tv

            """).Replace("users:\n", $"""
            users:
            - name: reader
              user:
                token: {reader}

            """));

        using var current = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));
        using var readonlyClient = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, "readonly", new Hashtable()));
        await current.GetSecretAsync(Media, FakeMediaStack.SecretName, CancellationToken.None);
        await readonlyClient.GetConfigMapAsync(Media, FakeMediaStack.ConfigMapName, CancellationToken.None);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => readonlyClient.GetSecretAsync(Media, FakeMediaStack.SecretName, CancellationToken.None));

        Assert.Equal(("fake", "media"), (current.Connection.Context, current.DefaultNamespace));
        Assert.Equal(("readonly", "tv"), (readonlyClient.Connection.Context, readonlyClient.DefaultNamespace));
        Assert.Equal(["admin", "reader", "reader"], cluster.Server.Requests.Select(r => r.User));
        Assert.Equal(StarrErrorCategory.PermissionDenied, error.Category);
        Assert.Contains("User \"reader\" cannot get resource \"secrets\"", error.Message);
    }

    [Fact]
    public async Task Tokens_and_client_keys_never_reach_messages_errors_or_verbose_output()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddServiceAccountToken(Media, "starrops", "get configmaps");
        var certificate = cluster.Server.AddClientCertificateUser("dave", rsa: true, "get pods");
        var host = new RecordingHost();
        using var tokenClient = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(cluster.Kubeconfig(token, "token"), environment: new Hashtable()), host);
        using var certificateClient = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(
            cluster.Kubeconfig(name: "dave", clientCertificate: certificate), environment: new Hashtable()), host);

        var errors = new List<Exception>
        {
            await Assert.ThrowsAsync<KubernetesException>(() => tokenClient.GetSecretAsync(Media, FakeMediaStack.SecretName, CancellationToken.None)),
            await Assert.ThrowsAsync<KubernetesException>(() => tokenClient.ExecAsync(Media, "sonarr-0", null, ["true"], null, CancellationToken.None)),
            await Assert.ThrowsAsync<KubernetesException>(() => certificateClient.ExecAsync(Media, "sonarr-0", null, ["true"], null, CancellationToken.None)),
        };
        cluster.Server.ExpireToken(token);
        errors.Add(await Assert.ThrowsAsync<KubernetesException>(() => tokenClient.GetConfigMapAsync(Media, FakeMediaStack.ConfigMapName, CancellationToken.None)));

        var everything = string.Join("\n", host.Messages.Concat(errors.Select(e => e.ToString() + (e as StarrException)?.RecommendedAction)));
        Assert.Contains("KubernetesUnauthorized", errors.Select(e => ((StarrException)e).ErrorId));
        Assert.DoesNotContain(token, everything);
        Assert.DoesNotContain(certificate.KeyPem.Split('\n')[1], everything);
        Assert.DoesNotContain("PRIVATE KEY", everything);
        Assert.DoesNotContain("Bearer", everything);
    }
}
