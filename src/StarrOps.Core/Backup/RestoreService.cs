using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;

namespace StarrOps.Core.Backup;

public sealed record RestoreOptions
{
    /// <summary>Restore a backup made by a newer app version than the running one.</summary>
    public bool Force { get; init; }
    /// <summary>For volume backups: where the app's pod and workload are.</summary>
    public ConfigVolumeOptions? Volume { get; init; }
    /// <summary>Image of the helper pod that unpacks a volume backup while the app is scaled to zero (needs sh, tar, find).</summary>
    public string HelperImage { get; init; } = "busybox:1.36";
    /// <summary>How long to wait for pods to stop and start, and for the app to answer again.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>After asking the app to restart, how long the old process may still be answering /ping.</summary>
    public TimeSpan RestartGrace { get; init; } = TimeSpan.FromSeconds(3);
    internal TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Restores a verified backup: an app zip through the app's own upload-restore endpoint and a restart, a volume
/// tar by scaling the workload to zero, unpacking into the volume from a helper pod, and scaling back up.
/// Refuses a backup that fails verification, belongs to another kind of app, or comes from a newer app version.
/// </summary>
public static class RestoreService
{
    public static async Task<RestoreResult> RestoreAsync(StarrBackup backup, StarrInstance instance, RestoreOptions options, IStarrHost? host,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backup);
        ArgumentNullException.ThrowIfNull(instance);
        host ??= NullStarrHost.Instance;
        var clock = Stopwatch.StartNew();
        var file = Path.GetFileName(backup.Path);

        var verification = await BackupVerifier.VerifyAsync(backup, cancellationToken).ConfigureAwait(false);
        if (!verification.Passed)
            throw new BackupException($"Refusing to restore {file} into {instance.Name}: it failed verification: {string.Join("; ", verification.FailedChecks)}", "StarrBackupCorrupt");
        if (!string.Equals(backup.Service, instance.Kind.ToString(), StringComparison.OrdinalIgnoreCase))
            throw new BackupException($"Refusing to restore {file} into {instance.Name}: it is a {backup.Service} backup and {instance.Name} is {instance.Kind}.", "StarrBackupMismatch");

        string? running = null;
        if (instance.Kind.IsArr())
        {
            using var client = ArrClientFactory.Create(instance, host);
            running = (await client.GetSystemStatusAsync(cancellationToken).ConfigureAwait(false)).Version;
            if (IsNewer(backup.AppVersion, running) && !options.Force)
                throw new BackupException(
                    $"Refusing to restore {file} into {instance.Name}: it was made by {backup.Service} {backup.AppVersion}, newer than the running {running}; its database may not open. Upgrade the app first, or pass -Force.",
                    "StarrBackupNewerVersion");
        }

        if (!host.ShouldProcess(instance.Name, $"Restore {file} ({backup.Source} backup of {backup.Created:u}) and restart the app"))
            return new RestoreResult { Instance = instance.Name, Path = backup.Path, Source = backup.Source, AppVersion = backup.AppVersion, Message = "Not restored (declined)." };

        if (backup.Source == BackupSources.Api) await RestoreThroughApiAsync(backup, instance, options, host, cancellationToken).ConfigureAwait(false);
        else await RestoreVolumeAsync(backup, instance, options, host, cancellationToken).ConfigureAwait(false);

        var message = await WaitUntilServingAsync(instance, options, host, cancellationToken).ConfigureAwait(false);
        clock.Stop();
        return new RestoreResult
        {
            Instance = instance.Name,
            Path = backup.Path,
            Source = backup.Source,
            AppVersion = backup.AppVersion,
            Restored = true,
            Duration = clock.Elapsed,
            Message = message,
        };
    }

    internal static bool IsNewer(string? backupVersion, string? runningVersion) =>
        Version.TryParse(backupVersion?.TrimStart('v'), out var made) && Version.TryParse(runningVersion?.TrimStart('v'), out var running) && made > running;

