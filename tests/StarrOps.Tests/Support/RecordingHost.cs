using System.Collections.Concurrent;
using StarrOps.Core.Hosting;

namespace StarrOps.Tests.Support;

/// <summary>
/// The tests' one IStarrHost: records every message (to check that no secret reaches it), every ShouldProcess
/// question, and which thread asked, and answers ShouldProcess as configured.
/// </summary>
public sealed class RecordingHost(bool approve = true) : IStarrHost
{
    private int _inside;

    public ConcurrentQueue<string> Messages { get; } = new();
    public ConcurrentQueue<(string Target, string Action)> Questions { get; } = new();
    public ConcurrentBag<int> Threads { get; } = new();
    /// <summary>Set when two host calls overlapped (a cmdlet would break).</summary>
    public bool Overlapped { get; private set; }
    public Func<string, string, bool>? Decide { get; init; }

    /// <summary>Every message, one per line.</summary>
    public string AllText => string.Join(Environment.NewLine, Messages);

    public void WriteVerbose(string message) => Record("VERBOSE: " + message);
    public void WriteDebug(string message) => Record("DEBUG: " + message);
    public void WriteWarning(string message) => Record("WARNING: " + message);
    public void WriteProgress(StarrProgress progress) => Record($"PROGRESS: {progress.Activity} {progress.Status}");

    public bool ShouldProcess(string target, string action)
    {
        Record($"WHATIF: {action} on {target}");
        Questions.Enqueue((target, action));
        return Decide?.Invoke(target, action) ?? approve;
    }

    private void Record(string text)
    {
        if (Interlocked.Increment(ref _inside) > 1) Overlapped = true;
        Threads.Add(Environment.CurrentManagedThreadId);
        Messages.Enqueue(text);
        Interlocked.Decrement(ref _inside);
    }
}
