using System.Collections;

namespace StarrOps.Core.Instances;

/// <summary>
/// Reads instances from environment variables, the way a Kubernetes Job gets them from the
/// starr-secrets Secret and starr-common-config ConfigMap:
/// <c>SONARR_URL</c> + <c>SONARR_API_KEY</c> → instance "sonarr";
/// <c>SONARR_4K_URL</c> + <c>SONARR_4K_API_KEY</c> → instance "sonarr-4k";
/// qBittorrent uses <c>QBITTORRENT_USERNAME</c>/<c>QBITTORRENT_PASSWORD</c>, Jellyfin may also carry a
/// username/password (for Jellyseerr's first-time setup).
/// </summary>
public static class EnvironmentInstanceSource
{
    public static IReadOnlyList<StarrInstance> Read(IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key && entry.Value is string value && value.Length > 0) variables[key] = value;
        }

        var found = new List<StarrInstance>();
        foreach (var kind in Enum.GetValues<ServiceKind>())
        {
            var prefix = kind.EnvironmentPrefix() + "_";
            foreach (var (name, value) in variables)
            {
                if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || !name.EndsWith("_URL", StringComparison.OrdinalIgnoreCase)) continue;
                var stem = name[..^"_URL".Length]; // SONARR or SONARR_4K
                var suffix = stem.Length > prefix.Length - 1 ? stem[(prefix.Length - 1)..].TrimStart('_') : "";
                var instanceName = suffix.Length == 0
                    ? kind.ToString().ToLowerInvariant()
                    : $"{kind.ToString().ToLowerInvariant()}-{suffix.ToLowerInvariant().Replace('_', '-')}";
                if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    throw new StarrConfigurationException($"Environment variable {name} must be an absolute http(s) URL such as http://{kind.ToString().ToLowerInvariant()}:{kind.DefaultPort()}; it is '{value}'.");
                variables.TryGetValue(stem + "_API_KEY", out var apiKey);
                variables.TryGetValue(stem + "_USERNAME", out var userName);
                variables.TryGetValue(stem + "_PASSWORD", out var password);
                found.Add(new StarrInstance(instanceName, kind, url, Secret.FromNullable(apiKey), userName, Secret.FromNullable(password))
                {
                    Source = "Environment",
                    Timeout = ReadTimeout(variables),
                });
            }
        }
        return found.OrderBy(i => i.Kind).ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static TimeSpan ReadTimeout(Dictionary<string, string> variables) =>
        variables.TryGetValue("STARR_TIMEOUT_SECONDS", out var text) && double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(30);
}
