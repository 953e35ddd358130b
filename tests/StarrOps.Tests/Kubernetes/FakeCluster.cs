using System.Collections;
using System.Diagnostics;
using StarrOps.Core.Hosting;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.Kubernetes;

/// <summary>A fake API server seeded with the media stack, a temp folder, and kubeconfigs for it.</summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private FakeCluster(FakeKubernetesApiServer server, string directory)
    {
        Server = server;
        Directory = directory;
    }

    public FakeKubernetesApiServer Server { get; }
    public string Directory { get; }

    public static async Task<FakeCluster> StartAsync(bool seed = true)
    {
        var server = await FakeKubernetesApiServer.StartAsync();
        if (seed) FakeMediaStack.Seed(server);
        var directory = Path.Combine(Path.GetTempPath(), "starrops-k8s-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new FakeCluster(server, directory);
    }

    /// <summary>A kubeconfig for the server (admin token unless another is given).</summary>
    public string Kubeconfig(string? token = null, string name = "kubeconfig", (string, string)? clientCertificate = null) =>
        Server.WriteKubeconfig(Path.Combine(Directory, name), token, clientCertificate: clientCertificate);

    public KubernetesClient Client(string? token = null, IStarrHost? host = null) =>
        new(KubernetesConfigLoader.FromKubeconfig(Kubeconfig(token, "client-" + Guid.NewGuid().ToString("N")[..8]), environment: new Hashtable()), host);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A fact that runs only where the real kubectl is installed.</summary>
internal sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null) Skip = "kubectl is not installed";
    }
}

/// <summary>Runs the real kubectl with its own HOME and cache, so that nothing of the machine's config is read or written.</summary>
internal static class Kubectl
{
    public static string? Path { get; } = Find();

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(FakeCluster cluster, string kubeconfig, params string[] args) =>
        RunWithInputAsync(cluster, kubeconfig, null, args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunWithInputAsync(FakeCluster cluster, string kubeconfig, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Global flags go after the command (the gcloud kubectl dispatcher refuses them in front), before any "--".
        var split = Array.IndexOf(args, "--");
        var command = split < 0 ? args : args[..split];
        foreach (var arg in command) start.ArgumentList.Add(arg);
        start.ArgumentList.Add("--kubeconfig=" + kubeconfig);
        start.ArgumentList.Add("--cache-dir=" + System.IO.Path.Combine(cluster.Directory, "kubectl-cache"));
        if (split >= 0)
        {
            foreach (var arg in args[split..]) start.ArgumentList.Add(arg);
        }
        start.Environment["HOME"] = cluster.Directory;
        start.Environment.Remove("KUBECONFIG");
        using var process = Process.Start(start)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
        .FirstOrDefault(File.Exists);
}
