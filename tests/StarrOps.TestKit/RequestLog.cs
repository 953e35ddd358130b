using Microsoft.AspNetCore.Http;
namespace StarrOps.TestKit;

/// <summary>One request an emulated server received.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">Path relative to the server's URL base, e.g. <c>/api/v3/downloadclient/1</c>.</param>
/// <param name="Query">Query string including the leading '?', or "".</param>
/// <param name="Status">Response status; 0 when the connection was dropped (<see cref="FaultInjection.Down"/>).</param>
/// <param name="Body">Request body as text (null for an empty body).</param>
/// <param name="FullPath">Path as sent, including the URL base, e.g. <c>/sonarr/api/v3/downloadclient/1</c>.</param>
/// <param name="UserAgent">The caller's User-Agent: "StarrOps/…", or "" for another emulated app (Prowlarr testing Sonarr).</param>
public sealed record RequestRecord(DateTimeOffset Time, string Method, string Path, string Query, int Status, string? Body, string FullPath, string UserAgent = "")
{
    /// <summary>Sent by StarrOps, not by another app of the stack (Prowlarr's application test reads Sonarr's schema).</summary>
    public bool IsFromStarrOps => UserAgent.StartsWith("StarrOps/", StringComparison.Ordinal);

    /// <summary>A provider test (POST …/test or …/testall): the app tests stored or given settings and saves nothing.</summary>
    public bool IsTest => HttpMethods.IsPost(Method)
                          && (Path.EndsWith("/test", StringComparison.OrdinalIgnoreCase) || Path.EndsWith("/testall", StringComparison.OrdinalIgnoreCase));

    /// <summary>A request that can change state: not GET/HEAD/OPTIONS, and not a provider test.</summary>
    public bool IsWrite => !HttpMethods.IsGet(Method) && !HttpMethods.IsHead(Method) && !HttpMethods.IsOptions(Method) && !IsTest;

    public override string ToString() => $"{Method} {FullPath}{Query} -> {Status}";
}

/// <summary>Thread-safe record of the requests a server answered, in arrival order of completion.</summary>
public sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly List<RequestRecord> _records = [];

    public IReadOnlyList<RequestRecord> All
    {
        get { lock (_gate) return _records.ToArray(); }
    }

    /// <summary>Every request that can change state (see <see cref="RequestRecord.IsWrite"/>).</summary>
    public IReadOnlyList<RequestRecord> Writes
    {
        get { lock (_gate) return _records.Where(r => r.IsWrite).ToArray(); }
    }

    /// <summary>The requests StarrOps sent (see <see cref="RequestRecord.IsFromStarrOps"/>).</summary>
    public IReadOnlyList<RequestRecord> FromStarrOps
    {
        get { lock (_gate) return _records.Where(r => r.IsFromStarrOps).ToArray(); }
    }

    /// <summary>Provider tests (…/test, …/testall), which save nothing.</summary>
    public IReadOnlyList<RequestRecord> Tests
    {
        get { lock (_gate) return _records.Where(r => r.IsTest).ToArray(); }
    }

    public int Total
    {
        get { lock (_gate) return _records.Count; }
    }

    /// <summary>
    /// Requests with this method (null = any) whose path starts with <paramref name="pathPrefix"/>
    /// (compared with and without the URL base, case-insensitively; null = any path).
    /// </summary>
    public int Count(string? method = null, string? pathPrefix = null)
    {
        lock (_gate) return _records.Count(r => Matches(r, method, pathPrefix));
    }

    public IReadOnlyList<RequestRecord> Find(string? method = null, string? pathPrefix = null)
    {
        lock (_gate) return _records.Where(r => Matches(r, method, pathPrefix)).ToArray();
    }

    public void Clear()
    {
        lock (_gate) _records.Clear();
    }

    internal void Add(RequestRecord record)
    {
        lock (_gate) _records.Add(record);
    }

    private static bool Matches(RequestRecord record, string? method, string? pathPrefix) =>
        (method is null || string.Equals(record.Method, method, StringComparison.OrdinalIgnoreCase)) &&
        (pathPrefix is null ||
         record.Path.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase) ||
         record.FullPath.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase));

    public override string ToString()
    {
        lock (_gate) return string.Join(Environment.NewLine, _records);
    }
}
