using System.Collections.Concurrent;

namespace StarrOps.Tests.Reconcile;

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
