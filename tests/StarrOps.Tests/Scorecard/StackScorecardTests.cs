using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using StarrOps.Core.Backup;
using StarrOps.Core.Certificates;
using StarrOps.Core.Health;
using StarrOps.Core.Instances;
using StarrOps.Core.Scorecard;
using StarrOps.Core.Vpn;
using StarrOps.Tests.Certificates;
using StarrOps.Tests.Core;
using StarrOps.Tests.Integration;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Scorecard;

/// <summary>The scorecard over an emulated stack, a real TLS endpoint, a VPN check and a backup list: all Pass, then one fault of each kind.</summary>
public sealed class StackScorecardTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private TlsTestServer _tls = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Prowlarr = false, Jellyseerr = false, Jellyfin = false, Gluetun = false });
        _tls = await TlsTestServer.StartAsync(new Dictionary<string, Func<TestCa, X509Certificate2>>
        {
            ["sonarr.media.test"] = ca => ca.Issue(TimeSpan.FromDays(60), "sonarr.media.test"),
            ["old.media.test"] = ca => ca.Issue(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddDays(-1), "old.media.test"),
        });
        _tls.RedirectHosts.Add("sonarr.media.test");
        _tls.RedirectHosts.Add("old.media.test");
        // Ready for requests: a root folder each (the emulated apps have quality profiles and report no indexer problems).
        foreach (var (app, path) in new[] { (_stack.Sonarr, "/data/media/tv"), (_stack.Radarr, "/data/media/movies") })
        {
            using var client = StarrOps.Core.Arr.ArrClientFactory.Create(StackInstances.All(_stack).Single(i => i.Name == app.Name));
            await client.AddRootFolderAsync(new StarrOps.Core.Arr.RootFolderRequest(path), default);
        }
    }

    public async Task DisposeAsync()
    {
        await _tls.DisposeAsync();
        await _stack.DisposeAsync();
    }

    private static readonly IReadOnlyList<VpnCheckResult> VpnPassing =
    [
        new(VpnChecks.GluetunRunning, "gluetun", VpnCheckStatus.Pass, "VPN running, public IP 203.0.113.7"),
        new(VpnChecks.DownloadEgressIsVpn, "qbittorrent", VpnCheckStatus.Pass, "egress 203.0.113.7 = VPN 203.0.113.7"),
    ];

    private ScorecardOptions Options(string certificateHost = "sonarr.media.test") => new()
    {
        Instances = StackInstances.All(_stack),
        // These tests are about which row fails, not about speed (HealthProbeTests covers slow and hanging services):
        // generous limits keep a loaded machine running the whole suite from turning a Pass into a "slow" Warn.
        Health = new HealthProbeOptions { Timeout = TimeSpan.FromSeconds(10), SlowResponse = TimeSpan.FromSeconds(10) },
        Certificates = [new CertificateTarget(new Uri($"https://{certificateHost}:{_tls.HttpsPort}"))],
        CertificateOptions = new CertificateCheckOptions { ConnectTo = "127.0.0.1", HttpPort = _tls.HttpPort, TrustedRoots = [_tls.Root] },
        VpnCheck = _ => Task.FromResult(VpnPassing),
        BackupStorePath = "/nonexistent-unused",
    };

    private static Task<IReadOnlyList<ScorecardRow>> Run(ScorecardOptions options) => StackScorecard.RunAsync(options, new RecordingHost(), CancellationToken.None);

    /// <summary>Backups are scored from the store's list; a fresh verified-or-unverified backup for each instance.</summary>
    private static IReadOnlyList<StarrBackup> FreshBackups(params string[] instances) =>
        instances.Select(i => new StarrBackup { Instance = i, Created = DateTimeOffset.UtcNow.AddHours(-2), Size = 1234 }).ToList();

    private static IReadOnlyList<ScorecardRow> WithBackups(IReadOnlyList<ScorecardRow> rows, ScorecardOptions options, IReadOnlyList<StarrBackup> backups) =>
        rows.Where(r => r.Area != "Backup").Concat(StackScorecard.FromBackups(backups, options.Instances, DateTimeOffset.UtcNow, options.MaxBackupAge)).ToList();

    [Fact]
    public async Task A_healthy_stack_passes_every_check()
    {
        var options = Options();
        var rows = WithBackups(await Run(options), options, FreshBackups("sonarr", "radarr"));

        Assert.All(rows, r => Assert.True(r.Result == ScorecardResult.Pass, $"{r.Check} {r.Target}: {r.Result} {r.Evidence}"));
        Assert.Equal(["ApiKey", "AppHealth", "Backup", "Certificate", "Reachable", "Readiness", "VpnRoute"], rows.Select(r => r.Area).Distinct().Order());
        Assert.Contains("1 root folder", Assert.Single(rows, r => r is { Target: "sonarr", Area: "Readiness" }).Evidence);
        Assert.Equal(ScorecardResult.Pass, StackScorecard.Overall(rows));
    }

    [Fact]
    public async Task A_stopped_instance_fails_its_row_and_the_rest_still_run()
    {
        await _stack.Radarr.StopAsync();

        var rows = await Run(Options() with { BackupStorePath = null });

        var down = Assert.Single(rows, r => r.Target == "radarr");
        Assert.Equal(("Reachable", ScorecardResult.Fail), (down.Area, down.Result));
        Assert.Contains("service-down.md", down.Fix);
        Assert.All(rows.Where(r => r.Target != "radarr"), r => Assert.Equal(ScorecardResult.Pass, r.Result));
    }

    [Fact]
    public async Task A_rejected_key_fails_the_key_row()
    {
        var options = Options() with { BackupStorePath = null };
        options = options with { Instances = options.Instances.Select(i => i.Name == "radarr" ? new StarrInstance("radarr", ServiceKind.Radarr, i.Url, new Secret("not-the-key-1234567")) : i).ToList() };

        var rows = await Run(options);

        Assert.Equal(ScorecardResult.Fail, Assert.Single(rows, r => r is { Target: "radarr", Area: "ApiKey" }).Result);
        Assert.Equal(ScorecardResult.Pass, Assert.Single(rows, r => r is { Target: "radarr", Area: "Reachable" }).Result);
        Assert.DoesNotContain(rows, r => r.Evidence.Contains("not-the-key-1234567"));
        Assert.All(rows.Where(r => r.Target != "radarr"), r => Assert.Equal(ScorecardResult.Pass, r.Result));
    }

    [Fact]
    public async Task App_errors_fail_and_app_warnings_warn()
    {
        _stack.Sonarr.AddHealthCheck("DownloadClientCheck", "error", "Unable to communicate with qBittorrent");
        _stack.Radarr.AddHealthCheck("IndexerRssCheck", "warning", "No indexers available with RSS sync enabled");

        var rows = await Run(Options() with { BackupStorePath = null });

        var sonarr = Assert.Single(rows, r => r is { Target: "sonarr", Area: "AppHealth" });
        Assert.Equal(ScorecardResult.Fail, sonarr.Result);
        Assert.Contains("DownloadClientCheck: Unable to communicate with qBittorrent", sonarr.Evidence);
        Assert.Equal(ScorecardResult.Warn, Assert.Single(rows, r => r is { Target: "radarr", Area: "AppHealth" }).Result);
        // Radarr's warning is about indexers, so it can't take requests either.
        Assert.Equal(ScorecardResult.Fail, Assert.Single(rows, r => r is { Target: "radarr", Area: "Readiness" }).Result);
        Assert.All(rows.Where(r => r.Area != "AppHealth" && r is not { Target: "radarr", Area: "Readiness" }), r => Assert.Equal(ScorecardResult.Pass, r.Result));
    }

    [Fact]
    public async Task An_app_without_a_root_folder_or_indexers_with_rss_and_search_is_not_ready_for_requests()
    {
        _stack.Sonarr.AddHealthCheck("IndexerRssCheck", "warning", "No indexers available with RSS sync enabled, Sonarr will not grab new releases automatically");
        _stack.Sonarr.AddHealthCheck("IndexerSearchCheck", "warning", "No indexers available with Automatic Search enabled, Sonarr will not provide any automatic search results");
        using (var radarr = StarrOps.Core.Arr.ArrClientFactory.Create(StackInstances.All(_stack).Single(i => i.Name == "radarr")))
            foreach (var folder in await radarr.GetRootFoldersAsync(default)) await radarr.RemoveRootFolderAsync(folder.Id, default);

        var rows = await Run(Options() with { BackupStorePath = null });

        var sonarr = Assert.Single(rows, r => r is { Target: "sonarr", Area: "Readiness" });
        Assert.Equal(ScorecardResult.Fail, sonarr.Result);
        Assert.Contains("IndexerRssCheck: No indexers available with RSS sync enabled", sonarr.Evidence);
        Assert.Contains("IndexerSearchCheck", sonarr.Evidence);
        Assert.Contains("prowlarr.indexers", sonarr.Fix);
        var radarrRow = Assert.Single(rows, r => r is { Target: "radarr", Area: "Readiness" });
        Assert.Equal((ScorecardResult.Fail, "no root folder."), (radarrRow.Result, radarrRow.Evidence));
    }

    [Fact]
    public async Task An_expired_certificate_fails_its_row()
    {
        var rows = await Run(Options("old.media.test") with { BackupStorePath = null });

        var certificate = Assert.Single(rows, r => r.Area == "Certificate");
        Assert.Equal(ScorecardResult.Fail, certificate.Result);
        Assert.Contains("expired", certificate.Evidence);
        Assert.All(rows.Where(r => r.Area != "Certificate"), r => Assert.Equal(ScorecardResult.Pass, r.Result));
    }

    [Fact]
    public async Task A_failed_vpn_check_fails_its_row_and_a_vpn_check_that_cannot_run_is_a_row_too()
    {
        IReadOnlyList<VpnCheckResult> leaking = [.. VpnPassing.Take(1), new(VpnChecks.DownloadEgressIsVpn, "qbittorrent", VpnCheckStatus.Fail, "egress 198.51.100.4, VPN 203.0.113.7", "Run qBittorrent in Gluetun's pod.")];

        var failed = await Run(Options() with { BackupStorePath = null, VpnCheck = _ => Task.FromResult(leaking) });
        var broken = await Run(Options() with { BackupStorePath = null, VpnCheck = _ => throw new StarrOps.Core.StarrConfigurationException("No pod for Gluetun in namespace media.") });

        var leak = Assert.Single(failed, r => r.Result == ScorecardResult.Fail);
        Assert.Equal(("VpnRoute", "qbittorrent", "Run qBittorrent in Gluetun's pod."), (leak.Area, leak.Target, leak.Fix));
        var cannot = Assert.Single(broken, r => r.Area == "VpnRoute");
        Assert.Equal(ScorecardResult.Fail, cannot.Result);
        Assert.Contains("No pod for Gluetun", cannot.Evidence);
        Assert.Contains(broken, r => r.Area == "Certificate" && r.Result == ScorecardResult.Pass);
        Assert.Contains(broken, r => r.Area == "AppHealth" && r.Result == ScorecardResult.Pass);
    }

    [Fact]
    public void Old_missing_or_unverified_backups_fail()
    {
        var instances = new[]
        {
            new StarrInstance("sonarr", ServiceKind.Sonarr, new Uri("http://sonarr:8989")),
            new StarrInstance("radarr", ServiceKind.Radarr, new Uri("http://radarr:7878")),
            new StarrInstance("lidarr", ServiceKind.Lidarr, new Uri("http://lidarr:8686")),
            new StarrInstance("gluetun", ServiceKind.Gluetun, new Uri("http://gluetun:8000")),
        };
        var now = DateTimeOffset.UtcNow;
        var backups = new List<StarrBackup>
        {
            new() { Instance = "sonarr", Created = now.AddHours(-30) },
            new() { Instance = "sonarr", Created = now.AddHours(-27) },
            new() { Instance = "radarr", Created = now.AddHours(-1), Verification = new BackupVerification { Checks = [new BackupCheck("database", false, "malformed")] } },
        };

        var rows = StackScorecard.FromBackups(backups, instances, now, TimeSpan.FromHours(26)).ToDictionary(r => r.Target);

        Assert.Equal(["lidarr", "radarr", "sonarr"], rows.Keys.Order()); // Gluetun has no backups to check
        Assert.Equal(ScorecardResult.Fail, rows["sonarr"].Result);
        Assert.Contains("27 h old", rows["sonarr"].Evidence);
        Assert.Equal(ScorecardResult.Fail, rows["radarr"].Result);
        Assert.Contains("verification failed", rows["radarr"].Evidence);
        Assert.Equal(ScorecardResult.Fail, rows["lidarr"].Result);
        Assert.Equal(ScorecardResult.Pass, StackScorecard.FromBackups([new StarrBackup { Instance = "sonarr", Created = now.AddHours(-25) }], instances.Take(1), now, TimeSpan.FromHours(26)).Single().Result);
    }

    [Fact]
    public void Json_and_markdown_carry_every_row_and_the_overall_result()
    {
        IReadOnlyList<ScorecardRow> rows =
        [
            new("Instance reachable", "sonarr", ScorecardResult.Pass, "Answered in 12 ms.") { Area = "Reachable" },
            new("Certificate", "a|b.example.com", ScorecardResult.Fail, "expired\nyesterday", "Renew it.") { Area = "Certificate" },
        ];

        using var json = JsonDocument.Parse(StackScorecard.ToJson(rows));
        var markdown = StackScorecard.ToMarkdown(rows);

        Assert.Equal("Fail", json.RootElement.GetProperty("result").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("fail").GetInt32());
        Assert.Equal(["Pass", "Fail"], json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("result").GetString()));
        Assert.Equal("Renew it.", json.RootElement.GetProperty("checks")[1].GetProperty("fix").GetString());
        Assert.Contains("| ❌ Fail | Certificate | a\\|b.example.com | expired<br>yesterday | Renew it. |", markdown);
        Assert.Contains("**Fail**: 1 pass, 0 warn, 1 fail", markdown);
    }
}
