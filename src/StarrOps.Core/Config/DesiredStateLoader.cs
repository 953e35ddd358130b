using System.Collections;
using System.Runtime.CompilerServices;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Config;

/// <summary>
/// Builds the <see cref="DesiredState"/> from the environment and, when given, a YAML file: the
/// instances of both, the standard wiring for each (unless switched off), and the file's sections
/// merged over it. YAML parsing lives in <see cref="YamlConfigReader"/>, so an environment-only run
/// never loads YamlDotNet.
/// </summary>
public static class DesiredStateLoader
{
    /// <summary>The variable that names the configuration file when -Path is not given.</summary>
    public const string ConfigPathVariable = "STARR_CONFIG";

    /// <param name="path">The YAML file; null reads STARR_CONFIG, and without it the environment alone.</param>
    /// <param name="environment">The variables to read (null: the process environment).</param>
    /// <param name="given">Instances given directly (piped from Get-StarrInstance -Namespace or New-StarrInstance): they join the
    /// environment's and win over them by name; the YAML's declarations still apply over both.</param>
    /// <exception cref="StarrConfigurationException">The file is missing or invalid, or nothing at all is configured.</exception>
    public static DesiredState Load(string? path, IDictionary? environment = null, IReadOnlyList<StarrInstance>? given = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        var variables = ToDictionary(environment);
        if (string.IsNullOrWhiteSpace(path) && variables.TryGetValue(ConfigPathVariable, out var fromVariable) && fromVariable.Trim().Length > 0)
            path = fromVariable.Trim();
        if (string.IsNullOrWhiteSpace(path)) return Build(environment, variables, null, null, given);

        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new StarrConfigurationException($"The configuration file {fullPath} does not exist. Pass -Path with an existing file, or unset {ConfigPathVariable} to use the environment alone.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StarrConfigurationException($"The configuration file {fullPath} can't be read: {ex.Message}");
        }
        return Build(environment, variables, fullPath, text, given);
    }

    /// <summary>Reads a configuration given as text (a ConfigMap value, a test).</summary>
    /// <param name="source">Shown in messages as the file name.</param>
    public static DesiredState Parse(string yaml, IDictionary? environment = null, string source = "config.yaml")
    {
        environment ??= Environment.GetEnvironmentVariables();
        return Build(environment, ToDictionary(environment), source, yaml);
    }

    private static DesiredState Build(IDictionary environment, IReadOnlyDictionary<string, string> variables, string? source, string? yaml,
        IReadOnlyList<StarrInstance>? given = null)
    {
        var environmentInstances = EnvironmentInstanceSource.Read(environment)
            .Where(e => given is null || !given.Any(g => string.Equals(g.Name, e.Name, StringComparison.OrdinalIgnoreCase)))
            .Concat(given ?? [])
            .ToList();
        var parsed = yaml is null ? null : ReadYaml(source!, yaml, variables, environmentInstances);

        // Instances: the environment's, with the YAML's declarations over them key by key.
        var instances = environmentInstances.ToList();
        var internalUrls = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        foreach (var declaration in parsed?.Instances ?? [])
        {
            var index = instances.FindIndex(i => string.Equals(i.Name, declaration.Name, StringComparison.OrdinalIgnoreCase));
            var known = index >= 0 ? instances[index] : null;
            var url = declaration.Url ?? known?.Url;
            if (url is null) continue; // the reader has reported it
            var merged = new StarrInstance(declaration.Name, declaration.Kind, url, declaration.ApiKey ?? known?.ApiKey,
                declaration.UserName ?? known?.UserName, declaration.Password ?? known?.Password)
            {
                Source = known is null ? "Config" : "Config+Environment",
                Timeout = declaration.Timeout ?? known?.Timeout ?? TimeSpan.FromSeconds(30),
                SkipCertificateCheck = declaration.SkipCertificateCheck ?? known?.SkipCertificateCheck ?? false,
            };
            if (index >= 0) instances[index] = merged;
            else instances.Add(merged);
            if (declaration.InternalUrl is not null) internalUrls[declaration.Name] = declaration.InternalUrl;
        }

        if (instances.Count == 0)
        {
            throw new StarrConfigurationException(
                (source is null ? "Nothing to reconcile: no configuration file and no instance in the environment." : $"Nothing to reconcile: {source} declares no instance and the environment has none.")
                + " Set each service's URL and API key (SONARR_URL and SONARR_API_KEY, RADARR_URL and RADARR_API_KEY, PROWLARR_URL and PROWLARR_API_KEY, "
                + "QBITTORRENT_URL with QBITTORRENT_USERNAME and QBITTORRENT_PASSWORD, …), for example from the starr-secrets Secret and the starr-common-config ConfigMap, "
                + $"or pass -Path (or set {ConfigPathVariable}) to a YAML file with an instances: section.")
            {
                RecommendedAction = "Set SONARR_URL and SONARR_API_KEY (and the same for the other services), or pass -Path.",
            };
        }

        Uri InternalUrl(StarrInstance instance) => internalUrls.TryGetValue(instance.Name, out var url) ? url : instance.Url;
        var configs = new List<InstanceConfig>();
        foreach (var instance in instances)
        {
            var section = parsed?.Sections.FirstOrDefault(s => string.Equals(s.Config.Instance, instance.Name, StringComparison.OrdinalIgnoreCase));
            var wired = section?.StandardWiring ?? parsed?.StandardWiring ?? true;
            var standard = wired ? StandardWiring.For(instance, instances, variables, InternalUrl) : new InstanceConfig(instance.Name, instance.Kind);
            var config = section is null ? standard : ConfigMerger.Merge(standard, section.Config);
            configs.Add(config with { InternalUrl = internalUrls.GetValueOrDefault(instance.Name) });
        }

        var sources = new List<string>();
        if (environmentInstances.Count > 0) sources.Add("environment");
        if (source is not null) sources.Add(source);
        return new DesiredState(instances, configs) { Sources = sources };
    }

    // Kept out of line so that the JIT loads YamlDotNet only when a file is actually read.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ParsedConfig ReadYaml(string source, string yaml, IReadOnlyDictionary<string, string> variables, IReadOnlyList<StarrInstance> environmentInstances) =>
        YamlConfigReader.Read(source, yaml, variables, environmentInstances);

    internal static IReadOnlyDictionary<string, string> ToDictionary(IDictionary environment)
    {
        // Looked up case-insensitively, as EnvironmentInstanceSource does; if a variable exists in two spellings
        // (sonarr_api_key and SONARR_API_KEY, possible on Linux), the upper-case one wins.
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string key || entry.Value is not string value) continue;
            if (!result.TryGetValue(key, out _) || key == key.ToUpperInvariant()) result[key] = value;
        }
        return result;
    }
}
