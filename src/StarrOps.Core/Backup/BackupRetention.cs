using System.Globalization;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Backup;

/// <summary>
/// Grandfather-father-son retention per instance and source: the newest backup of each of the last
/// <see cref="RetentionPolicy.Daily"/> days, <see cref="RetentionPolicy.Weekly"/> ISO weeks and
/// <see cref="RetentionPolicy.Monthly"/> months that have backups. The newest backup that passes
/// verification is never deleted, whatever the policy says.
/// </summary>
public static class BackupRetention
{
    /// <summary>Which of <paramref name="backups"/> (one instance and source) to keep; the rest may go.</summary>
    public static IReadOnlySet<StarrBackup> SelectKept(IEnumerable<StarrBackup> backups, RetentionPolicy policy, StarrBackup? newestVerified)
    {
        var ordered = backups.OrderByDescending(b => b.Created).ToList();
        var keep = new HashSet<StarrBackup>();
        KeepNewestPerBucket(ordered, policy.Daily, b => b.Created.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), keep);
        KeepNewestPerBucket(ordered, policy.Weekly, b => $"{ISOWeek.GetYear(b.Created.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(b.Created.UtcDateTime):00}", keep);
        KeepNewestPerBucket(ordered, policy.Monthly, b => b.Created.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), keep);
        if (newestVerified is not null) keep.Add(newestVerified);
        return keep;
    }

    private static void KeepNewestPerBucket(List<StarrBackup> newestFirst, int count, Func<StarrBackup, string> bucket, HashSet<StarrBackup> keep)
    {
        if (count <= 0) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var backup in newestFirst)
        {
            if (!seen.Add(bucket(backup))) continue;
            keep.Add(backup);
            if (seen.Count == count) return;
        }
    }

    /// <summary>
    /// Applies the policy to every instance (and source) in the store: deletes what it does not keep, each file
    /// only when <see cref="IStarrHost.ShouldProcess"/> approves (-WhatIf lists them). Returns what was deleted.
    /// </summary>
    public static async Task<IReadOnlyList<StarrBackup>> PruneAsync(BackupStore store, RetentionPolicy policy, string[]? instances, IStarrHost? host,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        host ??= NullStarrHost.Instance;
        var deleted = new List<StarrBackup>();
        foreach (var group in store.List(instances, host: host).GroupBy(b => (b.Instance, b.Source)))
        {
            StarrBackup? newestVerified = null;
            foreach (var candidate in group.OrderByDescending(b => b.Created))
            {
                if ((await BackupVerifier.VerifyAsync(candidate, cancellationToken).ConfigureAwait(false)).Passed)
                {
                    newestVerified = candidate;
                    break;
                }
            }
            if (newestVerified is null) host.WriteWarning($"{group.Key.Instance}: no {group.Key.Source} backup passes verification; keeping by policy only.");
            var keep = SelectKept(group, policy, newestVerified);
            foreach (var backup in group.Where(b => !keep.Contains(b)).OrderBy(b => b.Created))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!host.ShouldProcess(backup.Path, "Delete backup (retention)")) continue;
                BackupStore.Delete(backup);
                deleted.Add(backup);
            }
        }
        return deleted;
    }
}
