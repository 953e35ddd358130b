using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace StarrOps.TestKit.Real;

/// <summary>Settings for a throwaway qbittorrent-nox.</summary>
public sealed record QBittorrentNoxOptions
{
    public string Username { get; init; } = "starrops";
    /// <summary>The WebUI password; a random one when null.</summary>
    public string? Password { get; init; }
    /// <summary>Failed logins before qBittorrent bans 127.0.0.1. High by default so wrong-password tests don't lock out the rest of a class.</summary>
    public int MaxAuthenticationFailCount { get; init; } = 1000;
    /// <summary>How long to wait for the WebUI to answer after start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// Run inside this network namespace (<c>ip netns exec</c>): the WebUI listens on the namespace's 127.0.0.1:8080 and
    /// <see cref="QBittorrentNoxServer.Url"/> is a loopback forwarder into it. Null: the test process's namespace.
    /// </summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>The interface the torrent session binds to (its current_network_interface preference).</summary>
    public string SessionInterface { get; init; } = "lo";
}

/// <summary>
/// Runs the REAL qBittorrent (<c>qbittorrent-nox</c>) on loopback with a fresh temporary profile: WebUI on a free
/// 127.0.0.1 port with a known user and PBKDF2 password, the torrent session bound to interface <c>lo</c>/127.0.0.1,
/// DHT, PeX, local peer discovery and UPnP/NAT-PMP off, legal notice accepted. Dispose kills it and deletes the profile.
/// </summary>
public sealed class QBittorrentNoxServer : IAsyncDisposable
{
    private const string DefaultBinary = "/usr/bin/qbittorrent-nox";
    private static readonly Lazy<(string? Path, Version? Version, string? Problem)> Probe = new(ProbeBinary);

    private readonly QBittorrentNoxOptions _options;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private NamespaceForwarder? _forwarder;

