using System.Management.Automation;
using StarrOps.Core.Backup;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Verifies backups: hashes against the manifest, every archive entry readable, SQLite integrity_check, config.xml with an ApiKey.</summary>
[Cmdlet(VerbsDiagnostic.Test, "StarrBackup")]
[OutputType(typeof(BackupVerification))]
public sealed class TestStarrBackupCommand : StarrCmdlet
{
    /// <summary>Archive paths; Get-StarrBackup output binds by its Path property.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            var backup = BackupStore.Open(GetUnresolvedProviderPathFromPSPath(path));
            TryRun(path, () => WriteObject(Run(token => BackupVerifier.VerifyAsync(backup, token))));
        }
    }
}
