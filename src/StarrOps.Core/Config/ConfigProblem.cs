using StarrOps.Core.Instances;

namespace StarrOps.Core.Config;

/// <summary>One thing wrong with a configuration, at the YAML path and line where it was written.</summary>
public sealed record ConfigProblem(ConfigOrigin Where, string Message)
{
    public override string ToString() => $"{Where}: {Message}";

    /// <summary>One exception listing every problem, so a user fixes the file in one go.</summary>
    internal static StarrConfigurationException ToException(string source, IReadOnlyList<ConfigProblem> problems)
    {
        var lines = problems.Take(50).Select(p => "  " + SecretRegistry.Redact(p.ToString()));
        var more = problems.Count > 50 ? $"{Environment.NewLine}  … and {problems.Count - 50} more" : "";
        var noun = problems.Count == 1 ? "problem" : "problems";
        return new StarrConfigurationException($"{source} has {problems.Count} {noun}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}{more}")
        {
            RecommendedAction = "Fix the keys and values at the lines shown (module/StarrOps.schema.json describes every key).",
        };
    }
}