    private QBittorrentNoxServer(QBittorrentNoxOptions options, string profile, int webUiPort, int listenPort)
    {
        _options = options;
        ProfileDirectory = profile;
        WebUiPort = webUiPort;
        ListenPort = listenPort;
        Username = options.Username;
        Password = options.Password ?? "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>True when the qbittorrent-nox binary is installed and answers <c>--version</c>.</summary>
    public static bool IsAvailable => Probe.Value.Path is not null;

    /// <summary>Why it is not available (null when it is).</summary>
    public static string? UnavailableReason => Probe.Value.Problem;

    /// <summary>The installed version (e.g. 4.5.2), null when not available.</summary>
    public static Version? InstalledVersion => Probe.Value.Version;

    /// <summary>True on CI (CI=true), where a missing binary must fail the tests instead of skipping them.</summary>
    public static bool RunningOnCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("CI") == "1";

    public Uri Url => new($"http://127.0.0.1:{_forwarder?.Port ?? WebUiPort}");
    public string Username { get; }
    public string Password { get; }
    public int WebUiPort { get; }
    /// <summary>The BitTorrent listen port (bound to lo).</summary>
    public int ListenPort { get; }
    public string ProfileDirectory { get; }
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a fresh qbittorrent-nox and waits until its WebUI answers.</summary>
    public static async Task<QBittorrentNoxServer> StartAsync(QBittorrentNoxOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable) throw new InvalidOperationException($"qbittorrent-nox is not available: {UnavailableReason}");
        options ??= new QBittorrentNoxOptions();
        Exception? last = null;
        // A free port can be taken between probing and qBittorrent binding it: try a few.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var profile = Directory.CreateTempSubdirectory("starrops-qbt-").FullName;
            // In a namespace the WebUI listens on the same port number as its loopback forwarder here: qBittorrent rejects
            // a Host header whose port is not its own. A fresh namespace has every port free.
            var server = options.NetworkNamespace is null
                ? new QBittorrentNoxServer(options, profile, FreeLoopbackPort(), FreeLoopbackPort())
                : new QBittorrentNoxServer(options, profile, FreeLoopbackPort(), 6881);
            try
            {
                server.WriteConfiguration();
                await server.LaunchAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                last = ex;
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
        throw new InvalidOperationException($"qbittorrent-nox did not start: {last?.Message}", last);
    }

    /// <summary>Kills qBittorrent and starts it again on the same port and profile: every WebUI session becomes invalid, as after a pod restart.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        Kill();
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Kill();
        if (_forwarder is not null) await _forwarder.DisposeAsync().ConfigureAwait(false);
        _forwarder = null;
        for (var attempt = 0; attempt < 5 && Directory.Exists(ProfileDirectory); attempt++)
        {
            try
            {
                Directory.Delete(ProfileDirectory, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>qBittorrent's stored form: <c>@ByteArray(base64 salt:base64 PBKDF2-HMAC-SHA512(password, salt, 100000, 64 bytes))</c>.</summary>
    public static string HashPassword(string password, byte[]? salt = null)
    {
        salt ??= RandomNumberGenerator.GetBytes(16);
        var key = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 100_000, HashAlgorithmName.SHA512, 64);
        return $"@ByteArray({Convert.ToBase64String(salt)}:{Convert.ToBase64String(key)})";
    }

    /// <summary>What qbittorrent-nox printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    private void WriteConfiguration()
    {
        var config = Path.Combine(ProfileDirectory, "qBittorrent", "config");
        Directory.CreateDirectory(config);
        var downloads = Path.Combine(ProfileDirectory, "downloads");
        Directory.CreateDirectory(downloads);
        var text = $"""
            [LegalNotice]
            Accepted=true

            [BitTorrent]
            Session\Interface={_options.SessionInterface}
            Session\InterfaceName={_options.SessionInterface}
            Session\InterfaceAddress={(_options.SessionInterface == "lo" ? "127.0.0.1" : "")}
            Session\Port={ListenPort}
            Session\DHTEnabled=false
            Session\PeXEnabled=false
            Session\LSDEnabled=false
            Session\DefaultSavePath={downloads}
            Session\TempPath={downloads}/incomplete

            [Network]
            PortForwardingEnabled=false

            [Preferences]
            Connection\UPnP=false
            Downloads\SavePath={downloads}
            General\Locale=en
            WebUI\Address=127.0.0.1
            WebUI\Port={WebUiPort}
            WebUI\LocalHostAuth=true
            WebUI\UPnP=false
            WebUI\Username={Username}
            WebUI\Password_PBKDF2="{HashPassword(Password)}"
            WebUI\MaxAuthenticationFailCount={_options.MaxAuthenticationFailCount.ToString(CultureInfo.InvariantCulture)}

            """;
        File.WriteAllText(Path.Combine(config, "qBittorrent.conf"), text.Replace("\r\n", "\n"));
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.NetworkNamespace is null ? Probe.Value.Path! : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // qBittorrent 4.5 asks about the legal notice on stdin if the config didn't settle it
            UseShellExecute = false,
        };
        if (_options.NetworkNamespace is { } netns)
        {
            // ip netns exec execs the program: killing this process kills qBittorrent.
            foreach (var argument in (string[])["netns", "exec", netns, Probe.Value.Path!]) start.ArgumentList.Add(argument);
            _forwarder ??= NamespaceForwarder.Start(netns, new IPEndPoint(IPAddress.Loopback, WebUiPort), WebUiPort);
        }
        start.ArgumentList.Add($"--profile={ProfileDirectory}");
        if (InstalledVersion is { } version && version >= new Version(4, 6)) start.ArgumentList.Add("--confirm-legal-notice");
        start.Environment["HOME"] = ProfileDirectory;
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(ProfileDirectory, ".config");
        start.Environment["XDG_DATA_HOME"] = Path.Combine(ProfileDirectory, ".local", "share");
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(ProfileDirectory, ".cache");

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException("qbittorrent-nox did not start.");
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < _options.StartTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
                throw new InvalidOperationException($"qbittorrent-nox exited with code {process.ExitCode}: {Output.Trim()}");
            try
            {
                // Any HTTP answer (403 without a session) means the WebUI is up.
                using var response = await probe.GetAsync(new Uri(Url, "api/v2/app/version"), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new TimeoutException($"qbittorrent-nox's WebUI did not answer on {Url} within {_options.StartTimeout.TotalSeconds:0} s: {Output.Trim()}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Length < 20_000) _output.AppendLine(line);
        }
    }

    private void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Kill();

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (string? Path, Version? Version, string? Problem) ProbeBinary()
    {
        var path = Environment.GetEnvironmentVariable("QBITTORRENT_NOX_PATH") is { Length: > 0 } configured ? configured : DefaultBinary;
        if (!File.Exists(path))
        {
            var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "qbittorrent-nox")).FirstOrDefault(File.Exists);
            if (onPath is null) return (null, null, $"{path} does not exist and qbittorrent-nox is not on PATH (apt-get install qbittorrent-nox)");
            path = onPath;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return (null, null, $"{path} --version did not finish");
            }
            var match = Regex.Match(text, @"v?(\d+\.\d+(\.\d+)?)");
            return match.Success && Version.TryParse(match.Groups[1].Value, out var version)
                ? (path, version, null)
                : (null, null, $"{path} --version printed no version: {text.Trim()}");
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return (null, null, $"{path} could not run: {ex.Message}");
        }
    }
}
