using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.TestKit;

namespace StarrOps.Tests.Core;

/// <summary>
/// Choosing a template by its name or Cardigann definition (Prowlarr's indexers), what a user is told when none matches,
/// and which of a resource's own keys can never be set as properties.
/// </summary>
public sealed class ProviderEditorTemplateTests
{
    /// <summary>Prowlarr's recorded indexer /schema (nine templates, several sharing a definitionName), plus <paramref name="more"/>.</summary>
    private static IReadOnlyList<ProviderResource> IndexerSchema(params JsonObject[] more) =>
        Fixtures.Array("prowlarr/indexer/schema.json").OfType<JsonObject>().Concat(more)
            .Select(o => new ProviderResource(o, ProviderKind.Indexer, "prowlarr")).ToList();

    private static JsonObject Cardigann(string name, string definitionName) =>
        new() { ["name"] = name, ["implementation"] = "Cardigann", ["definitionName"] = definitionName, ["fields"] = new JsonArray() };

    private static ProviderResource Find(IReadOnlyList<ProviderResource> schema, string templateName) =>
        ProviderEditor.FindTemplate(schema, ProviderKind.Indexer, "Cardigann", "prowlarr", templateName);

    [Fact]
    public void A_definition_is_chosen_by_its_name_first_then_by_its_definition_name_without_regard_to_case()
    {
        var schema = IndexerSchema(Cardigann("The Pirate Bay", "thepiratebay"), Cardigann("thepiratebay", "tpb-mirror"));

        Assert.Equal("Generic Torznab", Find(schema, "generic torznab").Name);
        Assert.Equal("thepiratebay", Find(schema, "ThePirateBay").Name); // a template's name wins over another's definitionName
        Assert.Equal("thepiratebay", Find(schema, "TPB-MIRROR").Name);   // no template has that name: its definitionName does
        Assert.Null(ProviderEditor.TryFindNamedTemplate(schema, "1337x"));
    }

    [Fact]
    public void An_unknown_definition_names_the_nearest_and_lists_every_name_once_alphabetically()
    {
        var schema = IndexerSchema(new JsonObject { ["name"] = "", ["implementation"] = "Unnamed", ["fields"] = new JsonArray() });

        var error = Assert.Throws<StarrFieldException>(() => Find(schema, "Generic Torznb"));

        string[] names = ["Anidex", "AnimeTosho", "FileList.io", "Generic Newznab", "Generic Torznab", "Knaben", "MoreThanTV", "Newznab", "NZBgeek", "Torrent Network", "Torznab"];
        Assert.Equal(names, error.ValidNames);
        Assert.Equal(names, ProviderEditor.TemplateNames(schema));
        Assert.Equal(("Generic Torznb", "definition"), (error.Implementation, error.Field));
        Assert.Equal($"prowlarr has no indexer definition 'Generic Torznb' (did you mean 'Generic Torznab'?). Definitions: {string.Join(", ", names)}.", error.Message);
    }

    [Fact]
    public void A_definition_far_from_every_name_gets_no_guess()
    {
        var error = Assert.Throws<StarrFieldException>(() => Find(IndexerSchema(), "qqqqqqqqqqqqqqqqqqqq"));

        Assert.DoesNotContain("did you mean", error.Message);
        Assert.StartsWith("prowlarr has no indexer definition 'qqqqqqqqqqqqqqqqqqqq'. Definitions: Anidex, ", error.Message);
    }

    [Fact]
    public void Hundreds_of_definitions_are_shown_as_the_first_twelve_and_a_count_but_twelve_are_shown_whole()
    {
        static IReadOnlyList<ProviderResource> Definitions(int count) => Enumerable.Range(1, count)
            .Select(i => new ProviderResource(Cardigann($"Tracker {i:00}", $"tracker{i:00}"), ProviderKind.Indexer, "prowlarr")).ToList();

        var many = Assert.Throws<StarrFieldException>(() => Find(Definitions(20), "nothing like it at all"));
        // Each definitionName differs from its name only in case and spacing, so both stay choosable: 40 names.
        Assert.Equal(40, many.ValidNames.Count);
        var firstTwelve = string.Join(", ", Enumerable.Range(1, 12).Select(i => $"Tracker {i:00}"));
        Assert.Equal($"prowlarr has no indexer definition 'nothing like it at all'. Definitions: {firstTwelve} … (40 in all; Get-StarrSchema lists them).", many.Message);

        var six = Assert.Throws<StarrFieldException>(() => Find(Definitions(6), "nothing like it at all"));
        Assert.Equal(12, six.ValidNames.Count);
        Assert.EndsWith($"Definitions: {string.Join(", ", six.ValidNames)}.", six.Message);
    }

    [Theory]
    [InlineData("id", "Webhook")]
    [InlineData("ID", "Webhook")]
    [InlineData("fields", "Webhook")]
    [InlineData("implementation", "Webhook")]
    [InlineData("configContract", "Webhook")]
    [InlineData("ConfigContract", "Webhook")]
    [InlineData("implementationName", "Webhook")]
    [InlineData("infoLink", "Webhook")]
    [InlineData("message", "CustomScript")]
    [InlineData("presets", "Webhook")]
    public void A_key_the_app_owns_is_never_set_as_a_property(string key, string implementation)
    {
        var schema = Fixtures.Array("sonarr/notification/schema.json").OfType<JsonObject>()
            .Select(o => new ProviderResource(o, ProviderKind.Notification, "sonarr")).ToList();
        var provider = ProviderEditor.FindTemplate(schema, ProviderKind.Notification, implementation, "sonarr").Clone();
        provider.Json["id"] = 7; // as fetched
        provider.Name = "Pulsarr";
        Assert.True(provider.Json.ContainsKey(key) || provider.Json.Any(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)));
        var before = provider.Json.ToJsonString();

        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(provider,
            new ProviderSettings(ProviderKind.Notification, "Pulsarr", implementation) { Properties = new Dictionary<string, object?> { [key] = "overwritten" } }, rotateSecrets: false));

        Assert.StartsWith($"{implementation} has no property '{key}'", error.Message);
        Assert.DoesNotContain(error.ValidNames, n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("onGrab", error.ValidNames);
        Assert.Equal(before, provider.Json.ToJsonString());
    }
}
