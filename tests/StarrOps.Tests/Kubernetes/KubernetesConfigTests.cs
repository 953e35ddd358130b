using System.Collections;
using System.Text;
using StarrOps.Core;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.Kubernetes;

public sealed class KubernetesConfigTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("starrops-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_missing_kubeconfig_says_where_it_looked()
    {
        var environment = new Hashtable { ["HOME"] = _directory };

        var error = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.Load(environment: environment));
        var explicitError = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.FromKubeconfig(Path.Combine(_directory, "nope"), environment: environment));

        Assert.Contains(Path.Combine(_directory, ".kube", "config") + " does not exist", error.Message);
        Assert.Contains("not a Kubernetes pod", error.Message);
        Assert.Equal($"The kubeconfig file {Path.Combine(_directory, "nope")} does not exist.", explicitError.Message);
    }

    [Fact]
    public void An_unknown_context_lists_the_known_ones()
    {
        var path = Write("config", Kubeconfig("prod", "https://10.0.0.1:6443", token: "t0k3n-prod"));

        var error = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.FromKubeconfig(path, "staging", new Hashtable()));

        Assert.Equal($"The kubeconfig {path} has no context \"staging\". Known contexts: \"prod\".", error.Message);
    }

    [Fact]
    public void KUBECONFIG_files_merge_with_the_first_definition_winning()
    {
        var first = Write("a", Kubeconfig("home", "https://10.0.0.1:6443", token: "first-token", currentContext: "home", ns: "media"));
        var second = Write("b", """
            apiVersion: v1
            kind: Config
            current-context: lab
            clusters:
            - {name: home, cluster: {server: "https://10.9.9.9:6443"}}
            - {name: lab, cluster: {server: "https://10.0.0.2:6443"}}
            users:
            - {name: home, user: {token: second-token}}
            - {name: lab, user: {token: lab-token}}
            contexts:
            - {name: home, context: {cluster: home, user: home}}
            - {name: lab, context: {cluster: lab, user: lab, namespace: tv}}
            """);
        var environment = new Hashtable { ["KUBECONFIG"] = $"{first}{Path.PathSeparator}{Path.Combine(_directory, "missing")}{Path.PathSeparator}{second}", ["HOME"] = _directory };

        var current = KubernetesConfigLoader.Load(environment: environment);
        var lab = KubernetesConfigLoader.Load(context: "lab", environment: environment);

        Assert.Equal(("https://10.0.0.1:6443/", "media", "home"), (current.Server.ToString(), current.Namespace, current.Context));
        Assert.Equal(("https://10.0.0.2:6443/", "tv"), (lab.Server.ToString(), lab.Namespace));
        Assert.Equal($"kubeconfig {first}{Path.PathSeparator}{second}, context \"home\"", current.Source);
    }

    [Fact]
    public async Task Relative_certificate_and_token_files_resolve_against_the_kubeconfigs_folder()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "cluster")).FullName;
        File.WriteAllText(Path.Combine(folder, "ca.crt"), cluster.Server.CertificateAuthorityPem);
        File.WriteAllText(Path.Combine(folder, "token"), cluster.Server.AdminToken + "\n");
        var path = Path.Combine(folder, "config");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            current-context: fake
            clusters:
            - name: c
              cluster: {"{"}server: "{cluster.Server.Url.AbsoluteUri.TrimEnd('/')}", certificate-authority: ca.crt{"}"}
            users:
            - name: u
              user:
                tokenFile: ./token
            contexts:
            - name: fake
              context: {"{"}cluster: c, user: u{"}"}
            """);

        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));
        var configMap = await client.GetConfigMapAsync("media", FakeMediaStack.ConfigMapName, CancellationToken.None);

        Assert.Equal("default", client.DefaultNamespace);
        Assert.Equal($"token file {Path.Combine(folder, "token")}", client.Connection.AuthenticationMethod);
        Assert.Equal(FakeMediaStack.ConfigMapName, configMap.Name);
    }

    [Fact]
    public async Task In_cluster_uses_the_service_account_files_and_rereads_a_rotated_token()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var root = Directory.CreateDirectory(Path.Combine(_directory, "serviceaccount")).FullName;
        var first = cluster.Server.AddServiceAccountToken("media", "starrops", "*");
        File.WriteAllText(Path.Combine(root, "token"), first);
        File.WriteAllText(Path.Combine(root, "ca.crt"), cluster.Server.CertificateAuthorityPem);
        File.WriteAllText(Path.Combine(root, "namespace"), "media");
        var environment = new Hashtable { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = cluster.Server.Url.Port.ToString(), ["HOME"] = _directory };

        Assert.True(KubernetesConfigLoader.IsInCluster(environment, root));
        using var client = new KubernetesClient(KubernetesConfigLoader.Load(environment: environment, serviceAccountRoot: root));
        await client.GetSecretAsync(client.DefaultNamespace, FakeMediaStack.SecretName, CancellationToken.None);
        // The kubelet rotates the projected token; the old one stops working.
        var second = cluster.Server.AddServiceAccountToken("media", "starrops", "*");
        File.WriteAllText(Path.Combine(root, "token"), second);
        File.SetLastWriteTimeUtc(Path.Combine(root, "token"), DateTime.UtcNow.AddSeconds(5));
        cluster.Server.ExpireToken(first);
        await client.GetSecretAsync(client.DefaultNamespace, FakeMediaStack.SecretName, CancellationToken.None);
        var exec = await client.ExecAsync(client.DefaultNamespace, "sonarr-0", null, ["cat", "/etc/hostname"], null, CancellationToken.None);

        Assert.Equal("sonarr-0\n", exec.EnsureSuccess().Stdout);
        Assert.Equal("media", client.DefaultNamespace);
        Assert.Equal(new Uri($"https://127.0.0.1:{cluster.Server.Url.Port}"), client.Connection.Server);
        Assert.Equal(2, cluster.Server.Requests.Count(r => r.StatusCode == 200));
        Assert.DoesNotContain(cluster.Server.Requests, r => r.StatusCode == 401);
        Assert.Equal("system:serviceaccount:media:starrops", cluster.Server.Requests[^1].User);
    }

    [Fact]
    public async Task A_token_file_rewritten_without_a_new_timestamp_is_read_again_after_a_401()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var root = Directory.CreateDirectory(Path.Combine(_directory, "sa")).FullName;
        var tokenPath = Path.Combine(root, "token");
        var first = cluster.Server.AddServiceAccountToken("media", "starrops", "*");
        File.WriteAllText(tokenPath, first);
        var stamp = File.GetLastWriteTimeUtc(tokenPath);
        File.WriteAllText(Path.Combine(root, "ca.crt"), cluster.Server.CertificateAuthorityPem);
        using var client = new KubernetesClient(KubernetesConfigLoader.InCluster(root,
            new Hashtable { ["KUBERNETES_SERVICE_HOST"] = "127.0.0.1", ["KUBERNETES_SERVICE_PORT"] = cluster.Server.Url.Port.ToString() }));
        await client.GetConfigMapAsync("media", FakeMediaStack.ConfigMapName, CancellationToken.None);

        File.WriteAllText(tokenPath, cluster.Server.AddServiceAccountToken("media", "starrops", "*"));
        File.SetLastWriteTimeUtc(tokenPath, stamp);
        cluster.Server.ExpireToken(first);
        var configMap = await client.GetConfigMapAsync("media", FakeMediaStack.ConfigMapName, CancellationToken.None);

        Assert.Equal("default", client.DefaultNamespace);
        Assert.Equal(FakeMediaStack.ConfigMapName, configMap.Name);
        Assert.Equal(1, cluster.Server.Requests.Count(r => r.StatusCode == 401));
    }

    [Fact]
    public void Outside_a_pod_in_cluster_config_explains_what_is_missing()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.InCluster(_directory, new Hashtable()));

        Assert.Contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set", error.Message);
    }

    [Fact]
    public async Task An_exec_plugin_token_is_cached_until_it_expires()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddToken("plugin-" + Guid.NewGuid().ToString("N"), "oidc:alice", "*");
        var counter = Path.Combine(_directory, "runs");
        var script = Plugin("get-token", $$$"""
            echo run >> '{{{counter}}}'
            test "$PLUGIN_MODE" = lab || exit 9
            case "$KUBERNETES_EXEC_INFO" in *'"apiVersion":"client.authentication.k8s.io/v1"'*) ;; *) exit 8;; esac
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"{{{token}}}","expirationTimestamp":"2099-01-01T00:00:00Z"}}'
            """);
        var path = Write("exec", ExecKubeconfig(cluster, script, "[--cluster, lab]", "[{name: PLUGIN_MODE, value: lab}]"));

        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));
        await client.GetConfigMapAsync("media", FakeMediaStack.ConfigMapName, CancellationToken.None);
        // KubernetesClient runs the plugin when it reads the kubeconfig and once more for its token provider's first request.
        var runsAfterFirstRequest = File.ReadAllLines(counter).Length;
        await client.GetSecretAsync("media", FakeMediaStack.SecretName, CancellationToken.None);
        await client.ExecAsync("media", "sonarr-0", "sonarr", ["true"], null, CancellationToken.None);

        Assert.Equal("exec plugin get-token", client.Connection.AuthenticationMethod);
        Assert.Equal(runsAfterFirstRequest, File.ReadAllLines(counter).Length);
        Assert.InRange(runsAfterFirstRequest, 1, 2);
        Assert.Equal(3, cluster.Server.Requests.Count(r => r.StatusCode is 200 or 101));
        Assert.All(cluster.Server.Requests, r => Assert.Equal("oidc:alice", r.User));
    }

    [Fact]
    public async Task An_expired_exec_plugin_token_is_fetched_again()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var token = cluster.Server.AddToken("plugin-" + Guid.NewGuid().ToString("N"), "oidc:alice", "*");
        var counter = Path.Combine(_directory, "runs");
        var script = Plugin("short-lived", $$$"""
            echo run >> '{{{counter}}}'
            echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"{{{token}}}","expirationTimestamp":"2000-01-01T00:00:00Z"}}'
            """);
        var path = Write("exec", ExecKubeconfig(cluster, script, "[]", "[]", "client.authentication.k8s.io/v1beta1"));

        using var client = new KubernetesClient(KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));
        await client.GetConfigMapAsync("media", FakeMediaStack.ConfigMapName, CancellationToken.None);
        var runs = File.ReadAllLines(counter).Length;
        await client.GetConfigMapAsync("media", FakeMediaStack.ConfigMapName, CancellationToken.None);

        Assert.Equal(runs + 1, File.ReadAllLines(counter).Length);
    }

    [Fact]
    public void A_failing_exec_plugin_reports_its_stderr_but_not_its_output()
    {
        var script = Plugin("broken", """
            echo '{"kind":"ExecCredential","status":{"token":"leaky-token-123"}}'
            echo 'error: refresh token expired, run az login' >&2
            exit 3
            """);
        var garbage = Plugin("garbage", """
            echo 'token=leaky-token-456 (not JSON)'
            """);
        var path = Write("exec", ExecKubeconfig("https://127.0.0.1:1", script, "[]", "[]"));
        var garbagePath = Write("exec-garbage", ExecKubeconfig("https://127.0.0.1:1", garbage, "[]", "[]"));

        // KubernetesClient runs the plugin when it reads the kubeconfig.
        var error = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));
        var garbageError = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.FromKubeconfig(garbagePath, environment: new Hashtable()));

        Assert.Equal($"The Kubernetes credential plugin \"{script}\" of kubeconfig user \"fake-user\" failed: api version  does not match client.authentication.k8s.io/v1; it wrote: error: refresh token expired, run az login",
            error.Message);
        Assert.Equal($"The Kubernetes credential plugin \"{garbage}\" of kubeconfig user \"fake-user\" did not print an ExecCredential JSON object", garbageError.Message);
        Assert.DoesNotContain("leaky-token", error.Message + error + garbageError);
    }

    [Fact]
    public void An_auth_provider_user_is_refused_with_the_way_out()
    {
        var path = Write("config", Kubeconfig("gke", "https://10.0.0.1", token: null, currentContext: "gke", userExtra: "    auth-provider: {name: gcp}\n"));

        var error = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));

        Assert.Contains("auth-provider \"gcp\"", error.Message);
        Assert.Contains("exec credential plugin", error.Message);
    }

    [Fact]
    public void Invalid_yaml_names_the_file_and_line()
    {
        var path = Write("config", "apiVersion: v1\nclusters: [\n  - name: x\n    cluster: {server: \n");

        var error = Assert.Throws<StarrConfigurationException>(() => KubernetesConfigLoader.FromKubeconfig(path, environment: new Hashtable()));

        Assert.StartsWith($"The kubeconfig {path} is not valid YAML (line ", error.Message);
    }

    private string Plugin(string name, string body)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string ExecKubeconfig(FakeCluster cluster, string command, string args, string env, string apiVersion = "client.authentication.k8s.io/v1") =>
        ExecKubeconfig(cluster.Server.Url.AbsoluteUri.TrimEnd('/'), command, args, env, apiVersion, cluster.Server.CertificateAuthorityPem);

    private static string ExecKubeconfig(string server, string command, string args, string env, string apiVersion = "client.authentication.k8s.io/v1",
        string? certificateAuthorityPem = null) => $"""
        apiVersion: v1
        kind: Config
        current-context: fake
        clusters:
        - name: fake-cluster
          cluster:
            server: {server}
            {(certificateAuthorityPem is null ? "insecure-skip-tls-verify: true" : "certificate-authority-data: " + Convert.ToBase64String(Encoding.UTF8.GetBytes(certificateAuthorityPem)))}
        users:
        - name: fake-user
          user:
            exec:
              apiVersion: {apiVersion}
              command: {command}
              args: {args}
              env: {env}
              interactiveMode: Never
        contexts:
        - name: fake
          context: {"{"}cluster: fake-cluster, user: fake-user, namespace: media{"}"}
        """;

    private static string Kubeconfig(string name, string server, string? token, string? currentContext = null, string? ns = null, string userExtra = "")
    {
        var text = new StringBuilder("apiVersion: v1\nkind: Config\n");
        if (currentContext is not null) text.Append($"current-context: {currentContext}\n");
        text.Append($"clusters:\n- name: {name}\n  cluster:\n    server: {server}\n");
        text.Append($"users:\n- name: {name}\n  user:\n{(token is null ? "" : $"    token: {token}\n")}{userExtra}");
        text.Append($"contexts:\n- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n{(ns is null ? "" : $"    namespace: {ns}\n")}");
        return text.ToString();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
