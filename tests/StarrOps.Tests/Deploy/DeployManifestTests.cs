using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StarrOps.Tests.Support;
using static StarrOps.Tests.Deploy.Manifests;

namespace StarrOps.Tests.Deploy;

public sealed class DeployManifestTests
{
    /// <summary>
    /// What the CronJob, the one-off Job and the image run. Module-qualified, so that pwsh imports StarrOps at once
    /// instead of first searching every PATH folder for a program of that name (docs/decisions/0004).
    /// </summary>
    internal static readonly string[] ReconcileCommand = ["pwsh", "-NoLogo", "-NonInteractive", "-c", @"StarrOps\Invoke-StarrReconcile"];

    private static string[] Strings(JsonNode? array) => Items(array).Select(n => n.GetValue<string>()).ToArray();

    private static string Rule(JsonNode rule) =>
        $"{string.Join(',', Strings(rule["verbs"]))} {string.Join(',', Strings(rule["resources"]))}" +
        (rule["resourceNames"] is null ? "" : $" [{string.Join(',', Strings(rule["resourceNames"]))}]");

    [KustomizeFact]
    public async Task Base_Role_grants_only_named_reads_and_lists()
    {
        var objects = await RenderAsync("base");

        var role = Single(objects, "Role", "starrops");
        Assert.Equal(["get secrets [starr-secrets]", "get configmaps [starr-common-config]", "list services,pods"], Items(role["rules"]).Select(Rule));
        Assert.All(Items(role["rules"]), rule => Assert.Equal([""], Strings(rule["apiGroups"])));
        var binding = Single(objects, "RoleBinding", "starrops");
        Assert.Equal("starrops", S(binding["roleRef"]!["name"]));
        Assert.Equal("ServiceAccount starrops", $"{S(binding["subjects"]![0]!["kind"])} {S(binding["subjects"]![0]!["name"])}");
        Single(objects, "ServiceAccount", "starrops");
    }

    [KustomizeFact]
    public async Task Base_CronJob_runs_the_reconcile_hourly_one_at_a_time_with_deadlines()
    {
        var cronJob = Single(await RenderAsync("base"), "CronJob", "starrops-reconcile");
        var spec = cronJob["spec"]!;

        Assert.Matches(@"^\d{1,2} \* \* \* \*$", S(spec["schedule"]));
        Assert.Equal("Forbid", S(spec["concurrencyPolicy"]));
        Assert.True(int.Parse(S(spec["startingDeadlineSeconds"])!) > 0);
        var job = JobSpec(cronJob);
        Assert.InRange(int.Parse(S(job["backoffLimit"])!), 0, 3);
        Assert.InRange(int.Parse(S(job["activeDeadlineSeconds"])!), 60, 3600);
        var container = PodSpec(cronJob)["containers"]![0]!;
        Assert.Equal(ReconcileCommand, Strings(container["command"]));
        Assert.Equal("starrops", S(PodSpec(cronJob)["serviceAccountName"]));
        Assert.Equal(["secretRef starr-secrets", "configMapRef starr-common-config"],
            Items(container["envFrom"]).Select(e => e.AsObject().Single() is var (kind, reference) ? $"{kind} {S(reference!["name"])}" : ""));
    }

    public static TheoryData<string, string, string> Workloads() => new()
    {
        { "base", "CronJob", "starrops-reconcile" },
        { "base", "Job", "starrops-reconcile-once" },
        { "overlays/vpn-check", "CronJob", "starrops-vpn-check" },
        { "overlays/argocd", "Job", "starrops-reconcile-once" },
    };

    [KustomizeTheory]
    [MemberData(nameof(Workloads))]
    public async Task Every_pod_is_hardened_and_bounded(string variant, string kind, string name)
    {
        var workload = Single(await RenderAsync(variant), kind, name);
        var pod = PodSpec(workload);
        var container = pod["containers"]![0]!;

        Assert.Equal("true", S(pod["securityContext"]!["runAsNonRoot"]));
        Assert.NotEqual("0", S(pod["securityContext"]!["runAsUser"]));
        Assert.Equal("RuntimeDefault", S(pod["securityContext"]!["seccompProfile"]!["type"]));
        var security = container["securityContext"]!;
        Assert.Equal("true", S(security["readOnlyRootFilesystem"]));
        Assert.Equal("false", S(security["allowPrivilegeEscalation"]));
        Assert.Equal(["ALL"], Strings(security["capabilities"]!["drop"]));
        Assert.Equal("64Mi 50m 128Mi 500m", string.Join(' ', S(container["resources"]!["requests"]!["memory"]), S(container["resources"]!["requests"]!["cpu"]),
            S(container["resources"]!["limits"]!["memory"]), S(container["resources"]!["limits"]!["cpu"])));
        // A read-only root needs somewhere to write: /tmp is an emptyDir.
        var mount = Assert.Single(Items(container["volumeMounts"]), m => S(m["mountPath"]) == "/tmp");
        var volume = Assert.Single(Items(pod["volumes"]), v => S(v["name"]) == S(mount["name"]));
        Assert.NotNull(volume["emptyDir"]);
        Assert.Equal("Never", S(pod["restartPolicy"]));
        Assert.Matches(@"^ghcr\.io/starrops/starrops:\d+\.\d+\.\d+$", S(container["image"]));
    }

