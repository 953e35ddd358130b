using System.Collections.Concurrent;
using StarrOps.Core.Hosting;

namespace StarrOps.Tests.Reconcile;

/// <summary>A host that records everything it is told, which thread told it, and answers ShouldProcess as configured.</summary>
internal sealed class RecordingHost(bool approve = true) : IStarrHost
{
    private int _inside;

    public ConcurrentQueue<string> Messages { get; } = new();
    public ConcurrentQueue<(string Target, string Action)> Questions { get; } = new();
    public ConcurrentBag<int> Threads { get; } = new();
    /// <summary>Set when two host calls overlapped (a cmdlet would break).</summary>
    public bool Overlapped { get; private set; }
    public Func<string, string, bool>? Decide { get; init; }

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

/// <summary>
/// Runs async code on one dedicated thread with a synchronization context, the way a host that owns
/// its thread (a PowerShell pipeline) would: continuations that don't opt out come back to that thread.
/// </summary>
internal static class SingleThreadPump
{
    public static (T Result, int ThreadId) Run<T>(Func<Task<T>> work)
    {
        T result = default!;
        Exception? failure = null;
        var threadId = 0;
        var thread = new Thread(() =>
        {
            threadId = Environment.CurrentManagedThreadId;
            var context = new PumpContext();
            SynchronizationContext.SetSynchronizationContext(context);
            var task = work();
            task.ContinueWith(_ => context.Complete(), TaskScheduler.Default);
            context.RunUntilComplete();
            try { result = task.GetAwaiter().GetResult(); }
            catch (Exception ex) { failure = ex; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return (result, threadId);
    }

    private sealed class PumpContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

        public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public void Complete() => _queue.CompleteAdding();

        public void RunUntilComplete()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
        }
    }
}
