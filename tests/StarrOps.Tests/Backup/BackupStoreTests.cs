using System.Text;
using StarrOps.Core.Backup;
using StarrOps.Core.Hosting;
using StarrOps.Core.Kubernetes;
using StarrOps.TestKit.Backup;
using StarrOps.Tests.Reconcile;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Backup;

public sealed class BackupStoreTests : IDisposable
{
    private readonly string _store = Path.Combine(Path.GetTempPath(), "starrops-store-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        try { Directory.Delete(_store, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_interrupted_volume_download_leaves_no_partial_file_that_looks_complete()
    {
        await using var rig = await BackupRig.StartAsync();
        rig.QbittorrentVolume.AddGeneratedFile("big.bin", 4 * 1024 * 1024);
        var first = Assert.Single(await BackupService.BackupAsync(rig.Qbittorrent, rig.Options with { StorePath = _store }, null, CancellationToken.None));
        rig.QbittorrentVolume.BreakAfterBytes = 1_000_000;

        await Assert.ThrowsAsync<KubernetesException>(() => BackupService.BackupAsync(rig.Qbittorrent, rig.Options with { StorePath = _store }, null, CancellationToken.None));

        var files = Directory.GetFiles(_store, "*", SearchOption.AllDirectories);
        Assert.Equal([first.Path, first.ManifestPath], files.Order(StringComparer.Ordinal));
        Assert.True((await BackupVerifier.VerifyAsync(Assert.Single(new BackupStore(_store).List()), CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task A_full_disk_gives_a_clear_error_and_keeps_older_backups()
    {
        var store = new BackupStore(_store);
        var older = await WriteZipAsync(store, DateTimeOffset.UtcNow.AddDays(-1));

        var error = await Assert.ThrowsAsync<BackupStoreException>(() => store.WriteAsync(Identity(DateTimeOffset.UtcNow), async (stream, token) =>
        {
            await stream.WriteAsync(new byte[100_000], token);
            throw new IOException("No space left on device");
        }, null, NullStarrHost.Instance, CancellationToken.None));

        Assert.Contains("is full (No space left on device)", error.Message, StringComparison.Ordinal);
        Assert.Contains("older backups were kept", error.Message, StringComparison.Ordinal);
        Assert.Equal([older.Path, older.ManifestPath], Directory.GetFiles(_store, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        Assert.True((await BackupVerifier.VerifyAsync(Assert.Single(store.List()), CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task An_unusable_store_path_is_a_store_error_not_a_crash()
    {
        var file = Path.Combine(Path.GetTempPath(), "starrops-not-a-dir-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(file, "x");
        try
        {
            var store = new BackupStore(Path.Combine(file, "store"));
            var error = await Assert.ThrowsAsync<BackupStoreException>(() => WriteZipAsync(store, DateTimeOffset.UtcNow));
            Assert.Contains("older backups were kept", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_download_that_is_not_an_archive_is_not_stored()
    {
        var store = new BackupStore(_store);
        var error = await Assert.ThrowsAsync<BackupException>(() => store.WriteAsync(Identity(DateTimeOffset.UtcNow),
            (stream, token) => stream.WriteAsync(Encoding.UTF8.GetBytes("<html>login</html>"), token).AsTask(), null, NullStarrHost.Instance, CancellationToken.None));
        Assert.Contains("not a readable zip", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_store, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task List_filters_by_instance_source_and_date_newest_first()
    {
        var store = new BackupStore(_store);
        var now = DateTimeOffset.UtcNow;
        await WriteZipAsync(store, now.AddDays(-3));
        var newest = await WriteZipAsync(store, now.AddDays(-1));
        await WriteZipAsync(store, now.AddDays(-2), instance: "radarr", service: "Radarr");

        Assert.Equal(3, store.List().Count);
        Assert.Equal(newest.Path, store.List()[0].Path);
        Assert.Equal(2, store.List(["son*"]).Count);
        Assert.Single(store.List(["radarr"]));
        Assert.Empty(store.List(source: "volume"));
        Assert.Single(store.List(["sonarr"], after: now.AddDays(-2)));
    }

    [Fact]
    public void Retention_keeps_the_right_set_over_a_year_of_dailies()
    {
        var year = Enumerable.Range(0, 365).Select(d => Fake(new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero).AddDays(d))).ToList();

        var kept = BackupRetention.SelectKept(year, new RetentionPolicy(Daily: 7, Weekly: 4, Monthly: 12), newestVerified: null);

        var expected = new[] { "12-25", "12-26", "12-27", "12-28", "12-29", "12-30", "12-31", // daily
                "12-20", "12-13",                                                                   // weekly (W51, W50; W53 and W52 are already kept)
                "01-31", "02-28", "03-31", "04-30", "05-31", "06-30", "07-31", "08-31", "09-30", "10-31", "11-30" } // monthly
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, kept.Select(b => b.Created.ToString("MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Retention_never_drops_the_newest_verified_backup()
    {
        var days = Enumerable.Range(0, 30).Select(d => Fake(new DateTimeOffset(2026, 6, 1, 2, 0, 0, TimeSpan.Zero).AddDays(d))).ToList();
        var lastGood = days[10];

        var kept = BackupRetention.SelectKept(days, new RetentionPolicy(3, 0, 0), lastGood);

        Assert.Contains(lastGood, kept);
        Assert.Equal(4, kept.Count);
    }

    [Fact]
    public async Task Prune_deletes_only_what_ShouldProcess_approves_and_keeps_the_newest_good_backup()
    {
        var store = new BackupStore(_store);
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        var written = new List<StarrBackup>();
        for (var d = 0; d < 6; d++) written.Add(await WriteZipAsync(store, start.AddDays(d)));
        // The two newest are damaged: the newest that verifies is written[3].
        foreach (var damaged in written.TakeLast(2)) await File.WriteAllBytesAsync(damaged.Path, new byte[] { 1, 2, 3 });

        var whatIf = new RecordingHost(approve: false);
        Assert.Empty(await BackupRetention.PruneAsync(store, new RetentionPolicy(1, 0, 0), null, whatIf, CancellationToken.None));
        Assert.Equal(4, whatIf.Questions.Count);
        Assert.Equal(6, store.List().Count);

        var deleted = await BackupRetention.PruneAsync(store, new RetentionPolicy(1, 0, 0), null, new RecordingHost(), CancellationToken.None);

        Assert.Equal(written.Take(3).Select(b => b.Path).Concat([written[4].Path]), deleted.Select(b => b.Path));
        Assert.Equal([written[5].Path, written[3].Path], store.List().Select(b => b.Path));
        Assert.False(File.Exists(written[0].Path));
        Assert.False(File.Exists(written[0].ManifestPath));
    }

    private static BackupManifest Identity(DateTimeOffset created, string instance = "sonarr", string service = "Sonarr") => new()
    {
        Service = service,
        Instance = instance,
        AppVersion = "4.0.19.0",
        Source = BackupSources.Api,
        ArchiveType = "zip",
        Created = created,
    };

    private static Task<StarrBackup> WriteZipAsync(BackupStore store, DateTimeOffset created, string instance = "sonarr", string service = "Sonarr")
    {
        var zip = BackupZips.Sonarr();
        return store.WriteAsync(Identity(created, instance, service), (stream, token) => stream.WriteAsync(zip, token).AsTask(), zip.Length, NullStarrHost.Instance,
            CancellationToken.None);
    }

    private static StarrBackup Fake(DateTimeOffset created) => new() { Instance = "sonarr", Source = "api", Created = created, Path = $"/store/{created:yyyyMMdd}.zip" };
}

public sealed class VolumeRestoreTests
{
    [Fact]
    public async Task A_volume_restore_scales_down_unpacks_through_a_helper_on_the_same_claim_and_scales_up()
    {
        await using var rig = await BackupRig.StartAsync();
        var backup = Assert.Single(await BackupService.BackupAsync(rig.Qbittorrent, rig.Options, null, CancellationToken.None));
        // After the backup the volume drifts: a file changes, one appears.
        rig.QbittorrentVolume.SetFile("qBittorrent/config/qBittorrent.conf", Encoding.UTF8.GetBytes("[Preferences]\nWebUI\\Port=9999\n"));
        rig.QbittorrentVolume.SetFile("qBittorrent/config/new.txt", new byte[10]);
        await using var controller = new FakeWorkloadController(rig.Cluster.Server, StarrOps.TestKit.Kubernetes.FakeMediaStack.Namespace, "qbittorrent", "qbittorrent-0", rig.QbittorrentVolume);
        var host = new RecordingHost();

        var result = await RestoreService.RestoreAsync(backup, rig.Qbittorrent,
            new RestoreOptions { Volume = rig.Volume, WaitTimeout = TimeSpan.FromSeconds(20), PollInterval = TimeSpan.FromMilliseconds(50) }, host, CancellationToken.None);

        Assert.True(result.Restored);
        Assert.Equal("[Preferences]\nWebUI\\Port=8080\n", Encoding.UTF8.GetString(rig.QbittorrentVolume.Read("qBittorrent/config/qBittorrent.conf")!));
        Assert.Null(rig.QbittorrentVolume.Read("qBittorrent/config/new.txt"));
        Assert.Equal(1, controller.PodDeletions);
        var job = Assert.Single(controller.HelperJobs);
        Assert.Equal("config-qbittorrent-0", job["spec"]!["template"]!["spec"]!["volumes"]![0]!["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        Assert.Equal(1, rig.Cluster.Server.Get(StarrOps.TestKit.Kubernetes.FakeResourceCatalog.StatefulSets, "media", "qbittorrent")!["spec"]!["replicas"]!.GetValue<int>());
        var scales = rig.Cluster.Server.Requests.Where(r => r.Method == "PATCH" && r.PathAndQuery.Contains("/statefulsets/qbittorrent/scale", StringComparison.Ordinal)).Select(r => r.Body).ToList();
        Assert.Equal(2, scales.Count);
        Assert.Contains("\"replicas\":0", scales[0], StringComparison.Ordinal);
        Assert.Contains("\"replicas\":1", scales[1], StringComparison.Ordinal);
    }
}
