using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;

namespace StarrOps.Tests.Kubernetes;

/// <summary>
/// Loading KubernetesClient and building a client from a kubeconfig costs ~0.6 s of CPU and 30 MiB: a CronJob that
/// reconciles from the environment must not pay it, and the core's Kubernetes facade must not pull it in by its types.
/// </summary>
public sealed class LazyKubernetesClientLoadingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("starrops-lazy-k8s-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Loads StarrOps.Core on its own and records which assemblies it asks for.</summary>
    private sealed class IsolatedContext(string directory) : AssemblyLoadContext(isCollectible: true)
    {
        public List<string> Requested { get; } = [];

        protected override Assembly? Load(AssemblyName name)
        {
            lock (Requested) Requested.Add(name.Name!);
            var path = Path.Combine(directory, name.Name + ".dll");
            return name.Name is "KubernetesClient" or "YamlDotNet" or "Fractions" && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    [Fact]
    public void The_environment_path_and_the_facades_types_do_not_load_KubernetesClient_and_a_kubeconfig_does()
    {
        var corePath = typeof(KubernetesClient).Assembly.Location;
        var context = new IsolatedContext(Path.GetDirectoryName(corePath)!);
        var kubeconfig = Path.Combine(_directory, "config");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            current-context: c
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {token: lazy-test-token}}]
            contexts: [{name: c, context: {cluster: c, user: u, namespace: media}}]
            """);
        try
        {
            var core = context.LoadFromAssemblyPath(corePath);
            var env = new Hashtable { ["SONARR_URL"] = "http://sonarr:8989", ["SONARR_API_KEY"] = "isolated-key-0123456789", ["HOME"] = _directory };
            core.GetType(typeof(DesiredStateLoader).FullName!)!.GetMethod(nameof(DesiredStateLoader.Load))!.Invoke(null, [null, env, null]);
            core.GetType(typeof(EnvironmentInstanceSource).FullName!)!.GetMethod(nameof(EnvironmentInstanceSource.Read))!.Invoke(null, [env]);
            var loader = core.GetType(typeof(KubernetesConfigLoader).FullName!)!;
            loader.GetMethod(nameof(KubernetesConfigLoader.IsInCluster))!.Invoke(null, [env, _directory]);
            // What pwsh does to the cmdlets' types on import, for the core's Kubernetes types: their members are all reflected over.
            foreach (var type in core.GetExportedTypes().Where(t => t.Namespace?.StartsWith("StarrOps.Core.Kubernetes", StringComparison.Ordinal) == true))
            {
                _ = type.GetMembers();
                System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }
            Assert.DoesNotContain("KubernetesClient", context.Requested);

            var connection = loader.GetMethod(nameof(KubernetesConfigLoader.FromKubeconfig))!.Invoke(null, [kubeconfig, null, env])!;
            Assert.Contains("KubernetesClient", context.Requested);
            Assert.Equal("media", connection.GetType().GetProperty(nameof(KubernetesConnection.Namespace))!.GetValue(connection));
        }
        finally
        {
            context.Unload();
        }
    }
}
