using System.Net;
using System.Text.RegularExpressions;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Backup;

/// <summary>What Backup-StarrConfig was asked to do for each instance.</summary>
public sealed record BackupOptions
{
    public required string StorePath { get; init; }
    /// <summary>Fetch the app's zip, and tar the config volume, through Kubernetes exec; null when not in a cluster.</summary>
    public ConfigVolumeOptions? Volume { get; init; }
    /// <summary>Fetch the zip through the app's UI login instead (user name and password of the web UI).</summary>
    public string? UserName { get; init; }
    public Secret? Password { get; init; }
    /// <summary>For an *arr: also tar its config volume (a second layer). Other services are always backed up as a volume tar.</summary>
    public bool IncludeVolume { get; init; }
    /// <summary>Paths under the config path to leave out of a volume tar (e.g. MediaCover, logs); passed to tar as --exclude=./PATH.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>How long the app's Backup command may take.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Backs up one service: an *arr through its own Backup command (zip fetched from the config volume by exec,
/// or through a UI login: the API key is not allowed to download backup files), any service with a config
/// volume as a tar streamed by exec. Every backup is stored atomically and then verified.
/// </summary>
public static class BackupService
{
    private static readonly Regex SafeFileName = new(@"^[A-Za-z0-9._\-]+$", RegexOptions.CultureInvariant);

    public static async Task<IReadOnlyList<StarrBackup>> BackupAsync(StarrInstance instance, BackupOptions options, IStarrHost? host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(options);
        host ??= NullStarrHost.Instance;
        if (instance.Kind == ServiceKind.Gluetun)
        {
            // A sidecar configured by environment variables: nothing on a volume worth keeping.
            host.WriteVerbose($"{instance.Name}: Gluetun is configured through its environment; nothing to back up.");
            return [];
        }
        var store = new BackupStore(options.StorePath);
        var results = new List<StarrBackup>();
        string? version = null;
        if (instance.Kind.IsArr())
        {
            var (backup, appVersion) = await BackupArrAsync(instance, options, store, host, cancellationToken).ConfigureAwait(false);
            version = appVersion;
            results.Add(backup);
        }
        if (!instance.Kind.IsArr() || options.IncludeVolume)
        {
            if (options.Volume is null)
                throw new StarrConfigurationException($"{instance.Name} ({instance.Kind}): a volume backup needs Kubernetes: pass -Namespace (and -Kubeconfig/-Context when not the default).");
            results.Add(await BackupVolumeAsync(instance, options.Volume, options.Exclude, version, store, host, cancellationToken).ConfigureAwait(false));
        }
        var verified = new List<StarrBackup>();
        foreach (var backup in results)
        {
            var verification = await BackupVerifier.VerifyAsync(backup, cancellationToken).ConfigureAwait(false);
            if (!verification.Passed)
                host.WriteWarning($"{instance.Name}: the backup {Path.GetFileName(backup.Path)} failed verification: {string.Join("; ", verification.FailedChecks)}");
            else host.WriteVerbose($"{instance.Name}: {Path.GetFileName(backup.Path)} verified ({verification.Checks.Count} checks).");
            verified.Add(backup with { Verification = verification });
        }
        return verified;
    }

