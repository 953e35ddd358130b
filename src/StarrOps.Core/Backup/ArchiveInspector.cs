using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace StarrOps.Core.Backup;

/// <summary>
/// Reads every entry of a zip or tar archive once, streaming: its size and SHA-256, and — for the entries a
/// caller asks for (SQLite databases, config.xml) — a copy in a temporary file. Nothing is held in memory whole.
/// </summary>
internal static class ArchiveInspector
{
    /// <summary>What one pass over an archive found.</summary>
    public sealed record Result(IReadOnlyList<BackupEntry> Entries, IReadOnlyDictionary<string, string> Extracted, string? Error) : IDisposable
    {
        public void Dispose()
        {
            foreach (var file in Extracted.Values)
            {
                try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    public static string DetectType(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        var read = stream.Read(head);
        return read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' ? "zip" : "tar";
    }

    /// <param name="extract">Which entries to copy to temporary files (by normalised path).</param>
    public static Result Inspect(string archivePath, string archiveType, Func<string, bool> extract, CancellationToken cancellationToken)
    {
        var entries = new List<BackupEntry>();
        var extracted = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (archiveType == "zip")
            {
                using var zip = ZipFile.OpenRead(archivePath);
                foreach (var entry in zip.Entries)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (entry.FullName.EndsWith('/')) continue; // a directory
                    using var data = entry.Open();
                    entries.Add(Read(Normalise(entry.FullName), data, extract, extracted));
                }
            }
            else
            {
                using var file = File.OpenRead(archivePath);
                using var tar = new TarReader(file);
                while (tar.GetNextEntry() is { } entry)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                    var name = Normalise(entry.Name);
                    entries.Add(entry.DataStream is null ? new BackupEntry(name, 0, Hex(SHA256.HashData(Array.Empty<byte>())))
                        : Read(name, entry.DataStream, extract, extracted));
                }
            }
            return new Result(entries, extracted, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or ArgumentException or EndOfStreamException)
        {
            var at = entries.Count == 0 ? "" : $" after {entries[^1].Path}";
            return new Result(entries, extracted, $"{ex.Message.TrimEnd('.')}{at}");
        }
    }

    /// <summary>"./sonarr.db" and "sonarr.db" are the same file.</summary>
    public static string Normalise(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal)) path = path[2..];
        return path.TrimStart('/');
    }

    private static BackupEntry Read(string name, Stream data, Func<string, bool> extract, Dictionary<string, string> extracted)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Stream? copy = null;
        if (extract(name))
        {
            var temp = Path.Combine(Path.GetTempPath(), $"starrops-check-{Guid.NewGuid():N}-{Path.GetFileName(name)}");
            copy = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920);
            extracted[name] = temp;
        }
        long size = 0;
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = data.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                copy?.Write(buffer, 0, read);
                size += read;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{name} cannot be read: {ex.Message}", ex);
        }
        finally
        {
            copy?.Dispose();
        }
        return new BackupEntry(name, size, Hex(hash.GetHashAndReset()));
    }

    public static string Hex(byte[] hash) => Convert.ToHexString(hash).ToLowerInvariant();

    public static async Task<(long Size, string Sha256)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            size += read;
        }
        return (size, Hex(hash.GetHashAndReset()));
    }
}
