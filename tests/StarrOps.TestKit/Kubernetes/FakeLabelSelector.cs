using System.Text.RegularExpressions;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// The label selector syntax of list calls: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>,
/// <c>a in (x,y)</c>, <c>a notin (x,y)</c>, joined by commas (all must match).
/// </summary>
public sealed partial class FakeLabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    private FakeLabelSelector() { }

    /// <summary>Parses a selector; null with an error message when it is not valid.</summary>
    public static FakeLabelSelector? TryParse(string? text, out string? error)
    {
        error = null;
        var selector = new FakeLabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return selector;
        foreach (var part in SplitTopLevel(text))
        {
            var item = part.Trim();
            Match match;
            if ((match = SetRequirement().Match(item)).Success)
            {
                var key = match.Groups["key"].Value;
                var values = match.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                var isIn = match.Groups["op"].Value == "in";
                selector._requirements.Add(labels => labels.TryGetValue(key, out var value) ? values.Contains(value) == isIn : !isIn);
            }
            else if ((match = Equality().Match(item)).Success)
            {
                var key = match.Groups["key"].Value;
                var value = match.Groups["value"].Value;
                var equal = match.Groups["op"].Value != "!=";
                selector._requirements.Add(labels => (labels.TryGetValue(key, out var actual) && actual == value) == equal);
            }
            else if ((match = Existence().Match(item)).Success)
            {
                var key = match.Groups["key"].Value;
                var exists = match.Groups["not"].Value.Length == 0;
                selector._requirements.Add(labels => labels.ContainsKey(key) == exists);
            }
            else
            {
                error = $"unable to parse requirement: {item}";
                return null;
            }
        }
        return selector;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r(labels));

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private const string Key = @"(?<key>([a-z0-9A-Z.\-]+/)?[a-z0-9A-Z]([a-z0-9A-Z._\-]*[a-z0-9A-Z])?)";

    [GeneratedRegex(@"^" + Key + @"\s+(?<op>in|notin)\s*\((?<values>[^)]*)\)$")]
    private static partial Regex SetRequirement();

    [GeneratedRegex(@"^" + Key + @"\s*(?<op>==|=|!=)\s*(?<value>[a-z0-9A-Z._\-]*)$")]
    private static partial Regex Equality();

    [GeneratedRegex(@"^(?<not>!?)\s*" + Key + "$")]
    private static partial Regex Existence();
}
