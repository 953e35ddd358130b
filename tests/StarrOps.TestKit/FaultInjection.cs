namespace StarrOps.TestKit;

/// <summary>
/// Makes an emulated server misbehave. Everything here is thread-safe and takes effect on the next request.
/// <list type="bullet">
/// <item><see cref="Delay"/>: every request waits this long before it is answered.</item>
/// <item><see cref="FailWithStatus"/>: requests (all, or those under a path prefix / with a method) answer a fixed status.</item>
/// <item><see cref="Down"/>: connections are accepted and then dropped without a response; other emulated
/// servers treat the server as unreachable ("Connection refused"). For a real refused connection use
/// <see cref="EmulatedServer.StopAsync"/> and <see cref="EmulatedServer.StartAsync"/> (the port is kept).</item>
/// </list>
/// </summary>
public sealed class FaultInjection
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = [];
    private long _delayTicks;
    private volatile bool _down;

    public TimeSpan Delay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    /// <summary>
    /// Answer <paramref name="status"/> to requests whose path (with or without the URL base) starts with
    /// <paramref name="pathPrefix"/> (null = all paths, anonymous ones like /ping included) and whose method is
    /// <paramref name="method"/> (null = any). <paramref name="body"/> is sent as JSON when given
    /// (default: an empty body). <paramref name="times"/> limits how many requests fail (null = until <see cref="Reset"/>).
    /// The newest matching rule wins.
    /// </summary>
    public void FailWithStatus(int status, string? pathPrefix = null, string? method = null, string? body = null, int? times = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        lock (_gate) _rules.Add(new FaultRule(status, pathPrefix, method, body, times));
    }

    /// <summary>Removes every rule, the delay and the down state.</summary>
    public void Reset()
    {
        lock (_gate) _rules.Clear();
        Delay = TimeSpan.Zero;
        Down = false;
    }

    internal FaultRule? Match(string method, string path, string fullPath)
    {
        lock (_gate)
        {
            for (var i = _rules.Count - 1; i >= 0; i--)
            {
                var rule = _rules[i];
                if (rule.Method is not null && !string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
                if (rule.PathPrefix is not null &&
                    !path.StartsWith(rule.PathPrefix, StringComparison.OrdinalIgnoreCase) &&
                    !fullPath.StartsWith(rule.PathPrefix, StringComparison.OrdinalIgnoreCase)) continue;
                if (rule.Remaining is not null)
                {
                    rule.Remaining--;
                    if (rule.Remaining <= 0) _rules.RemoveAt(i);
                }
                return rule;
            }
            return null;
        }
    }

    internal sealed class FaultRule(int status, string? pathPrefix, string? method, string? body, int? times)
    {
        public int Status { get; } = status;
        public string? PathPrefix { get; } = pathPrefix;
        public string? Method { get; } = method;
        public string? Body { get; } = body;
        public int? Remaining { get; set; } = times;
    }
}
