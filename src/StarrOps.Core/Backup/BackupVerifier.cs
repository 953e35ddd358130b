using System.Xml;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Backup;

/// <summary>
/// Decides whether a backup can be restored: the archive's and every entry's size and SHA-256 match the
/// manifest, the archive opens and every entry reads, each SQLite database inside passes
/// <c>PRAGMA integrity_check</c>, and an *arr's config.xml parses and holds an ApiKey.
/// </summary>
public static class BackupVerifier
{
    public static async Task<BackupVerification> VerifyAsync(StarrBackup backup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backup);
        var checks = new List<BackupCheck>();
        var archiveName = Path.GetFileName(backup.Path);
        BackupVerification Done() => new() { Instance = backup.Instance, Created = backup.Created, Path = backup.Path, Checks = checks };

        var manifest = backup.Manifest;
        if (manifest is null)
        {
            try
            {
                manifest = BackupManifest.Parse(await File.ReadAllTextAsync(backup.ManifestPath, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                checks.Add(new BackupCheck("manifest", false, $"{Path.GetFileName(backup.ManifestPath)}: {ex.Message}"));
                return Done();
            }
        }
        checks.Add(new BackupCheck("manifest", true, Path.GetFileName(backup.ManifestPath)));
        if (!File.Exists(backup.Path))
        {
            checks.Add(new BackupCheck("archive", false, $"{archiveName} is missing"));
            return Done();
        }

        var (size, sha256) = await ArchiveInspector.HashFileAsync(backup.Path, cancellationToken).ConfigureAwait(false);
        var hashMatches = size == manifest.Size && string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase);
        checks.Add(new BackupCheck("archive hash", hashMatches, hashMatches ? archiveName
            : $"{archiveName}: {size} bytes, SHA-256 {sha256}; the manifest says {manifest.Size} bytes, {manifest.Sha256}"));

        using var inspected = await Task.Run(() => ArchiveInspector.Inspect(backup.Path, manifest.ArchiveType, IsWanted, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        checks.Add(inspected.Error is null
            ? new BackupCheck("archive", true, $"{archiveName}: {inspected.Entries.Count} entries read")
            : new BackupCheck("archive", false, $"{archiveName} does not read as a {manifest.ArchiveType}: {inspected.Error}"));

        var found = inspected.Entries.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var entryProblems = new List<string>();
        foreach (var expected in manifest.Entries)
        {
            if (!found.TryGetValue(expected.Path, out var actual))
            {
                if (inspected.Error is null) entryProblems.Add($"{expected.Path} is missing");
            }
            else if (actual.Size != expected.Size || !string.Equals(actual.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
                entryProblems.Add($"{expected.Path} differs from the manifest (SHA-256 {actual.Sha256}, expected {expected.Sha256})");
        }
        var listed = manifest.Entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        entryProblems.AddRange(inspected.Entries.Where(e => !listed.Contains(e.Path)).Select(e => $"{e.Path} is not in the manifest"));
        checks.Add(new BackupCheck("entry hashes", entryProblems.Count == 0,
            entryProblems.Count == 0 ? $"{manifest.Entries.Count} files match" : string.Join("; ", entryProblems)));

        foreach (var (entry, temp) in inspected.Extracted.Where(e => IsDatabase(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
            checks.Add(CheckDatabase(entry, temp));

        var isArr = Enum.TryParse<ServiceKind>(manifest.Service, ignoreCase: true, out var kind) && kind.IsArr();
        var config = inspected.Extracted.Keys.FirstOrDefault(k => k == "config.xml");
        if (config is not null) checks.Add(CheckConfig(inspected.Extracted[config]));
        else if (isArr && inspected.Error is null) checks.Add(new BackupCheck("config.xml", false, $"{archiveName} holds no config.xml"));
        if (isArr && inspected.Error is null && !inspected.Entries.Any(e => IsDatabase(e.Path)))
            checks.Add(new BackupCheck("database", false, $"{archiveName} holds no SQLite database"));
        return Done();
    }

    /// <summary>Only the root config.xml and the databases are copied out for checks.</summary>
    private static bool IsWanted(string path) => path == "config.xml" || IsDatabase(path);

    internal static bool IsDatabase(string path) =>
        path.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".sqlite3", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".sqlite", StringComparison.OrdinalIgnoreCase);

    private static BackupCheck CheckDatabase(string entry, string file)
    {
        var name = $"database {entry}";
        try
        {
            var rows = SqliteNative.IntegrityCheck(file);
            var ok = rows.Count == 1 && rows[0] == "ok";
            return new BackupCheck(name, ok, ok ? "integrity_check: ok" : $"{entry}: integrity_check: {string.Join("; ", rows.Take(5))}");
        }
        catch (InvalidDataException ex)
        {
            return new BackupCheck(name, false, $"{entry}: {ex.Message}");
        }
        catch (DllNotFoundException)
        {
            return new BackupCheck(name, false, $"{entry}: cannot be checked: libsqlite3.so.0 is not installed (Debian/Ubuntu: apt-get install libsqlite3-0)");
        }
    }

    private static BackupCheck CheckConfig(string file)
    {
        try
        {
            var document = new XmlDocument { XmlResolver = null };
            using (var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
                document.Load(reader);
            var key = document.SelectSingleNode("/Config/ApiKey")?.InnerText?.Trim();
            return string.IsNullOrEmpty(key)
                ? new BackupCheck("config.xml", false, "config.xml has no ApiKey")
                : new BackupCheck("config.xml", true, "parses, has an ApiKey");
        }
        catch (XmlException ex)
        {
            return new BackupCheck("config.xml", false, $"config.xml does not parse: {ex.Message}");
        }
    }

    /// <summary>The ApiKey of a config.xml inside an archive (to check that a restored app answers with it); null when there is none.</summary>
    internal static string? ReadApiKey(string archivePath, string archiveType, CancellationToken cancellationToken)
    {
        using var inspected = ArchiveInspector.Inspect(archivePath, archiveType, p => p == "config.xml", cancellationToken);
        if (!inspected.Extracted.TryGetValue("config.xml", out var file)) return null;
        try
        {
            var document = new XmlDocument { XmlResolver = null };
            using var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document.Load(reader);
            return document.SelectSingleNode("/Config/ApiKey")?.InnerText?.Trim();
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