    [KustomizeFact]
    public async Task Base_has_no_exec_right_and_vpn_check_adds_it_with_a_check_CronJob()
    {
        var baseRole = Single(await RenderAsync("base"), "Role", "starrops");
        var vpn = await RenderAsync("overlays/vpn-check");
        var vpnRole = Single(vpn, "Role", "starrops");

        Assert.DoesNotContain(Items(baseRole["rules"]), r => Strings(r["resources"]).Contains("pods/exec"));
        Assert.Equal(["get secrets [starr-secrets]", "get configmaps [starr-common-config]", "list services,pods", "create pods/exec", "get pods"],
            Items(vpnRole["rules"]).Select(Rule));
        var check = Single(vpn, "CronJob", "starrops-vpn-check");
        Assert.Equal(["pwsh", "-NoLogo", "-NonInteractive", "-c", @"StarrOps\Test-StarrVpnRoute"], Strings(PodSpec(check)["containers"]![0]!["command"]));
        Assert.Equal("Forbid", S(check["spec"]!["concurrencyPolicy"]));
        Single(vpn, "CronJob", "starrops-reconcile");
    }

    [KustomizeFact]
    public async Task ArgoCD_overlay_makes_the_one_shot_Job_a_PostSync_hook()
    {
        var objects = await RenderAsync("overlays/argocd");

        var annotations = Single(objects, "Job", "starrops-reconcile-once")["metadata"]!["annotations"]!;
        Assert.Equal("PostSync", S(annotations["argocd.argoproj.io/hook"]));
        Assert.Contains("BeforeHookCreation", S(annotations["argocd.argoproj.io/hook-delete-policy"])!.Split(','));
        Assert.Null(Single(objects, "CronJob", "starrops-reconcile")["metadata"]!["annotations"]?["argocd.argoproj.io/hook"]);
    }

    [KustomizeFact]
    public async Task The_values_file_sets_namespace_image_and_schedule()
    {
        var objects = await RenderAsync(".");
        var values = File.ReadAllText(RepoPaths.File("deploy", "kustomization.yaml"));

        var ns = Regex.Match(values, @"(?m)^namespace:\s*(\S+)").Groups[1].Value;
        var tag = Regex.Match(values, @"(?m)^\s+newTag:\s*(\S+)").Groups[1].Value;
        var schedule = Regex.Match(values, @"(?m)^\s+value:\s*""([^""]+)""").Groups[1].Value;
        Assert.Equal("media", ns);
        Assert.All(objects, o => Assert.Equal(ns, S(o["metadata"]!["namespace"])));
        Assert.Equal(ns, S(Single(objects, "RoleBinding", "starrops")["subjects"]![0]!["namespace"]));
        var cronJob = Single(objects, "CronJob", "starrops-reconcile");
        Assert.Equal(schedule, S(cronJob["spec"]!["schedule"]));
        Assert.Equal($"ghcr.io/starrops/starrops:{tag}", S(PodSpec(cronJob)["containers"]![0]!["image"]));
    }

    [Fact]
    public void Flux_example_points_a_Flux_Kustomization_at_deploy_base()
    {
        var flux = Assert.Single(ParseAll(File.ReadAllText(RepoPaths.File("deploy", "flux", "starrops.yaml"))));

        Assert.Equal("kustomize.toolkit.fluxcd.io/v1", S(flux["apiVersion"]));
        Assert.Equal("Kustomization", S(flux["kind"]));
        var path = S(flux["spec"]!["path"])!;
        Assert.Equal("./deploy/base", path);
        Assert.True(File.Exists(RepoPaths.File([.. path.TrimStart('.', '/').Split('/'), "kustomization.yaml"])));
        Assert.Equal("GitRepository", S(flux["spec"]!["sourceRef"]!["kind"]));
        Assert.Equal("true", S(flux["spec"]!["prune"]));
    }

    /// <summary>Every folder under deploy/ whose kustomization.yaml kustomize would read (found on disk, so a new one is covered too).</summary>
    public static TheoryData<string> KustomizeFolders() => new(Folders());

    private static IEnumerable<string> Folders()
    {
        var deploy = RepoPaths.File("deploy");
        return Directory.GetFiles(deploy, "kustomization.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(file => Path.GetRelativePath(deploy, Path.GetDirectoryName(file)!).Replace('\\', '/'));
    }

    [KustomizeTheory]
    [MemberData(nameof(KustomizeFolders))]
    public async Task Every_kustomization_under_deploy_renders_with_kubectl_kustomize(string folder)
    {
        var objects = await RenderAsync(folder == "." ? "" : folder);

        Assert.NotEmpty(objects);
        Assert.All(objects, o => Assert.False(string.IsNullOrEmpty(S(o["kind"])), $"an object of deploy/{folder} has no kind"));
    }

    [Fact]
    public void The_Flux_example_is_not_named_like_a_kustomize_file()
    {
        // A Flux Kustomization named kustomization.yaml made `kubectl kustomize deploy/flux` fail (unknown field "spec").
        Assert.False(File.Exists(RepoPaths.File("deploy", "flux", "kustomization.yaml")));
        Assert.Contains("./deploy/base", File.ReadAllText(RepoPaths.File("deploy", "flux", "starrops.yaml")));
        Assert.Contains("base", Folders());
    }
}
