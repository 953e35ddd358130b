using System.Collections.Concurrent;

namespace StarrOps.Core.Instances;

/// <summary>
/// Instances known to this session: those created with New-StarrInstance (remembered for name
/// lookup and tab completion) and those described by the environment. Session instances win over
/// environment ones of the same name.
/// </summary>
public static class InstanceRegistry
{
    private static readonly ConcurrentDictionary<string, StarrInstance> Session = new(StringComparer.OrdinalIgnoreCase);

    public static void Remember(StarrInstance instance) => Session[instance.Name] = instance;

    public static bool Forget(string name) => Session.TryRemove(name, out _);

    /// <summary>Session instances, then environment instances not shadowed by them.</summary>
    public static IReadOnlyList<StarrInstance> All(System.Collections.IDictionary? environment = null)
    {
        var result = Session.Values.ToList();
        result.AddRange(EnvironmentInstanceSource.Read(environment).Where(e => !Session.ContainsKey(e.Name)));
        return result.OrderBy(i => i.Kind).ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Looks an instance up by name, or explains which names exist.</summary>
    public static StarrInstance Resolve(string name, System.Collections.IDictionary? environment = null)
    {
        var all = All(environment);
        return all.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase))
               ?? throw new StarrConfigurationException(all.Count == 0
                   ? $"No instance named '{name}': none is defined. Set SONARR_URL and SONARR_API_KEY (and the like) or use New-StarrInstance."
                   : $"No instance named '{name}'. Known instances: {string.Join(", ", all.Select(i => i.Name))}.");
    }

    /// <summary>The single instance of a kind (e.g. the Prowlarr), or a clear error when there are none or several.</summary>
    public static StarrInstance Single(ServiceKind kind, System.Collections.IDictionary? environment = null)
    {
        var matches = All(environment).Where(i => i.Kind == kind).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new StarrConfigurationException($"No {kind} instance is defined: set {kind.EnvironmentPrefix()}_URL and {kind.EnvironmentPrefix()}_API_KEY, or pass one with -{kind}."),
            _ => throw new StarrConfigurationException($"Several {kind} instances are defined ({string.Join(", ", matches.Select(m => m.Name))}); choose one with -{kind}."),
        };
    }
}
