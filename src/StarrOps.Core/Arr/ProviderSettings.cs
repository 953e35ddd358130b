namespace StarrOps.Core.Arr;

/// <summary>
/// What the user wants a provider to be: its name and implementation, and only the fields and
/// top-level properties they declared. Everything undeclared is left as the template or the live
/// resource has it.
/// </summary>
public sealed record ProviderSettings
{
    public ProviderSettings(ProviderKind kind, string name, string implementation)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new StarrConfigurationException($"A {kind.Describe()} needs a name.");
        if (string.IsNullOrWhiteSpace(implementation)) throw new StarrConfigurationException($"The {kind.Describe()} '{name}' needs an implementation (see Get-StarrSchema).");
        Kind = kind;
        Name = name;
        Implementation = implementation;
    }

    public ProviderKind Kind { get; }
    public string Name { get; }
    public string Implementation { get; }
    public bool? Enable { get; init; }
    /// <summary>Values of entries in "fields", by exact field name (e.g. host, port, useSsl).</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();
    /// <summary>Top-level properties other than fields (priority, onGrab, syncLevel …), by name.</summary>
    public IReadOnlyDictionary<string, object?> Properties { get; init; } = new Dictionary<string, object?>();
    /// <summary>The on* event flags in <see cref="Properties"/> are the only ones wanted on; every other event flag is turned off.</summary>
    public bool ExclusiveEvents { get; init; }
    /// <summary>Tag ids; null leaves tags as they are.</summary>
    public IReadOnlyList<int>? Tags { get; init; }
    /// <summary>
    /// Create from the /schema template of this name or definitionName rather than the first of the implementation:
    /// Prowlarr offers several indexer templates per implementation ("Generic Torznab", "AnimeTosho" are both Torznab).
    /// </summary>
    public string? Template { get; init; }
}

/// <summary>One field that differs between the live resource and the desired one. Secrets print as "(secret)".</summary>
public sealed record FieldChange(string Field, object? OldValue, object? NewValue, bool IsSecret)
{
    /// <summary>A stored secret the app masks, sent again: the app rejected it in its own test, or -RotateSecrets asked for it.</summary>
    public bool IsRotation { get; init; }

    public override string ToString() => IsSecret
        ? $"{Field}: (secret) -> (secret{(IsRotation ? ", rotated" : "")})"
        : $"{Field}: {Show(OldValue)} -> {Show(NewValue)}";

    internal static string Show(object? value) => value switch
    {
        null => "(none)",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
