using System.IO.Compression;
using System.Net;
using StarrOps.Core;
using StarrOps.Core.Backup;
using StarrOps.Core.Instances;
using StarrOps.Tests.Reconcile;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Backup;

public sealed class BackupRoundTripTests
{
    [Fact]
    public async Task Backup_verify_corrupt_verify_restore_round_trip()
    {
        await using var rig = await BackupRig.StartAsync();
        var host = new RecordingHost();

        var backups = await BackupService.BackupAsync(rig.Instance, rig.Options, host, CancellationToken.None);

        var backup = Assert.Single(backups);
        Assert.True(backup.Verified, string.Join("; ", backup.Verification!.FailedChecks));
        Assert.Equal("api", backup.Source);
        Assert.Equal("Sonarr", backup.Service);
        Assert.Equal(rig.Sonarr.Version, backup.AppVersion);
        Assert.Equal(["INFO", "config.xml", "sonarr.db"], backup.Entries.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(backup.Verification!.Checks, c => c.Name == "database sonarr.db" && c.Passed);
        Assert.Contains(rig.SonarrVolume.Commands, c => c.StartsWith("cat /config/Backups/manual/sonarr_backup_v", StringComparison.Ordinal));
        var listed = Assert.Single(new BackupStore(rig.StorePath).List());
        Assert.Equal(backup.Path, listed.Path);
        Assert.Equal(backup.Sha256, listed.Sha256);

        // One flipped byte in the middle of the archive.
        var good = await File.ReadAllBytesAsync(backup.Path);
        var bad = (byte[])good.Clone();
        bad[bad.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(backup.Path, bad);
        var corrupted = await BackupVerifier.VerifyAsync(listed, CancellationToken.None);
        Assert.False(corrupted.Passed);
        Assert.Contains(corrupted.FailedChecks, f => f.StartsWith("archive hash:", StringComparison.Ordinal) && f.Contains(Path.GetFileName(backup.Path), StringComparison.Ordinal));

        // A corrupted backup is refused before anything is sent.
        var refused = await Assert.ThrowsAsync<BackupException>(() => RestoreService.RestoreAsync(listed, rig.Instance, Fast, host, CancellationToken.None));
        Assert.Equal("StarrBackupCorrupt", refused.ErrorId);
        Assert.DoesNotContain(rig.Sonarr.Requests.All, r => r.Path.EndsWith("/restore/upload", StringComparison.Ordinal));

        await File.WriteAllBytesAsync(backup.Path, good);
        var result = await RestoreService.RestoreAsync(listed, rig.Instance, Fast, host, CancellationToken.None);

        Assert.True(result.Restored);
        Assert.Contains("accepts the API key", result.Message, StringComparison.Ordinal);
        var upload = Assert.Single(rig.Sonarr.Requests.All, r => r.Method == "POST" && r.Path == "/api/v3/system/backup/restore/upload");
        Assert.Equal(200, upload.Status);
        Assert.Contains("name=file", upload.Body, StringComparison.Ordinal);
        var uploadIndex = rig.Sonarr.Requests.All.ToList().IndexOf(upload);
        Assert.Contains(rig.Sonarr.Requests.All.Skip(uploadIndex), r => r.Method == "POST" && r.Path == "/api/v3/system/restart");
        Assert.DoesNotContain(rig.Sonarr.ApiKey, host.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_that_differs_from_the_manifest_is_named()
    {
        await using var rig = await BackupRig.StartAsync();
        var backup = Assert.Single(await BackupService.BackupAsync(rig.Instance, rig.Options, null, CancellationToken.None));

        // Rewrite config.xml inside a still-valid zip: the archive hash and config.xml's entry hash both fail.
        using (var zip = ZipFile.Open(backup.Path, ZipArchiveMode.Update))
        {
            zip.GetEntry("config.xml")!.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("config.xml").Open());
            writer.Write(BackupZips.ConfigXml("c3333333333333333333333333333333"));
        }
        var verification = await BackupVerifier.VerifyAsync(Assert.Single(new BackupStore(rig.StorePath).List()), CancellationToken.None);

        Assert.False(verification.Passed);
        Assert.Contains(verification.FailedChecks, f => f.StartsWith("entry hashes:", StringComparison.Ordinal) && f.Contains("config.xml differs", StringComparison.Ordinal));
        Assert.DoesNotContain(verification.FailedChecks, f => f.Contains("sonarr.db", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_damaged_database_or_a_config_without_ApiKey_fails_verification()
    {
        await using var rig = await BackupRig.StartAsync(() => BackupZips.Sonarr(database: BackupZips.DamagedDatabase(), apiKey: null));
        var backup = Assert.Single(await BackupService.BackupAsync(rig.Instance, rig.Options, null, CancellationToken.None));

        Assert.False(backup.Verified);
        var failed = backup.Verification!.FailedChecks;
        Assert.Contains(failed, f => f.StartsWith("database sonarr.db:", StringComparison.Ordinal));
        Assert.Contains(failed, f => f == "config.xml: config.xml has no ApiKey");
        Assert.DoesNotContain(failed, f => f.StartsWith("archive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backup_through_the_web_UI_login_uses_the_session_cookie()
    {
        await using var rig = await BackupRig.StartAsync();
        rig.Sonarr.SetUiLogin("admin", "s3cret-ui-pass");
        var host = new RecordingHost();
        var options = new BackupOptions { StorePath = rig.StorePath, UserName = "admin", Password = new Secret("s3cret-ui-pass") };

        var backup = Assert.Single(await BackupService.BackupAsync(rig.Instance, options, host, CancellationToken.None));

        Assert.True(backup.Verified);
        Assert.Empty(rig.SonarrVolume.Commands);
        Assert.Contains(rig.Sonarr.Requests.All, r => r.Method == "GET" && r.Path.StartsWith("/backup/manual/", StringComparison.Ordinal) && r.Status == 200);
        Assert.DoesNotContain("s3cret-ui-pass", host.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_UI_login_works_under_a_URL_base()
    {
        await using var sonarr = await StarrOps.TestKit.EmulatedArr.StartSonarrAsync(new StarrOps.TestKit.EmulatedArrOptions { UrlBase = "/sonarr" });
        sonarr.BackupContent = () => BackupZips.Sonarr();
        sonarr.SetUiLogin("admin", "pw");
        var store = Path.Combine(Path.GetTempPath(), "starrops-store-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var instance = new StarrInstance("sonarr", ServiceKind.Sonarr, new Uri(sonarr.Url, "/sonarr"), new Secret(sonarr.ApiKey));
            var backup = Assert.Single(await BackupService.BackupAsync(instance, new BackupOptions { StorePath = store, UserName = "admin", Password = new Secret("pw") }, null, CancellationToken.None));

            Assert.True(backup.Verified);
            Assert.Contains(sonarr.Requests.All, r => r.FullPath.StartsWith("/sonarr/backup/manual/", StringComparison.Ordinal) && r.Status == 200);
        }
        finally
        {
            if (Directory.Exists(store)) Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_UI_password_is_a_login_error_and_stores_nothing()
    {
        await using var rig = await BackupRig.StartAsync();
        rig.Sonarr.SetUiLogin("admin", "right");
        var options = new BackupOptions { StorePath = rig.StorePath, UserName = "admin", Password = new Secret("wrong") };

        var error = await Assert.ThrowsAsync<StarrLoginException>(() => BackupService.BackupAsync(rig.Instance, options, null, CancellationToken.None));

        Assert.Contains("rejected the login", error.Message, StringComparison.Ordinal);
        Assert.Empty(new BackupStore(rig.StorePath).List());
        Assert.Empty(Directory.Exists(rig.StorePath) ? Directory.GetFiles(rig.StorePath, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task The_emulator_refuses_backup_files_to_an_API_key_like_the_real_app()
    {
        await using var rig = await BackupRig.StartAsync();
        await BackupService.BackupAsync(rig.Instance, rig.Options, null, CancellationToken.None);
        var path = rig.Sonarr.Backups[0]["path"]!.GetValue<string>();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(rig.Sonarr.Url, path));
        request.Headers.Add("X-Api-Key", rig.Sonarr.ApiKey);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_Kubernetes_or_a_login_an_arr_backup_explains_why_it_cannot_fetch_the_zip()
    {
        await using var rig = await BackupRig.StartAsync();
        var error = await Assert.ThrowsAsync<StarrConfigurationException>(() =>
            BackupService.BackupAsync(rig.Instance, new BackupOptions { StorePath = rig.StorePath }, null, CancellationToken.None));
        Assert.Contains("-Credential", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(rig.Sonarr.Requests.All, r => r.Path.EndsWith("/command", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_volume_backup_tars_the_config_volume_and_verifies()
    {
        await using var rig = await BackupRig.StartAsync();

        var host = new RecordingHost();
        var backup = Assert.Single(await BackupService.BackupAsync(rig.Qbittorrent, rig.Options, host, CancellationToken.None));

        Assert.True(backup.Verified, string.Join("; ", backup.Verification!.FailedChecks));
        Assert.Equal(("volume", "tar"), (backup.Source, backup.ArchiveType));
        Assert.Contains(host.Messages, m => m.StartsWith("PROGRESS: qbittorrent: backup to qbittorrent_", StringComparison.Ordinal));
        Assert.Contains(backup.Entries, e => e.Path == "qBittorrent/config/qBittorrent.conf");
        Assert.Contains(rig.QbittorrentVolume.Commands, c => c == "tar -C /config -cf - .");
    }

    [Fact]
    public async Task An_arr_with_IncludeVolume_gets_both_layers()
    {
        await using var rig = await BackupRig.StartAsync();
        var backups = await BackupService.BackupAsync(rig.Instance, rig.Options with { IncludeVolume = true, Exclude = ["MediaCover"] }, null, CancellationToken.None);

        Assert.Equal(["api", "volume"], backups.Select(b => b.Source));
        Assert.All(backups, b => Assert.True(b.Verified, string.Join("; ", b.Verification!.FailedChecks)));
        Assert.Contains(rig.SonarrVolume.Commands, c => c == "tar -C /config --exclude=./MediaCover -cf - .");
        Assert.Contains(backups[1].Entries, e => e.Path == "sonarr.db");
        Assert.DoesNotContain(backups[1].Entries, e => e.Path.StartsWith("MediaCover", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Restore_refuses_another_apps_backup_and_a_newer_version_unless_forced()
    {
        await using var rig = await BackupRig.StartAsync();
        var backup = Assert.Single(await BackupService.BackupAsync(rig.Instance, rig.Options, null, CancellationToken.None));
        var manifest = BackupManifest.Parse(await File.ReadAllTextAsync(backup.ManifestPath));

        await File.WriteAllTextAsync(backup.ManifestPath, (manifest with { Service = "Radarr" }).ToJson());
        var wrongApp = await Assert.ThrowsAsync<BackupException>(() =>
            RestoreService.RestoreAsync(Assert.Single(new BackupStore(rig.StorePath).List()), rig.Instance, Fast, null, CancellationToken.None));
        Assert.Equal("StarrBackupMismatch", wrongApp.ErrorId);

        await File.WriteAllTextAsync(backup.ManifestPath, (manifest with { AppVersion = "99.0.0.0" }).ToJson());
        var newer = Assert.Single(new BackupStore(rig.StorePath).List());
        var tooNew = await Assert.ThrowsAsync<BackupException>(() => RestoreService.RestoreAsync(newer, rig.Instance, Fast, null, CancellationToken.None));
        Assert.Equal("StarrBackupNewerVersion", tooNew.ErrorId);
        Assert.DoesNotContain(rig.Sonarr.Requests.All, r => r.Path.EndsWith("/restore/upload", StringComparison.Ordinal));

        var forced = await RestoreService.RestoreAsync(newer, rig.Instance, Fast with { Force = true }, null, CancellationToken.None);
        Assert.True(forced.Restored);
    }

    [Fact]
    public async Task Restore_declined_by_ShouldProcess_changes_nothing()
    {
        await using var rig = await BackupRig.StartAsync();
        var backup = Assert.Single(await BackupService.BackupAsync(rig.Instance, rig.Options, null, CancellationToken.None));

        var result = await RestoreService.RestoreAsync(backup, rig.Instance, Fast, new RecordingHost(approve: false), CancellationToken.None);

        Assert.False(result.Restored);
        Assert.DoesNotContain(rig.Sonarr.Requests.All, r => r.Path.EndsWith("/restore/upload", StringComparison.Ordinal) || r.Path.EndsWith("/restart", StringComparison.Ordinal));
    }

    private static readonly RestoreOptions Fast = new() { RestartGrace = TimeSpan.Zero, WaitTimeout = TimeSpan.FromSeconds(20) };
}
