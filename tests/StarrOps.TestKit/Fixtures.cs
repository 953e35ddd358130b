using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;

namespace StarrOps.TestKit;

/// <summary>
/// Reads the JSON files under <c>Fixtures/</c>, embedded with the LogicalName
/// <c>StarrOps.TestKit.Fixtures.%(RecursiveDir)%(Filename)%(Extension)</c>. RecursiveDir keeps the
/// OS path separator ("sonarr/downloadclient/" on Linux, "sonarr\downloadclient\" on Windows), so
/// names are normalised to forward slashes once and then looked up as <c>"sonarr/downloadclient/schema.json"</c>.
/// </summary>
public static class Fixtures
{
    private const string Prefix = "StarrOps.TestKit.Fixtures.";
    private static readonly Assembly Assembly = typeof(Fixtures).Assembly;
    private static readonly Lazy<IReadOnlyDictionary<string, string>> ResourceNames = new(ReadResourceNames);
    private static readonly ConcurrentDictionary<string, string> TextCache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, JsonNode> NodeCache = new(StringComparer.Ordinal);

    /// <summary>Relative paths of every embedded fixture, with forward slashes.</summary>
    public static IEnumerable<string> Names => ResourceNames.Value.Keys;

    /// <summary>The fixture's text, e.g. <c>Fixtures.Text("sonarr/system/status.json")</c>.</summary>
    public static string Text(string relativePath) => TextCache.GetOrAdd(Normalize(relativePath), static path =>
    {
        if (!ResourceNames.Value.TryGetValue(path, out var resourceName) &&
            !ResourceNames.Value.TryGetValue(path.Replace('/', '.'), out resourceName))
            throw new FileNotFoundException($"No embedded fixture '{path}'. Known: {string.Join(", ", ResourceNames.Value.Keys.Order())}");
        using var stream = Assembly.GetManifestResourceStream(resourceName)
            ?? throw new FileNotFoundException($"Embedded fixture '{resourceName}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>A fresh, mutable copy of the fixture parsed as JSON (parsed once per process).</summary>
    public static JsonNode Json(string relativePath) =>
        NodeCache.GetOrAdd(Normalize(relativePath), static path => JsonNode.Parse(Text(path)) ?? throw new InvalidDataException($"Fixture '{path}' is JSON null."))
            .DeepClone();

    public static JsonObject Object(string relativePath) => (JsonObject)Json(relativePath);

    public static JsonArray Array(string relativePath) => (JsonArray)Json(relativePath);

    private static string Normalize(string path) => path.Replace('\\', '/').TrimStart('/');

    private static IReadOnlyDictionary<string, string> ReadResourceNames()
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in Assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            names[Normalize(name[Prefix.Length..])] = name;
        }
        return names;
    }
}
