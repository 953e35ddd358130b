using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace StarrOps.Core.Config;

/// <summary>Turns the exporter's document model into YAML text with YamlDotNet's emitter (quoting, <c>!env</c> tags).</summary>
internal static class YamlExportWriter
{
    public static string Write(YamlMap document)
    {
        var stream = new YamlStream(new YamlDocument(ToNode(document)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // The emitter closes the document with "..."; a configuration file reads better without it.
        var lines = text.Split('\n').ToList();
        while (lines.Count > 0 && (lines[^1].Trim().Length == 0 || lines[^1].Trim() == "...")) lines.RemoveAt(lines.Count - 1);
        return string.Join('\n', lines) + "\n";
    }

    private static YamlNode ToNode(object? value) => value switch
    {
        YamlMap map => new YamlMappingNode(map.Entries.Select(e => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(e.Key), ToNode(e.Value)))),
        YamlList list => new YamlSequenceNode(list.Select(ToNode)) { Style = list.Flow ? SequenceStyle.Flow : SequenceStyle.Block },
        EnvReference reference => new YamlScalarNode(reference.Name) { Tag = "!env" },
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
        int or long or double or decimal => new YamlScalarNode(Convert.ToString(value, CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        string s => Text(s),
        System.Collections.IEnumerable items => new YamlSequenceNode(items.Cast<object?>().Select(ToNode)) { Style = SequenceStyle.Flow },
        _ => Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    // A string that a plain scalar would read back as something else (true, 8080, null, "") is quoted.
    private static YamlScalarNode Text(string text)
    {
        var ambiguous = text.Length == 0 || text is "~" || text.Equals("null", StringComparison.OrdinalIgnoreCase)
                        || text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("false", StringComparison.OrdinalIgnoreCase)
                        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        return new YamlScalarNode(text) { Style = ambiguous ? ScalarStyle.DoubleQuoted : ScalarStyle.Any };
    }
}
