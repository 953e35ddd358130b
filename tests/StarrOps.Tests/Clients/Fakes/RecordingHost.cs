using System.Collections.Concurrent;
using StarrOps.Core.Hosting;

namespace StarrOps.Tests.Clients.Fakes;

/// <summary>An <see cref="IStarrHost"/> that keeps everything the core said, to check that no secret was ever written.</summary>
internal sealed class RecordingHost(bool approve = true) : IStarrHost
{
    public ConcurrentQueue<string> Messages { get; } = new();
    public ConcurrentQueue<(string Target, string Action)> ShouldProcessCalls { get; } = new();

    /// <summary>Every verbose, debug and warning message, one per line.</summary>
    public string AllText => string.Join(Environment.NewLine, Messages);

    public void WriteVerbose(string message) => Messages.Enqueue("VERBOSE: " + message);
    public void WriteDebug(string message) => Messages.Enqueue("DEBUG: " + message);
    public void WriteWarning(string message) => Messages.Enqueue("WARNING: " + message);
    public void WriteProgress(StarrProgress progress) => Messages.Enqueue($"PROGRESS: {progress.Activity} {progress.Status}");

    public bool ShouldProcess(string target, string action)
    {
        ShouldProcessCalls.Enqueue((target, action));
        return approve;
    }
}
