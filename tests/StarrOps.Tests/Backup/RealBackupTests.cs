using StarrOps.Core.Backup;
using StarrOps.Core.Hosting;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Backup;

public sealed class RealBackupTests : IDisposable
{
    private readonly string _store = Path.Combine(Path.GetTempPath(), "starrops-store-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(_store, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task The_zip_a_real_Sonarr_writes_passes_every_check()
    {
        var zip = await File.ReadAllBytesAsync(RepoPaths.File("tests", "StarrOps.Tests", "Backup", "Fixtures", "sonarr_backup_v4.0.19.0_real.zip"));
        var stored = await new BackupStore(_store).WriteAsync(new BackupManifest { Service = "Sonarr", Instance = "sonarr", AppVersion = "4.0.19.0", Created = DateTimeOffset.UtcNow },
            (stream, token) => stream.WriteAsync(zip, token).AsTask(), zip.Length, NullStarrHost.Instance, CancellationToken.None);

        var verification = await BackupVerifier.VerifyAsync(stored, CancellationToken.None);

        Assert.True(verification.Passed, string.Join("; ", verification.FailedChecks));
        Assert.Equal(["INFO", "config.xml", "sonarr.db"], stored.Entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Equal(376832, stored.Entries.Single(e => e.Path == "sonarr.db").Size);
        Assert.Contains(verification.Checks, c => c is { Name: "database sonarr.db", Passed: true });
    }

    [Fact]
    public async Task An_archive_without_its_manifest_fails_verification_and_is_not_listed()
    {
        Directory.CreateDirectory(_store);
        var orphan = Path.Combine(_store, "sonarr_20260101T000000Z_api.zip");
        await File.WriteAllBytesAsync(orphan, BackupZips.Sonarr());

        var verification = await BackupVerifier.VerifyAsync(BackupStore.Open(orphan), CancellationToken.None);

        Assert.False(verification.Passed);
        Assert.StartsWith("manifest: sonarr_20260101T000000Z_api.zip.manifest.json", Assert.Single(verification.FailedChecks), StringComparison.Ordinal);
        Assert.Empty(new BackupStore(_store).List());
    }
}
