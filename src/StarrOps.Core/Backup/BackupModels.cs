using System.Text.Json;
using System.Text.Json.Serialization;

namespace StarrOps.Core.Backup;

/// <summary>Where a backup came from: the app's own backup zip (<c>api</c>) or a tar of its config volume (<c>volume</c>).</summary>
public static class BackupSources
{
    public const string Api = "api";
    public const string Volume = "volume";
}

/// <summary>One file inside a backup archive, as the manifest records it.</summary>
public sealed record BackupEntry(string Path, long Size, string Sha256);

/// <summary>
/// The JSON written beside each archive (<c>NAME.zip.manifest.json</c>). It is written last, so an archive
/// without a manifest is an unfinished backup and is never listed.
/// </summary>
public sealed record BackupManifest
{
    public const int CurrentFormat = 1;
    public const string Suffix = ".manifest.json";

    public int Format { get; init; } = CurrentFormat;
    /// <summary>The service kind: Sonarr, Radarr, QBittorrent …</summary>
    public string Service { get; init; } = "";
    public string Instance { get; init; } = "";
    /// <summary>The app's version when it was backed up (from system/status or the zip's INFO); null when unknown.</summary>
    public string? AppVersion { get; init; }
    public string Source { get; init; } = BackupSources.Api;
    /// <summary>zip or tar.</summary>
    public string ArchiveType { get; init; } = "zip";
    /// <summary>The archive's file name (same folder as the manifest).</summary>
    public string Archive { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public long Size { get; init; }
    public string Sha256 { get; init; } = "";
    /// <summary>The app's own name of the backup (sonarr_backup_v4.0.19.0_….zip) or the volume path.</summary>
    public string? Origin { get; init; }
    public IReadOnlyList<BackupEntry> Entries { get; init; } = [];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <exception cref="InvalidDataException">Not a manifest.</exception>
    public static BackupManifest Parse(string json)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
            if (manifest is null || manifest.Archive.Length == 0 || manifest.Instance.Length == 0)
                throw new InvalidDataException("the manifest has no archive or instance name");
            return manifest;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the manifest is not valid JSON: {ex.Message}", ex);
        }
    }
}

/// <summary>A backup in the store: an archive and its manifest. <see cref="Path"/> is what Test-StarrBackup and Restore-StarrConfig take.</summary>
public sealed record StarrBackup
{
    public string Instance { get; init; } = "";
    public string Service { get; init; } = "";
    public string? AppVersion { get; init; }
    public string Source { get; init; } = "";
    public string ArchiveType { get; init; } = "";
    public DateTimeOffset Created { get; init; }
    public long Size { get; init; }
    public string Sha256 { get; init; } = "";
    /// <summary>Full path of the archive.</summary>
    public string Path { get; init; } = "";
    public string ManifestPath { get; init; } = "";
    public IReadOnlyList<BackupEntry> Entries { get; init; } = [];
    /// <summary>Set by Backup-StarrConfig, which verifies every backup it writes; null when not verified in this run.</summary>
    public BackupVerification? Verification { get; init; }
    public bool? Verified => Verification?.Passed;

    internal BackupManifest? Manifest { get; init; }

    internal static StarrBackup From(BackupManifest manifest, string manifestPath) => new()
    {
        Instance = manifest.Instance,
        Service = manifest.Service,
        AppVersion = manifest.AppVersion,
        Source = manifest.Source,
        ArchiveType = manifest.ArchiveType,
        Created = manifest.Created,
        Size = manifest.Size,
        Sha256 = manifest.Sha256,
        // Only a file name beside the manifest: a manifest cannot point outside its folder.
        Path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(manifestPath) ?? ".", System.IO.Path.GetFileName(manifest.Archive)),
        ManifestPath = manifestPath,
        Entries = manifest.Entries,
        Manifest = manifest,
    };
}

/// <summary>One check of a verification: what, whether it passed, and why not.</summary>
public sealed record BackupCheck(string Name, bool Passed, string Detail);

/// <summary>Test-StarrBackup's answer for one backup: <see cref="Passed"/> only when every check passed.</summary>
public sealed record BackupVerification
{
    public string Instance { get; init; } = "";
    public DateTimeOffset? Created { get; init; }
    public string Path { get; init; } = "";
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
    /// <summary>The failed checks as "name: detail", naming the file that failed.</summary>
    public IReadOnlyList<string> FailedChecks => Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}").ToList();
    public IReadOnlyList<BackupCheck> Checks { get; init; } = [];
}

/// <summary>What Restore-StarrConfig did.</summary>
public sealed record RestoreResult
{
    public string Instance { get; init; } = "";
    public string Path { get; init; } = "";
    public string Source { get; init; } = "";
    public string? AppVersion { get; init; }
    public bool Restored { get; init; }
    public TimeSpan Duration { get; init; }
    public string Message { get; init; } = "";
}

/// <summary>How many backups to keep per instance: the newest of each of the last N days, weeks and months.</summary>
public sealed record RetentionPolicy(int Daily, int Weekly, int Monthly)
{
    public bool KeepsEverything => Daily < 0 && Weekly < 0 && Monthly < 0;
}