    private static async Task RestoreThroughApiAsync(StarrBackup backup, StarrInstance instance, RestoreOptions options, IStarrHost host, CancellationToken cancellationToken)
    {
        using var client = ArrClientFactory.Create(instance, host);
        using var http = new StarrHttpClient(instance, host, StarrHttpClient.ApiKeyHeader(instance));
        var upload = $"{client.ApiRoot}/system/backup/restore/upload";
        host.WriteVerbose($"{instance.Name}: uploading {Path.GetFileName(backup.Path)} to {upload}.");
        using (await http.SendAsync(() =>
               {
                   var content = new MultipartFormDataContent();
                   var data = new StreamContent(new FileStream(backup.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true));
                   data.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/zip");
                   content.Add(data, "file", Path.GetFileName(backup.Path));
                   return new HttpRequestMessage(HttpMethod.Post, instance.Resolve(upload)) { Content = content };
               }, upload, cancellationToken).ConfigureAwait(false))
        {
        }
        // The app stages the restore and applies it on its next start; it does not restart by itself.
        await http.SendJsonAsync(HttpMethod.Post, $"{client.ApiRoot}/system/restart", null, cancellationToken).ConfigureAwait(false);
        host.WriteVerbose($"{instance.Name}: restart requested.");
    }

    private static async Task RestoreVolumeAsync(StarrBackup backup, StarrInstance instance, RestoreOptions options, IStarrHost host, CancellationToken cancellationToken)
    {
        var volume = options.Volume ?? throw new StarrConfigurationException($"Restoring the volume backup {Path.GetFileName(backup.Path)} needs Kubernetes: pass -Namespace.");
        var kube = volume.Kubernetes;
        var target = await ConfigVolumeTarget.FindAsync(instance, volume, cancellationToken).ConfigureAwait(false);
        var owner = target.Owner() ?? throw new BackupException($"{instance.Name}: pod {target.Pod.Name} is not owned by a Deployment or StatefulSet, so it cannot be scaled down for a restore.", "StarrRestoreNoWorkload");
        var claim = target.ClaimName() ?? throw new BackupException($"{instance.Name}: {target.ConfigPath} in {target} is not a PersistentVolumeClaim; only a claim can be mounted by the restore helper.", "StarrRestoreNoClaim");
        var workload = owner.Resource == KubernetesApiResource.StatefulSets
            ? await kube.GetStatefulSetAsync(target.Namespace, owner.Name, cancellationToken).ConfigureAwait(false)
            : await kube.GetDeploymentAsync(target.Namespace, owner.Name, cancellationToken).ConfigureAwait(false);
        var replicas = Math.Max(1, workload.Replicas);

        host.WriteVerbose($"{instance.Name}: scaling {owner.Resource.Kind} {owner.Name} to 0.");
        await kube.ScaleAsync(owner.Resource, target.Namespace, owner.Name, 0, cancellationToken).ConfigureAwait(false);
        var jobName = $"starrops-restore-{BackupStore.SafeName(instance.Name).ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            await WaitAsync(async token => (await kube.ListPodsAsync(target.Namespace, workload.LabelSelector, token).ConfigureAwait(false)).Count == 0,
                options, $"the pods of {owner.Name} to stop", cancellationToken).ConfigureAwait(false);
            await kube.CreateJobAsync(target.Namespace, HelperJob(jobName, claim, options.HelperImage), cancellationToken).ConfigureAwait(false);
            KubePod? helper = null;
            await WaitAsync(async token =>
            {
                helper = (await kube.ListPodsAsync(target.Namespace, $"job-name={jobName}", token).ConfigureAwait(false)).FirstOrDefault(p => p.Phase == "Running");
                return helper is not null;
            }, options, $"the restore helper {jobName} to run", cancellationToken).ConfigureAwait(false);

