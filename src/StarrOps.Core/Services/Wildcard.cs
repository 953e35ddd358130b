using System.Text.RegularExpressions;

namespace StarrOps.Core.Services;

/// <summary>PowerShell-style name patterns (* and ?), case-insensitive, without referencing PowerShell.</summary>
public static class Wildcard
{
    public static bool IsMatch(string value, string pattern)
    {
        if (pattern.IndexOfAny(['*', '?']) < 0) return string.Equals(value, pattern, StringComparison.OrdinalIgnoreCase);
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
        return Regex.IsMatch(value, regex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
