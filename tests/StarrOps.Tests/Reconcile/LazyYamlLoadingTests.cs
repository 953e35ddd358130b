using System.Collections;
using System.Reflection;
using System.Runtime.Loader;
using StarrOps.Core.Config;

namespace StarrOps.Tests.Reconcile;

/// <summary>A CronJob that reconciles from the environment alone must not pay for loading the YAML library.</summary>
public sealed class LazyYamlLoadingTests
{
    /// <summary>Loads StarrOps.Core on its own and records which assemblies it asks for.</summary>
    private sealed class IsolatedContext(string directory) : AssemblyLoadContext(isCollectible: true)
    {
        public List<string> Requested { get; } = [];

        protected override Assembly? Load(AssemblyName name)
        {
            lock (Requested) Requested.Add(name.Name!);
            var path = Path.Combine(directory, name.Name + ".dll");
            return name.Name is "YamlDotNet" && File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    [Fact]
    public void Reading_the_environment_alone_does_not_load_YamlDotNet_and_reading_a_file_does()
    {
        var corePath = typeof(DesiredStateLoader).Assembly.Location;
        var context = new IsolatedContext(Path.GetDirectoryName(corePath)!);
        try
        {
            var loader = context.LoadFromAssemblyPath(corePath).GetType(typeof(DesiredStateLoader).FullName!)!;
            var env = new Hashtable { ["SONARR_URL"] = "http://sonarr:8989", ["SONARR_API_KEY"] = "isolated-key-0123456789" };

            loader.GetMethod(nameof(DesiredStateLoader.Load))!.Invoke(null, [null, env, null]);
            Assert.DoesNotContain("YamlDotNet", context.Requested);

            loader.GetMethod(nameof(DesiredStateLoader.Parse))!.Invoke(null, ["sonarr:\n  rootFolders: [/tv]\n", env, "x.yaml"]);
            Assert.Contains("YamlDotNet", context.Requested);
        }
        finally
        {
            context.Unload();
        }
    }
}
