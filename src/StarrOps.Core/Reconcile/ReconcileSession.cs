using System.Collections.Concurrent;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Reconcile;

/// <summary>
/// The state of one reconcile run shared by planning and applying: a client per instance (so a
/// /schema fetched while planning is not fetched again), tag ids, which instances are unavailable,
/// and fetches that several planners need (fetched once per run).
/// </summary>
internal sealed class ReconcileSession : IDisposable
{
    private readonly ConcurrentDictionary<string, InstanceSession> _instances = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _fetches = new(StringComparer.Ordinal);

    public ReconcileSession(DesiredState state, ReconcileOptions options)
    {
        State = state;
        Options = options;
        Relay = new HostRelay();
        foreach (var instance in state.Instances)
            _instances[instance.Name] = new InstanceSession(instance, state.FindConfig(instance.Name) ?? new InstanceConfig(instance.Name, instance.Kind));
    }

    public DesiredState State { get; }
    public ReconcileOptions Options { get; }
    public HostRelay Relay { get; }

    public InstanceSession this[string name] => _instances[name];

    public bool TryGet(string name, out InstanceSession session) => _instances.TryGetValue(name, out session!);

    /// <summary>Why an instance can't be used (unreachable, key rejected, not ready), or null when it can.</summary>
    public string? UnavailableReason(string name) => _instances.TryGetValue(name, out var session) ? session.UnavailableReason : null;

    /// <summary>Runs <paramref name="fetch"/> once per run for <paramref name="key"/>, whoever asks first; later callers share the answer.</summary>
    public async Task<T> FetchOnceAsync<T>(string key, Func<Task<T>> fetch) where T : class
    {
        var lazy = _fetches.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await fetch().ConfigureAwait(false)));
        return (T)await lazy.Value.ConfigureAwait(false);
    }

    public void Dispose()
    {
        foreach (var session in _instances.Values) session.Dispose();
    }
}

/// <summary>One instance within a run.</summary>
internal sealed class InstanceSession(StarrInstance instance, InstanceConfig config) : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private string? _unavailable;

    public StarrInstance Instance { get; } = instance;
    public InstanceConfig Config { get; } = config;
    public string Name => Instance.Name;

    /// <summary>The *arr client, for Sonarr/Radarr/Lidarr/Readarr/Prowlarr.</summary>
    public ArrClient? Arr { get; set; }
    public Jellyseerr.JellyseerrClient? Jellyseerr { get; set; }
    public Bazarr.BazarrClient? Bazarr { get; set; }

    /// <summary>Tag ids by lower-case label, as read and as created during apply.</summary>
    public ConcurrentDictionary<string, int> TagIds { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tags to be created, by the negative id that stands for them in planned resources.</summary>
    public ConcurrentDictionary<int, string> PendingTags { get; } = new();

    public string? UnavailableReason => _unavailable;

    /// <summary>Two or three words for log lines: "unreachable", "not ready", "unavailable".</summary>
    public string UnavailableSummary { get; private set; } = "unavailable";

    public void MarkUnavailable(string reason, Exception? cause = null)
    {
        if (Interlocked.CompareExchange(ref _unavailable, reason, null) is not null) return;
        UnavailableSummary = cause switch
        {
            StarrConnectionException => "unreachable",
            StarrApiException { StatusCode: System.Net.HttpStatusCode.Unauthorized } => "rejected the API key",
            TimeoutException => "not ready",
            _ => "unavailable",
        };
    }

    public T Own<T>(T disposable) where T : IDisposable
    {
        lock (_owned) _owned.Add(disposable);
        return disposable;
    }

    /// <summary>The label of a tag id, or of a placeholder for a tag not created yet.</summary>
    public string TagLabel(int id) =>
        PendingTags.TryGetValue(id, out var pending) ? pending
        : TagIds.FirstOrDefault(p => p.Value == id) is { Key: not null } known ? known.Key
        : id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Arr?.Dispose();
        Jellyseerr?.Dispose();
        Bazarr?.Dispose();
        lock (_owned)
        {
            foreach (var item in _owned) item.Dispose();
            _owned.Clear();
        }
    }
}

/// <summary>What a change's Execute gets: the run and its instance.</summary>
internal sealed class ApplyContext(ReconcileSession session, InstanceSession instance, IReadOnlyCollection<ChangeOutcome> outcomes)
{
    public ReconcileSession Session { get; } = session;
    public InstanceSession Instance { get; } = instance;
    /// <summary>Outcomes so far (earlier stages are complete).</summary>
    public IReadOnlyCollection<ChangeOutcome> Outcomes { get; } = outcomes;
}

/// <summary>
/// Thrown by a change's Execute when it can't or needn't run after all: something it needs failed first (a tag was not
/// created), or, with <paramref name="nothingToDo"/>, its precondition did not happen (no application was saved).
/// </summary>
internal sealed class ChangeSkippedException(string reason, bool nothingToDo = false) : Exception(reason)
{
    public bool NothingToDo { get; } = nothingToDo;
}

/// <summary>A service answered, but could not reach the app it was being connected to (Bazarr → Sonarr, Jellyseerr → Jellyfin).</summary>
public sealed class StarrDependencyException(string message, Exception? inner = null) : StarrException(message, inner)
{
    public override string ErrorId => "StarrDependencyUnreachable";
    public override StarrErrorCategory Category => StarrErrorCategory.ConnectionError;
}
