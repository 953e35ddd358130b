using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StarrOps.Core.Services;
using StarrOps.TestKit;

namespace StarrOps.Tests.Core;

public sealed class CamelCaseTests
{
    [Theory]
    [InlineData("apiKey", "api_Key")]
    [InlineData("downloadClientPassword", "download_Client_Password")]
    [InlineData("tv4K", "tv4_K")]
    [InlineData("URLBase", "URLBase")] // no lower-case letter or digit before an upper-case one
    [InlineData("bypass_local_auth", "bypass_local_auth")]
    [InlineData("", "")]
    [InlineData("aBcD", "a_Bc_D")]
    public void Underscores_each_lower_to_upper_boundary(string name, string expected) =>
        Assert.Equal(expected, CamelCase.Underscored(name));

    [Fact]
    public void Splits_every_field_name_of_the_recorded_apps_as_the_regex_it_replaced_did()
    {
        var names = Fixtures.Names.Where(n => n.EndsWith(".json", StringComparison.Ordinal))
            .SelectMany(n => Names(Fixtures.Json(n))).Distinct().ToList();

        Assert.True(names.Count > 200, $"only {names.Count} names found in the fixtures");
        Assert.All(names, name => Assert.Equal(Regex.Replace(name, "([a-z0-9])([A-Z])", "$1_$2"), CamelCase.Underscored(name)));
    }

    // Property names, and the "name" of every provider field, as the secret check and the exporter see them.
    private static IEnumerable<string> Names(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => (p.Key == "name" && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? [p.Key, s] : new[] { p.Key }).Concat(Names(p.Value))),
        JsonArray array => array.SelectMany(Names),
        _ => [],
    };
}
