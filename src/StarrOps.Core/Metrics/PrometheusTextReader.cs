using System.Globalization;
using System.Text;

namespace StarrOps.Core.Metrics;

/// <summary>
/// Reads back the samples of a text exposition that <see cref="PrometheusTextWriter"/> wrote: a one-shot CronJob keeps
/// its counters (…_total) and the last success time across runs by reading its previous .prom file.
/// </summary>
public static class PrometheusTextReader
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            int rest;
            if (brace >= 0 && (space < 0 || brace < space))
            {
                name = line[..brace];
                rest = ReadLabels(line, brace + 1, labels);
            }
            else
            {
                if (space < 0) throw new FormatException($"Not a sample line: '{line}'.");
                name = line[..space];
                rest = space;
            }
            var fields = line[rest..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0) throw new FormatException($"No value in '{line}'.");
            samples.Add(new MetricSample(name, ParseValue(fields[0]), labels));
        }
        return samples;
    }

    public static async Task<IReadOnlyList<MetricSample>> ReadFileAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)) : [];

    private static int ReadLabels(string line, int position, Dictionary<string, string> labels)
    {
        while (true)
        {
            while (position < line.Length && (line[position] == ',' || line[position] == ' ')) position++;
            if (position < line.Length && line[position] == '}') return position + 1;
            var equals = line.IndexOf('=', position);
            if (equals < 0 || equals + 1 >= line.Length || line[equals + 1] != '"') throw new FormatException($"Bad labels in '{line}'.");
            var key = line[position..equals].Trim();
            var value = new StringBuilder();
            var i = equals + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else value.Append(line[i]);
            }
            if (i >= line.Length) throw new FormatException($"Unterminated label value in '{line}'.");
            labels[key] = value.ToString();
            position = i + 1;
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
