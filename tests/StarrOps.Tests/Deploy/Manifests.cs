using System.Diagnostics;
using System.Text.Json.Nodes;
using StarrOps.Tests.Support;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace StarrOps.Tests.Deploy;

/// <summary>Renders deploy/ variants with the real <c>kubectl kustomize</c> and reads the YAML as JSON nodes.</summary>
internal static class Manifests
{
    public static string? Kubectl { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "kubectl")).FirstOrDefault(File.Exists);

    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string variant)
    {
        var home = Directory.CreateTempSubdirectory("starrops-kustomize-").FullName;
        try
        {
            var start = new ProcessStartInfo(Kubectl!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("kustomize");
            start.ArgumentList.Add(RepoPaths.File(["deploy", .. variant.Split('/', StringSplitOptions.RemoveEmptyEntries)]));
            start.Environment["HOME"] = home; // nothing of the machine's kubectl config is read or written
            start.Environment.Remove("KUBECONFIG");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"kubectl kustomize deploy/{variant} failed: {await stderr}");
            return ParseAll(await stdout);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Every document of a multi-document YAML stream (scalars come back as strings).</summary>
    public static IReadOnlyList<JsonObject> ParseAll(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var json = new SerializerBuilder().JsonCompatible().Build();
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        var documents = new List<JsonObject>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (document is not null) documents.Add((JsonObject)JsonNode.Parse(json.Serialize(document))!);
        }
        return documents;
    }

    public static JsonObject Single(IReadOnlyList<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects, o => S(o["kind"]) == kind && S(o["metadata"]?["name"]) == name);

    public static string? S(JsonNode? node) => node?.GetValue<string>();

    public static IEnumerable<JsonNode> Items(JsonNode? array) => (array as JsonArray ?? []).OfType<JsonNode>();

    /// <summary>The pod template of a Job or CronJob.</summary>
    public static JsonNode PodSpec(JsonObject workload) =>
        S(workload["kind"]) == "CronJob" ? workload["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]! : workload["spec"]!["template"]!["spec"]!;

    public static JsonNode JobSpec(JsonObject workload) =>
        S(workload["kind"]) == "CronJob" ? workload["spec"]!["jobTemplate"]!["spec"]! : workload["spec"]!;
}

internal sealed class KustomizeFactAttribute : FactAttribute
{
    public KustomizeFactAttribute()
    {
        if (Manifests.Kubectl is null) Skip = "kubectl is not installed";
    }
}

internal sealed class KustomizeTheoryAttribute : TheoryAttribute
{
    public KustomizeTheoryAttribute()
    {
        if (Manifests.Kubectl is null) Skip = "kubectl is not installed";
    }
}
