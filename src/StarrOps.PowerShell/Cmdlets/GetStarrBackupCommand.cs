using System.Management.Automation;
using StarrOps.Core.Backup;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists the complete backups in a backup store, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "StarrBackup")]
[OutputType(typeof(StarrBackup))]
public sealed class GetStarrBackupCommand : StarrCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary>Instance names; wildcards allowed.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[]? Instance { get; set; }

    [Parameter]
    [ValidateSet("api", "volume")]
    public string? Source { get; set; }

    [Parameter]
    public DateTime? After { get; set; }

    [Parameter]
    public DateTime? Before { get; set; }

    protected override void ProcessRecord()
    {
        var store = new BackupStore(GetUnresolvedProviderPathFromPSPath(Path));
        WriteObject(store.List(Instance, Source, After is null ? null : new DateTimeOffset(After.Value), Before is null ? null : new DateTimeOffset(Before.Value), Reporter),
            enumerateCollection: true);
    }
}
