using System.Text;

namespace StarrOps.Core.Services;

/// <summary>
/// Word boundaries in the apps' camelCase field names: an underscore before each upper-case letter that follows a
/// lower-case letter or digit (apiKey → api_Key, tv4K → tv4_K), as the regex <c>([a-z0-9])([A-Z])</c> → <c>$1_$2</c> would.
/// A loop rather than a Regex: the secret check runs it on every field of every response, and building the Regex was
/// a measurable part of a converged CronJob run's CPU (issue 12).
/// </summary>
internal static class CamelCase
{
    public static string Underscored(string name)
    {
        StringBuilder? result = null;
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && IsBoundary(name[i - 1], name[i]))
                (result ??= new StringBuilder(name.Length + 4).Append(name, 0, i)).Append('_');
            result?.Append(name[i]);
        }
        return result?.ToString() ?? name;
    }

    private static bool IsBoundary(char previous, char current) =>
        char.IsAsciiLetterUpper(current) && (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous));
}
