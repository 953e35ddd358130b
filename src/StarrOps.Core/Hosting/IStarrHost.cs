namespace StarrOps.Core.Hosting;

/// <summary>
/// How the core talks back to whoever runs it: the cmdlet base implements it on the pipeline
/// thread, tests fake it. The core never writes to the console itself.
/// </summary>
public interface IStarrHost
{
    void WriteVerbose(string message);
    void WriteDebug(string message);
    void WriteWarning(string message);
    void WriteProgress(StarrProgress progress);
    /// <summary>Asks whether a change may be made (maps to ShouldProcess / -WhatIf / -Confirm).</summary>
    bool ShouldProcess(string target, string action);
}

public sealed record StarrProgress(int ActivityId, string Activity, string Status, int PercentComplete = -1, bool Completed = false);

/// <summary>A host that says nothing and approves everything: for library use and tests.</summary>
public sealed class NullStarrHost : IStarrHost
{
    public static readonly NullStarrHost Instance = new();
    public void WriteVerbose(string message) { }
    public void WriteDebug(string message) { }
    public void WriteWarning(string message) { }
    public void WriteProgress(StarrProgress progress) { }
    public bool ShouldProcess(string target, string action) => true;
}
