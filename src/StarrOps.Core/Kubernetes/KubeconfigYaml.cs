using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// The only code that touches YamlDotNet: turns a kubeconfig's YAML (or JSON, a subset of YAML) into a
/// JSON tree whose scalars are all strings, so that importing the module never loads the YAML library.
/// </summary>
internal static class KubeconfigYaml
{
    public static JsonObject Parse(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new StarrConfigurationException($"The kubeconfig {path} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.Message}");
        }
        if (stream.Documents.Count == 0) return [];
        return Convert(stream.Documents[0].RootNode) as JsonObject
            ?? throw new StarrConfigurationException($"The kubeconfig {path} is not a YAML mapping (apiVersion, clusters, contexts, users).");
    }

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: { } name }) obj[name] = Convert(value);
                }
                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray(sequence.Children.Select(Convert).ToArray());
            case YamlScalarNode scalar:
                return IsNull(scalar) ? null : JsonValue.Create(scalar.Value);
            default:
                return null;
        }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Value is null || (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL");
}
