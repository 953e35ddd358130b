namespace StarrOps.Core.Metrics;

/// <summary>One value of a metric family with its labels, e.g. starrops_instance_up{instance="sonarr",kind="Sonarr"} 1.</summary>
public sealed record MetricSample
{
    public MetricSample(string name, double value, IReadOnlyDictionary<string, string>? labels = null)
    {
        Name = name;
        Value = value;
        Labels = labels ?? new Dictionary<string, string>();
    }

    public string Name { get; }
    public double Value { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }

    public static MetricSample Of(string name, double value, params (string Label, string Value)[] labels) =>
        new(name, value, labels.ToDictionary(l => l.Label, l => l.Value, StringComparer.Ordinal));
}
