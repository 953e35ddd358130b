using System.Collections.Concurrent;

namespace StarrOps.Core.Instances;

/// <summary>
/// Every secret value the process has seen, so that any text leaving the core (verbose, debug,
/// warnings, exception messages) can be scrubbed of it, whichever app's body it was embedded in.
/// </summary>
public static class SecretRegistry
{
    // Shorter values would scrub ordinary words out of messages; such secrets are too weak to matter.
    private const int MinimumLength = 3;
    private static readonly ConcurrentDictionary<string, byte> Values = new(StringComparer.Ordinal);

    // Longest first, so a key that contains another key is replaced whole. Rebuilt on the rare Register, read on every message.
    private static volatile string[] LongestFirst = [];

    private static readonly object Gate = new();

    public static void Register(string? value)
    {
        if (value is not { Length: >= MinimumLength } || value == "********") return;
        // Under the lock, so two concurrent registrations can't publish a snapshot that lacks the other's value.
        lock (Gate)
        {
            if (Values.TryAdd(value, 0)) LongestFirst = Values.Keys.OrderByDescending(v => v.Length).ToArray();
        }
    }

    /// <summary>Replaces every registered secret in <paramref name="text"/> with "(secret)".</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
        foreach (var value in LongestFirst)
        {
            if (text.Contains(value, StringComparison.Ordinal)) text = text.Replace(value, Secret.Display, StringComparison.Ordinal);
        }
        return text;
    }
}
