using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

/// <summary>One named cluster, user or context of a kubeconfig, with the file it came from (relative paths resolve against it).</summary>
internal sealed record KubeconfigEntry(string Name, JsonObject Body, string File)
{
    public string Directory => Path.GetDirectoryName(Path.GetFullPath(File)) ?? ".";

    public string? String(string key) => KubeJson.String(Body, key);

    /// <summary>A path from the kubeconfig, made absolute against the kubeconfig's folder (as kubectl does).</summary>
    public string? FilePath(string key) => String(key) is { Length: > 0 } path ? Path.GetFullPath(Path.Combine(Directory, ExpandHome(path))) : null;

    public bool Flag(string key) => String(key) is { } text && bool.TryParse(text, out var value) && value;

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;
}

/// <summary>
/// Kubeconfig files merged the way kubectl merges the files listed in KUBECONFIG: for each cluster,
/// user and context name the first file that defines it wins, and so does the first current-context.
/// </summary>
internal sealed class Kubeconfig
{
    private Kubeconfig(IReadOnlyList<string> files) => Files = files;

    public IReadOnlyList<string> Files { get; }
    public string? CurrentContext { get; private set; }
    public Dictionary<string, KubeconfigEntry> Clusters { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, KubeconfigEntry> Users { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, KubeconfigEntry> Contexts { get; } = new(StringComparer.Ordinal);

    public string Describe() => Files.Count == 1 ? Files[0] : string.Join(Path.PathSeparator, Files);

    public static Kubeconfig Load(IReadOnlyList<string> files)
    {
        var config = new Kubeconfig(files);
        foreach (var file in files)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StarrConfigurationException($"The kubeconfig {file} cannot be read: {ex.Message}");
            }
            config.Merge(KubeconfigYaml.Parse(text, file), file);
        }
        return config;
    }

    private void Merge(JsonObject document, string file)
    {
        if (string.IsNullOrEmpty(CurrentContext)) CurrentContext = KubeJson.String(document, "current-context");
        AddAll(document, "clusters", "cluster", Clusters, file);
        AddAll(document, "users", "user", Users, file);
        AddAll(document, "contexts", "context", Contexts, file);
    }

    private static void AddAll(JsonObject document, string listKey, string bodyKey, Dictionary<string, KubeconfigEntry> into, string file)
    {
        foreach (var item in KubeJson.Objects(document, listKey))
        {
            if (KubeJson.String(item, "name") is not { Length: > 0 } name) continue;
            into.TryAdd(name, new KubeconfigEntry(name, item[bodyKey] as JsonObject ?? [], file));
        }
    }
}
