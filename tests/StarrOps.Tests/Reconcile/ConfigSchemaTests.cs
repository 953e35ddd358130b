using System.Text.Json.Nodes;
using StarrOps.Core.Config;

namespace StarrOps.Tests.Reconcile;

/// <summary>module/StarrOps.schema.json is what editors validate against: it must list exactly what the loader accepts.</summary>
public sealed class ConfigSchemaTests
{
    private static JsonObject LoadSchema() => LoadSchema(ThisFile());

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static JsonObject LoadSchema(string sourceFile)
    {
        // The repository root: above the test binaries, or else above this source file.
        var directory = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Path.GetDirectoryName(sourceFile)!);
        Assert.NotNull(directory);
        var path = Path.Combine(directory!.FullName, "module", "StarrOps.schema.json");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    private static DirectoryInfo? FindRoot(string start)
    {
        var directory = new DirectoryInfo(start);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StarrOps.sln"))) directory = directory.Parent;
        return directory;
    }

    public static TheoryData<string> Definitions() => new(ConfigKeys.ByDefinition.Keys);

    [Theory]
    [MemberData(nameof(Definitions))]
    public void Schema_lists_exactly_the_keys_the_loader_accepts(string definition)
    {
        var schema = LoadSchema();
        var properties = schema["$defs"]?[definition]?["properties"]?.AsObject();
        Assert.True(properties is not null, $"$defs/{definition} is missing from the schema or has no properties.");
        Assert.Equal(ConfigKeys.ByDefinition[definition].Order(StringComparer.Ordinal), properties!.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Schema_top_level_is_the_root_definition()
    {
        var schema = LoadSchema();
        Assert.Equal(ConfigKeys.Root.Order(StringComparer.Ordinal), schema["properties"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_schema_definition_with_properties_is_checked()
    {
        var schema = LoadSchema();
        var withProperties = schema["$defs"]!.AsObject().Where(d => d.Value?["properties"] is JsonObject).Select(d => d.Key);
        Assert.Equal(withProperties.Order(StringComparer.Ordinal), ConfigKeys.ByDefinition.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Strict_definitions_reject_unknown_keys_like_the_loader()
    {
        var schema = LoadSchema();
        // The provider and indexer definitions are the open mappings: their other keys are the resource's top-level properties.
        foreach (var (name, definition) in schema["$defs"]!.AsObject())
        {
            if (definition?["properties"] is null || name is "provider" or "indexer" or "root") continue;
            Assert.True(definition["additionalProperties"]?.GetValue<bool>() == false, $"$defs/{name} should set additionalProperties: false");
        }
    }
}
