using System.Globalization;
using System.Security.Cryptography;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Backup;

/// <summary>
/// A folder of backups (local, or a mounted PVC): <c>STORE/INSTANCE/INSTANCE_yyyyMMddTHHmmssZ_SOURCE.zip|tar</c>,
/// each with <c>…manifest.json</c> beside it. Archives are written under a hidden temporary name and renamed
/// only when complete and readable; the manifest is renamed last, and only archives with a manifest are listed,
/// so an interrupted transfer never leaves something that looks like a backup.
/// </summary>
public sealed class BackupStore
{
    internal const string TemporaryPrefix = ".starrops-partial-";

    public BackupStore(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new StarrConfigurationException("The backup store needs a path (-Path): a folder or a mounted volume.");
        Root = System.IO.Path.GetFullPath(path);
    }

    public string Root { get; }

    /// <summary>Every complete backup, newest first; optional filters by instance (wildcards * ?), source and creation time.</summary>
    public IReadOnlyList<StarrBackup> List(string[]? instances = null, string? source = null, DateTimeOffset? after = null, DateTimeOffset? before = null,
        IStarrHost? host = null)
    {
        if (!Directory.Exists(Root)) return [];
        var patterns = instances?.Where(i => !string.IsNullOrWhiteSpace(i)).Select(WildcardToRegex).ToList();
        var found = new List<StarrBackup>();
        foreach (var manifestPath in Directory.EnumerateFiles(Root, "*" + BackupManifest.Suffix, SearchOption.AllDirectories))
        {
            if (System.IO.Path.GetFileName(manifestPath).StartsWith(TemporaryPrefix, StringComparison.Ordinal)) continue;
            BackupManifest manifest;
            try
            {
                manifest = BackupManifest.Parse(File.ReadAllText(manifestPath));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                host?.WriteWarning($"Skipping {manifestPath}: {ex.Message}");
                continue;
            }
            var backup = StarrBackup.From(manifest, manifestPath);
            if (patterns is { Count: > 0 } && !patterns.Any(p => p.IsMatch(backup.Instance))) continue;
            if (source is not null && !string.Equals(source, backup.Source, StringComparison.OrdinalIgnoreCase)) continue;
            if (after is not null && backup.Created < after) continue;
            if (before is not null && backup.Created > before) continue;
            found.Add(backup);
        }
        return found.OrderByDescending(b => b.Created).ThenBy(b => b.Instance, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Streams an archive from <paramref name="produce"/> into the store, hashes it on the way, reads it back to
    /// record every entry, and publishes it with its manifest. On any failure nothing new is left in the store.
    /// </summary>
    /// <param name="expectedSize">For progress; null when unknown.</param>
    public async Task<StarrBackup> WriteAsync(BackupManifest identity, Func<Stream, CancellationToken, Task> produce, long? expectedSize, IStarrHost host,
        CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.Combine(Root, SafeName(identity.Instance));
        var stamp = identity.Created.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var archiveName = $"{SafeName(identity.Instance)}_{stamp}_{identity.Source}.{identity.ArchiveType}";
        // Two backups within one second (a retry) get a counter rather than overwriting each other.
        for (var n = 2; File.Exists(System.IO.Path.Combine(folder, archiveName)) || File.Exists(System.IO.Path.Combine(folder, archiveName + BackupManifest.Suffix)); n++)
            archiveName = $"{SafeName(identity.Instance)}_{stamp}-{n}_{identity.Source}.{identity.ArchiveType}";
        var archivePath = System.IO.Path.Combine(folder, archiveName);
        var manifestPath = archivePath + BackupManifest.Suffix;
        var token = Guid.NewGuid().ToString("N")[..12];
        var temporaryArchive = System.IO.Path.Combine(folder, $"{TemporaryPrefix}{token}-{archiveName}");
        var temporaryManifest = System.IO.Path.Combine(folder, $"{TemporaryPrefix}{token}-{archiveName}.json.tmp");
        var published = false;
        try
        {
            Directory.CreateDirectory(folder);
            string sha256;
            long size;
            await using (var file = new FileStream(temporaryArchive, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var hashing = new HashingWriteStream(file, host, $"{identity.Instance}: backup to {archiveName}", expectedSize))
            {
                await produce(hashing, cancellationToken).ConfigureAwait(false);
                await hashing.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                (size, sha256) = (hashing.Length, hashing.HashHex());
                hashing.Complete();
            }
            if (size == 0) throw new BackupException($"{identity.Instance}: the {identity.Source} backup arrived empty; it was not stored.");

            using var inspected = await Task.Run(() => ArchiveInspector.Inspect(temporaryArchive, identity.ArchiveType, _ => false, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            if (inspected.Error is not null)
                throw new BackupException($"{identity.Instance}: the {identity.Source} backup is not a readable {identity.ArchiveType} ({inspected.Error}); it was not stored.");
            var manifest = identity with { Archive = archiveName, Size = size, Sha256 = sha256, Entries = inspected.Entries };
            await File.WriteAllTextAsync(temporaryManifest, manifest.ToJson(), cancellationToken).ConfigureAwait(false);
            File.Move(temporaryArchive, archivePath);
            File.Move(temporaryManifest, manifestPath);
            published = true;
            return StarrBackup.From(manifest, manifestPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStoreException(Describe(ex, folder), ex);
        }
        finally
        {
            if (!published)
            {
                TryDelete(temporaryArchive);
                TryDelete(temporaryManifest);
                if (File.Exists(archivePath) && !File.Exists(manifestPath)) TryDelete(archivePath);
            }
        }
    }

    /// <summary>The backup whose archive is at <paramref name="archivePath"/>; its manifest is read when verified (a missing one fails verification).</summary>
    public static StarrBackup Open(string archivePath)
    {
        var full = System.IO.Path.GetFullPath(archivePath);
        var manifestPath = full + BackupManifest.Suffix;
        try
        {
            var manifest = BackupManifest.Parse(File.ReadAllText(manifestPath));
            return StarrBackup.From(manifest, manifestPath) with { Path = full };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new StarrBackup { Path = full, ManifestPath = manifestPath };
        }
    }

    /// <summary>Deletes a backup: the manifest first (so a half-deleted backup is no longer listed), then the archive.</summary>
    public static void Delete(StarrBackup backup)
    {
        try
        {
            File.Delete(backup.ManifestPath);
            File.Delete(backup.Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupStoreException($"Cannot delete {backup.Path}: {ex.Message}", ex);
        }
    }

    private static string Describe(Exception ex, string folder) => ex switch
    {
        IOException io when IsDiskFull(io) =>
            $"The backup store {folder} is full (No space left on device). The incomplete backup was removed; older backups were kept. Free space or prune with -KeepDaily/-KeepWeekly/-KeepMonthly.",
        UnauthorizedAccessException =>
            $"The backup store {folder} is not writable ({ex.Message}). Older backups were kept. Check the folder's permissions or the volume's mount options.",
        _ => $"Writing the backup into {folder} failed: {ex.Message}. The incomplete backup was removed; older backups were kept.",
    };

    // ENOSPC is errno 28 (HResult 0x8007001C on Windows: ERROR_DISK_FULL 0x70 / 39).
    private static bool IsDiskFull(IOException ex) =>
        ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase) || (ex.HResult & 0xFFFF) is 28 or 39 or 112;

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static string SafeName(string name)
    {
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        return new string(name.Select(c => invalid.Contains(c) || c is '/' or '\\' or ' ' ? '_' : c).ToArray());
    }

    private static System.Text.RegularExpressions.Regex WildcardToRegex(string pattern) =>
        new("^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}

/// <summary>The store cannot take a backup (full, not writable, …); older backups are untouched.</summary>
public sealed class BackupStoreException(string message, Exception? inner = null) : StarrException(message, inner)
{
    public override string ErrorId => "StarrBackupStoreFailed";
    public override StarrErrorCategory Category => StarrErrorCategory.InvalidOperation;
}

/// <summary>A backup cannot be made or restored (the app's backup failed, the archive is unusable, a restore was refused).</summary>
public sealed class BackupException(string message, string errorId = "StarrBackupFailed", Exception? inner = null) : StarrException(message, inner)
{
    public override string ErrorId { get; } = errorId;
    public override StarrErrorCategory Category => StarrErrorCategory.InvalidData;
}

/// <summary>Hashes and counts what passes through, and reports progress at most every 250 ms.</summary>
internal sealed class HashingWriteStream(Stream inner, IStarrHost host, string activity, long? expectedSize) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly int _activityId = 20 + (activity.GetHashCode() & 0x3FF);
    private long _length;
    private long _lastReport = -1;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public string HashHex() => ArchiveInspector.Hex(_hash.GetHashAndReset());

    public void Complete() => host.WriteProgress(new StarrProgress(_activityId, activity, $"{Mib(_length)} written", 100, Completed: true));

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Account(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Account(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        _length += data.Length;
        var now = _clock.ElapsedMilliseconds;
        if (_lastReport >= 0 && now - _lastReport < 250) return;
        _lastReport = now;
        var percent = expectedSize is > 0 ? (int)Math.Min(99, _length * 100 / expectedSize.Value) : -1;
        var rate = now > 0 ? $", {_length / 1048576.0 / (now / 1000.0):0.0} MiB/s" : "";
        host.WriteProgress(new StarrProgress(_activityId, activity, $"{Mib(_length)}{(expectedSize is > 0 ? " of " + Mib(expectedSize.Value) : "")}{rate}", percent));
    }

    private static string Mib(long bytes) => $"{bytes / 1048576.0:0.0} MiB";

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
