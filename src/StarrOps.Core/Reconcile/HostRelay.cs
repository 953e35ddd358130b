using System.Threading.Channels;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Reconcile;

/// <summary>
/// Lets parallel work report without touching the real host: workers get <see cref="Host"/>, whose
/// messages queue up in a channel, and the orchestrator forwards them to the real host from its own
/// flow (<see cref="PumpAsync{T}"/>) — the caller's thread, or its synchronization context. Workers
/// can't ask ShouldProcess: the orchestrator asks before it starts them.
/// </summary>
internal sealed class HostRelay
{
    private readonly Channel<Action<IStarrHost>> _messages = Channel.CreateUnbounded<Action<IStarrHost>>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });

    public HostRelay()
    {
        Host = new WorkerHost(_messages.Writer, approved: false);
        ApprovedHost = new WorkerHost(_messages.Writer, approved: true);
    }

    /// <summary>The host to give to parallel work.</summary>
    public IStarrHost Host { get; }

    /// <summary>For a client that asks ShouldProcess itself, used for a change the orchestrator has already approved.</summary>
    public IStarrHost ApprovedHost { get; }

    /// <summary>Forwards queued messages to <paramref name="target"/> until <paramref name="work"/> has finished, then returns its result.</summary>
    public async Task<T> PumpAsync<T>(Task<T> work, IStarrHost target)
    {
        while (true)
        {
            Drain(target);
            if (work.IsCompleted) break;
            // No ConfigureAwait(false): the messages are delivered where the caller awaits.
            await Task.WhenAny(_messages.Reader.WaitToReadAsync().AsTask(), work);
        }
        Drain(target);
        return await work;
    }

    /// <summary>Delivers what is queued now (on the calling thread).</summary>
    public void Drain(IStarrHost target)
    {
        while (_messages.Reader.TryRead(out var message)) message(target);
    }

    private sealed class WorkerHost(ChannelWriter<Action<IStarrHost>> writer, bool approved) : IStarrHost
    {
        // Redacted here as well as in the cmdlet: the queue must not hold secrets either.
        public void WriteVerbose(string message) => writer.TryWrite(h => h.WriteVerbose(SecretRegistry.Redact(message)));
        public void WriteDebug(string message) => writer.TryWrite(h => h.WriteDebug(SecretRegistry.Redact(message)));
        public void WriteWarning(string message) => writer.TryWrite(h => h.WriteWarning(SecretRegistry.Redact(message)));
        public void WriteProgress(StarrProgress progress) => writer.TryWrite(h => h.WriteProgress(progress));

        public bool ShouldProcess(string target, string action) => approved ? true :
            throw new InvalidOperationException($"ShouldProcess('{target}') was asked from parallel work; the reconciler asks before applying.");
    }
}
