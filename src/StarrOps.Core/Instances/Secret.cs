namespace StarrOps.Core.Instances;

/// <summary>
/// A secret value (API key, password, token). It never prints: ToString, string interpolation,
/// PowerShell's formatter and JSON serialisers all see "(secret)". Only code that must send the value
/// over the wire calls <see cref="Reveal"/>, and the HTTP plumbing registers it for redaction.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    public const string Display = "(secret)";
    private readonly string _value;

    public Secret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
        SecretRegistry.Register(value);
    }

    public static Secret? FromNullable(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);

    internal string Reveal() => _value;

    public bool IsEmpty => _value.Length == 0;

    public override string ToString() => Display;

    public bool Equals(Secret? other) => other is not null && string.Equals(_value, other._value, StringComparison.Ordinal);
    public override bool Equals(object? obj) => Equals(obj as Secret);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_value);
}
