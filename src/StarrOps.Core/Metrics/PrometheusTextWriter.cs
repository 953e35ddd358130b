using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace StarrOps.Core.Metrics;

/// <summary>
/// Writes samples in the Prometheus text exposition format (0.0.4): one HELP and TYPE line per family,
/// families in the order first seen, label values escaped. Names must be known to <see cref="MetricNames"/>
/// (HELP/TYPE come from there) or carry their own definition.
/// </summary>
public static partial class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricSample> samples, IEnumerable<MetricDefinition>? extraDefinitions = null)
    {
        var builder = new StringBuilder();
        using var writer = new StringWriter(builder, CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, samples, extraDefinitions);
        return builder.ToString();
    }

    public static void Write(TextWriter writer, IEnumerable<MetricSample> samples, IEnumerable<MetricDefinition>? extraDefinitions = null)
    {
        var definitions = MetricNames.All.Concat(extraDefinitions ?? []).GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var families = new List<(string Name, List<MetricSample> Samples)>();
        foreach (var sample in samples)
        {
            var family = families.FindIndex(f => f.Name == sample.Name);
            if (family < 0) families.Add((sample.Name, [sample]));
            else families[family].Samples.Add(sample);
        }

        foreach (var (name, familySamples) in families)
        {
            if (!MetricName().IsMatch(name)) throw new ArgumentException($"'{name}' is not a valid Prometheus metric name.", nameof(samples));
            if (!definitions.TryGetValue(name, out var definition))
                throw new ArgumentException($"'{name}' is not a StarrOps metric: add it to MetricNames.", nameof(samples));
            writer.Write($"# HELP {name} {EscapeHelp(definition.Help)}\n");
            writer.Write($"# TYPE {name} {(definition.Type == MetricType.Counter ? "counter" : "gauge")}\n");
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sample in familySamples)
            {
                var labels = FormatLabels(sample.Labels);
                // A repeated label set is invalid exposition; the last value wins.
                if (!seen.Add(labels)) continue;
                var last = familySamples.Last(s => FormatLabels(s.Labels) == labels);
                writer.Write($"{name}{labels} {FormatValue(last.Value)}\n");
            }
        }
    }

    internal static string FormatLabels(IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count == 0) return "";
        var parts = labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l =>
        {
            if (!LabelName().IsMatch(l.Key) || l.Key.StartsWith("__", StringComparison.Ordinal))
                throw new ArgumentException($"'{l.Key}' is not a valid Prometheus label name.", nameof(labels));
            return $"{l.Key}=\"{EscapeLabelValue(l.Value)}\"";
        });
        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>HELP text escapes backslash and line feed.</summary>
    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
