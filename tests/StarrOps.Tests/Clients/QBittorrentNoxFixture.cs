using StarrOps.Core.Instances;
using StarrOps.TestKit.Real;

namespace StarrOps.Tests.Clients;

/// <summary>
/// One real qbittorrent-nox per test class. Where the binary is missing the tests return early with the reason in their
/// output (xunit 2 has no dynamic skip); on CI (CI=true) a missing binary fails the class instead, because CI installs it.
/// </summary>
public class QBittorrentNoxFixture : IAsyncLifetime
{
    protected virtual QBittorrentNoxOptions Options => new();

    public QBittorrentNoxServer? Server { get; private set; }

    public string? SkipReason => Server is null ? $"qbittorrent-nox is not installed here ({QBittorrentNoxServer.UnavailableReason}); real qBittorrent tests did not run." : null;

    public async Task InitializeAsync()
    {
        if (!QBittorrentNoxServer.IsAvailable)
        {
            if (QBittorrentNoxServer.RunningOnCi)
                throw new InvalidOperationException($"CI=true but qbittorrent-nox is not available: {QBittorrentNoxServer.UnavailableReason}. Install it (apt-get install qbittorrent-nox).");
            return;
        }
        Server = await QBittorrentNoxServer.StartAsync(Options);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
    }

    public StarrInstance NewInstance(string? password = null, string? userName = null, string name = "qbittorrent") =>
        new(name, ServiceKind.QBittorrent, Server!.Url, userName: userName ?? Server.Username, password: new Secret(password ?? Server.Password))
        {
            Timeout = TimeSpan.FromSeconds(20),
        };
}

/// <summary>A qbittorrent-nox that bans 127.0.0.1 after one failed login, kept apart so the ban hits no other test.</summary>
public sealed class BanningQBittorrentNoxFixture : QBittorrentNoxFixture
{
    protected override QBittorrentNoxOptions Options => new() { MaxAuthenticationFailCount = 1 };
}
