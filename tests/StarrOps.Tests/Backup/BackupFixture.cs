using System.IO.Compression;
using System.Text;
using StarrOps.Core.Backup;
using StarrOps.Core.Instances;
using StarrOps.TestKit;
using StarrOps.TestKit.Backup;
using StarrOps.TestKit.Kubernetes;
using StarrOps.Tests.Kubernetes;

namespace StarrOps.Tests.Backup;

/// <summary>Builds backup archives in the shape a real Sonarr 4.0.19 writes: config.xml, sonarr.db (a real SQLite file), INFO.</summary>
internal static class BackupZips
{
    public const string ApiKey = "b2222222222222222222222222222222";

    public static byte[] Sonarr(string version = "4.0.19.0", string? apiKey = ApiKey, byte[]? database = null, string? configXml = null)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "config.xml", Encoding.UTF8.GetBytes(configXml ?? ConfigXml(apiKey)));
            Add(zip, "sonarr.db", database ?? Database());
            Add(zip, "INFO", Encoding.UTF8.GetBytes($"v{version}\n2026-11-22 03:34:08\n"));
        }
        return output.ToArray();
    }

    public static string ConfigXml(string? apiKey) =>
        "\n<Config>\n  <BindAddress>*</BindAddress>\n  <Port>8989</Port>\n" + (apiKey is null ? "" : $"  <ApiKey>{apiKey}</ApiKey>\n")
        + "  <AuthenticationMethod>Forms</AuthenticationMethod>\n  <UrlBase></UrlBase>\n  <InstanceName>Sonarr</InstanceName>\n</Config>";

    /// <summary>A real SQLite database, made through the same libsqlite3 the verifier uses.</summary>
    public static byte[] Database(int rows = 200)
    {
        var path = Path.Combine(Path.GetTempPath(), $"starrops-fixture-{Guid.NewGuid():N}.db");
        try
        {
            var sql = new StringBuilder("PRAGMA journal_mode=DELETE; CREATE TABLE Config (Id INTEGER PRIMARY KEY, Key TEXT NOT NULL UNIQUE, Value TEXT);"
                + "CREATE TABLE Series (Id INTEGER PRIMARY KEY, Title TEXT, Path TEXT); CREATE INDEX IX_Series_Title ON Series(Title); BEGIN;");
            for (var i = 1; i <= rows; i++) sql.Append($"INSERT INTO Series (Title, Path) VALUES ('Show {i}', '/data/media/tv/Show {i}');");
            sql.Append("INSERT INTO Config (Key, Value) VALUES ('cleanupmetadataimages', 'False'); COMMIT;");
            SqliteNative.Execute(path, sql.ToString());
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A database whose B-tree pages are damaged: it opens, but integrity_check reports errors.</summary>
    public static byte[] DamagedDatabase()
    {
        var bytes = Database(2000);
        // Page 1 is the header and schema; garble the middle of later pages (the Series table and its index).
        for (var page = 3; page * 4096 < bytes.Length - 4096; page += 2)
            for (var i = 100; i < 400; i++) bytes[page * 4096 + i] ^= 0x5A;
        return bytes;
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(content);
    }
}

/// <summary>An emulated Sonarr whose backups are real-shaped zips, a fake cluster whose sonarr-0 pod has the config volume, and a temp store.</summary>
internal sealed class BackupRig : IAsyncDisposable
{
    private BackupRig(EmulatedSonarr sonarr, FakeCluster cluster, string store)
    {
        Sonarr = sonarr;
        Cluster = cluster;
        StorePath = store;
    }

    public EmulatedSonarr Sonarr { get; }
    public FakeCluster Cluster { get; }
    public string StorePath { get; }
    public FakeConfigVolume SonarrVolume { get; } = new();
    public FakeConfigVolume QbittorrentVolume { get; } = new();
    public StarrOps.Core.Kubernetes.KubernetesClient Kubernetes => _kubernetes ??= Cluster.Client();
    private StarrOps.Core.Kubernetes.KubernetesClient? _kubernetes;

    public StarrInstance Instance => new("sonarr", ServiceKind.Sonarr, Sonarr.Url, new Secret(Sonarr.ApiKey)) { Timeout = TimeSpan.FromSeconds(20) };
    public StarrInstance Qbittorrent => new("qbittorrent", ServiceKind.QBittorrent, new Uri("http://127.0.0.1:9"));

    public ConfigVolumeOptions Volume => new() { Kubernetes = Kubernetes, Namespace = FakeMediaStack.Namespace };

    public BackupOptions Options => new() { StorePath = StorePath, Volume = Volume, CommandTimeout = TimeSpan.FromSeconds(30) };

    public static async Task<BackupRig> StartAsync(Func<byte[]>? content = null)
    {
        var sonarr = await EmulatedArr.StartSonarrAsync();
        sonarr.BackupContent = content ?? (() => BackupZips.Sonarr());
        var cluster = await FakeCluster.StartAsync();
        var store = Path.Combine(Path.GetTempPath(), "starrops-store-" + Guid.NewGuid().ToString("N")[..10]);
        var rig = new BackupRig(sonarr, cluster, store);
        rig.SonarrVolume.SetFile("config.xml", Encoding.UTF8.GetBytes(BackupZips.ConfigXml(BackupZips.ApiKey)));
        rig.SonarrVolume.SetFile("sonarr.db", BackupZips.Database());
        rig.SonarrVolume.SetFile("MediaCover/1/poster.jpg", new byte[2048]);
        rig.SonarrVolume.Fallback = path => path.StartsWith("Backups/", StringComparison.Ordinal) ? sonarr.BackupFile(Path.GetFileName(path)) : null;
        rig.SonarrVolume.Attach(cluster.Server, FakeMediaStack.Namespace, "sonarr-0");
        rig.QbittorrentVolume.SetFile("qBittorrent/config/qBittorrent.conf", Encoding.UTF8.GetBytes("[Preferences]\nWebUI\\Port=8080\n"));
        rig.QbittorrentVolume.SetFile("qBittorrent/data/BT_backup/abc.fastresume", new byte[5000]);
        rig.QbittorrentVolume.Attach(cluster.Server, FakeMediaStack.Namespace, "qbittorrent-0");
        return rig;
    }

    public async ValueTask DisposeAsync()
    {
        _kubernetes?.Dispose();
        await Sonarr.DisposeAsync();
        await Cluster.DisposeAsync();
        try { Directory.Delete(StorePath, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