    private static async Task<(StarrBackup Backup, string Version)> BackupArrAsync(StarrInstance instance, BackupOptions options, BackupStore store, IStarrHost host,
        CancellationToken cancellationToken)
    {
        var useLogin = options.UserName is { Length: > 0 };
        if (!useLogin && options.Volume is null)
            throw new StarrConfigurationException(
                $"{instance.Name}: the app does not serve backup files to an API key. Pass -Namespace to read the zip from its config volume through Kubernetes, or -Credential to log in to its web UI.");
        using var client = ArrClientFactory.Create(instance, host);
        var status = await client.GetSystemStatusAsync(cancellationToken).ConfigureAwait(false);
        host.WriteVerbose($"{instance.Name}: starting the app's Backup command ({status.AppName} {status.Version}).");
        var command = await client.RunCommandAsync("Backup", null, options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (!command.Succeeded)
            throw new BackupException($"{instance.Name}: the app's Backup command ended '{command.Status}'{(command.Message is { Length: > 0 } m ? ": " + m : "")}.");

        using var api = new StarrHttpClient(instance, host, StarrHttpClient.ApiKeyHeader(instance));
        var listPath = $"{client.ApiRoot}/system/backup";
        var files = await api.GetAsync<List<AppBackupFile>>(listPath, cancellationToken).ConfigureAwait(false);
        var file = files.Where(f => string.Equals(f.Type, "manual", StringComparison.OrdinalIgnoreCase)).OrderByDescending(f => f.Time).FirstOrDefault()
            ?? throw new BackupException($"{instance.Name}: the Backup command completed but GET {listPath} lists no manual backup.");
        var type = file.Path.Split('/', StringSplitOptions.RemoveEmptyEntries) is [_, var t, _] ? t : file.Type;
        if (!SafeFileName.IsMatch(file.Name) || !SafeFileName.IsMatch(type))
            throw new BackupException($"{instance.Name}: the app named its backup '{file.Name}', which is not a plain file name.");
        host.WriteVerbose($"{instance.Name}: fetching {file.Name} ({file.Size} bytes) {(useLogin ? "through the web UI login" : "from the config volume")}.");

        var identity = new BackupManifest
        {
            Service = instance.Kind.ToString(),
            Instance = instance.Name,
            AppVersion = status.Version,
            Source = BackupSources.Api,
            ArchiveType = "zip",
            Created = DateTimeOffset.UtcNow,
            Origin = file.Name,
        };
        Func<Stream, CancellationToken, Task> produce;
        if (useLogin)
        {
            produce = (stream, token) => DownloadThroughLoginAsync(instance, options.UserName!, options.Password, file.Path, stream, host, token);
        }
        else
        {
            var target = await ConfigVolumeTarget.FindAsync(instance, options.Volume!, cancellationToken).ConfigureAwait(false);
            var command2 = new[] { "cat", $"{target.ConfigPath}/Backups/{type}/{file.Name}" };
            produce = async (stream, token) =>
                (await options.Volume!.Kubernetes.ExecStreamAsync(target.Namespace, target.Pod.Name, target.Container, command2, null, stream, token).ConfigureAwait(false))
                .EnsureSuccess();
        }
        var stored = await store.WriteAsync(identity, produce, file.Size > 0 ? file.Size : null, host, cancellationToken).ConfigureAwait(false);
        return (stored, status.Version);
    }

    /// <summary>
    /// Logs in like the web UI (<c>POST /login</c> form → a <c>SonarrAuth</c>-style cookie), then downloads the
    /// backup path with that cookie. A rejected login answers 302 back to /login?loginFailed=true.
    /// </summary>
    private static async Task DownloadThroughLoginAsync(StarrInstance instance, string userName, Secret? password, string backupPath, Stream destination,
        IStarrHost host, CancellationToken cancellationToken)
    {
        var cookies = new CookieContainer();
        using var http = new StarrHttpClient(instance, host, authenticate: null, cookies);
        var form = new List<KeyValuePair<string, string>>
        {
            new("username", userName),
            new("password", password?.Reveal() ?? ""),
            new("rememberMe", "on"),
        };
        using (var login = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, instance.Resolve("login")) { Content = new FormUrlEncodedContent(form) },
                   "login", cancellationToken, debugBody: $"username={userName}&password={Secret.Display}&rememberMe=on", acceptRedirect: true).ConfigureAwait(false))
        {
            var location = login.Headers.Location?.ToString() ?? "";
            var hasSession = cookies.GetCookies(instance.Url).Any(c => c.Name.EndsWith("Auth", StringComparison.OrdinalIgnoreCase));
            if (location.Contains("loginFailed", StringComparison.OrdinalIgnoreCase) || !hasSession)
                throw new StarrLoginException(instance.Name, $"{instance.Name}: the web UI rejected the login of user '{userName}' (wrong user name or password, or the app does not use Forms authentication).");
        }
        using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, instance.Resolve(backupPath)), backupPath, cancellationToken,
            completion: HttpCompletionOption.ResponseHeadersRead, acceptRedirect: true).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 300 and < 400)
            throw new StarrLoginException(instance.Name, $"{instance.Name}: GET {backupPath} redirected to {response.Headers.Location} although the login succeeded; the session was not accepted.");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await body.CopyToAsync(destination, 1 << 16, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } expected && destination.Position != expected)
            throw new BackupException($"{instance.Name}: the download of {backupPath} ended after {destination.Position} of {expected} bytes.");
    }

    private static async Task<StarrBackup> BackupVolumeAsync(StarrInstance instance, ConfigVolumeOptions volume, IReadOnlyList<string> exclude, string? version,
        BackupStore store, IStarrHost host, CancellationToken cancellationToken)
    {
        var target = await ConfigVolumeTarget.FindAsync(instance, volume, cancellationToken).ConfigureAwait(false);
        host.WriteVerbose($"{instance.Name}: streaming a tar of {target.ConfigPath} from {target}.");
        var command = new List<string> { "tar", "-C", target.ConfigPath };
        command.AddRange(exclude.Select(e => "--exclude=./" + e.TrimStart('.', '/')));
        command.AddRange(["-cf", "-", "."]);
        var identity = new BackupManifest
        {
            Service = instance.Kind.ToString(),
            Instance = instance.Name,
            AppVersion = version,
            Source = BackupSources.Volume,
            ArchiveType = "tar",
            Created = DateTimeOffset.UtcNow,
            Origin = $"{target.Pod.Name}:{target.ConfigPath}",
        };
        return await store.WriteAsync(identity, async (stream, token) =>
        {
            var result = await volume.Kubernetes.ExecStreamAsync(target.Namespace, target.Pod.Name, target.Container, command, null, stream, token).ConfigureAwait(false);
            // GNU tar exits 1 when a file changed while it was read (a live database): the archive is still whole, and the check decides.
            if (result.ExitCode == 1) host.WriteWarning($"{instance.Name}: tar reported files that changed while they were read: {result.Stderr.Trim()}");
            else result.EnsureSuccess();
        }, null, host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One entry of GET system/backup.</summary>
    internal sealed record AppBackupFile
    {
        public int Id { get; init; }
        public string Name { get; init; } = "";
        public string Path { get; init; } = "";
        public string Type { get; init; } = "";
        public long Size { get; init; }
        public DateTimeOffset Time { get; init; }
    }
}