            host.WriteVerbose($"{instance.Name}: unpacking {Path.GetFileName(backup.Path)} into claim {claim} through pod {helper!.Name}.");
            await using (var tar = new FileStream(backup.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                // The volume must equal the backup: a stale sonarr.db-wal left beside a restored sonarr.db would corrupt it.
                var unpack = new[] { "sh", "-c", "find /restore -mindepth 1 -maxdepth 1 -exec rm -rf {} + && tar -C /restore -xf -" };
                (await kube.ExecStreamAsync(target.Namespace, helper.Name, "restore", unpack, tar, Stream.Null, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
            }
            (await kube.ExecAsync(target.Namespace, helper.Name, "restore", ["touch", "/tmp/starrops-done"], null, cancellationToken).ConfigureAwait(false)).EnsureSuccess();
        }
        finally
        {
            host.WriteVerbose($"{instance.Name}: scaling {owner.Resource.Kind} {owner.Name} back to {replicas}.");
            await kube.ScaleAsync(owner.Resource, target.Namespace, owner.Name, replicas, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A Job whose pod mounts the claim at /restore and waits until told it is done; it is cleaned up a minute after.</summary>
    internal static JsonObject HelperJob(string name, string claim, string image) => new()
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "starrops" } },
        ["spec"] = new JsonObject
        {
            ["backoffLimit"] = 0,
            ["activeDeadlineSeconds"] = 3600,
            ["ttlSecondsAfterFinished"] = 60,
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["job-name"] = name } },
                ["spec"] = new JsonObject
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "restore",
                        ["image"] = image,
                        ["command"] = new JsonArray("sh", "-c", "until [ -f /tmp/starrops-done ]; do sleep 1; done"),
                        ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "config", ["mountPath"] = "/restore" }),
                    }),
                    ["volumes"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "config",
                        ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claim },
                    }),
                },
            },
        },
    };

    /// <summary>Waits until /ping answers OK (from the new process) and the API key is accepted; returns what was seen.</summary>
    private static async Task<string> WaitUntilServingAsync(StarrInstance instance, RestoreOptions options, IStarrHost host, CancellationToken cancellationToken)
    {
        if (!instance.Kind.IsArr()) return "Restored; the workload was scaled back up.";
        using var client = ArrClientFactory.Create(instance, host);
        var restartAsked = Stopwatch.StartNew();
        var sawDown = false;
        string? lastProblem = null;
        var deadline = DateTimeOffset.UtcNow + options.WaitTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var up = await client.PingAsync(cancellationToken).ConfigureAwait(false);
                if (up && (sawDown || restartAsked.Elapsed >= options.RestartGrace))
                {
                    var status = await client.GetSystemStatusAsync(cancellationToken).ConfigureAwait(false);
                    return $"Restored; {status.AppName} {status.Version} answers /ping and accepts the API key.";
                }
            }
            catch (StarrConnectionException ex)
            {
                sawDown = true;
                lastProblem = ex.Message;
            }
            catch (StarrApiException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new BackupException(
                    $"{instance.Name} restarted with the restored configuration, but no longer accepts the API key StarrOps uses: the backup's config.xml holds another key. Update the instance's key (or the {instance.Kind.EnvironmentPrefix()}__AUTH__APIKEY override).",
                    "StarrRestoreApiKeyChanged");
            }
            catch (StarrApiException ex)
            {
                sawDown = true;
                lastProblem = ex.Message;
            }
            if (DateTimeOffset.UtcNow > deadline)
                throw new BackupException($"{instance.Name} did not answer /ping within {options.WaitTimeout.TotalSeconds:0} s after the restore{(lastProblem is null ? "" : ": " + lastProblem)}.", "StarrRestoreTimeout");
            host.WriteProgress(new StarrProgress(30, $"{instance.Name}: restore", "waiting for the app to restart"));
            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitAsync(Func<CancellationToken, Task<bool>> done, RestoreOptions options, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.WaitTimeout;
        while (!await done(cancellationToken).ConfigureAwait(false))
        {
            if (DateTimeOffset.UtcNow > deadline) throw new BackupException($"Timed out after {options.WaitTimeout.TotalSeconds:0} s waiting for {what}.", "StarrRestoreTimeout");
            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
