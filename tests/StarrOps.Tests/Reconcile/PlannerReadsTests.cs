using System.Collections;
using StarrOps.Core.Config;
using StarrOps.Core.Reconcile;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// What a plan reads: exactly the collections the declaration manages, so an hourly run costs one GET per managed
/// collection and nothing for what StarrOps leaves alone (mutation testing showed an extra read would go unnoticed).
/// </summary>
public sealed class PlannerReadsTests : IAsyncLifetime
{
    private EmulatedStack _stack = null!;
    private Hashtable _env = null!;

    public async Task InitializeAsync()
    {
        _stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Lidarr = [], Jellyseerr = false, Jellyfin = false, Gluetun = false });
        _stack.Network.AddReachable("qbittorrent", 8080);
        _env = StackEnvironment.Of(_stack);
    }

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    private async Task<IReadOnlyList<string>> ReadsOfAPlanAsync(string yaml, EmulatedArr app)
    {
        foreach (var server in _stack.All) server.Requests.Clear();
        var plan = await new Reconciler(new RecordingHost()).PlanAsync(DesiredStateLoader.Parse(yaml, _env, "stack.yaml"));
        Assert.Empty(plan.Problems);
        return app.Requests.FromStarrOps.Where(r => r.Method == "GET").Select(r => r.Path).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task A_plan_reads_only_the_collections_a_section_declares()
    {
        var reads = await ReadsOfAPlanAsync("""
            standardWiring: false
            sonarr:
              downloadClients:
                - { name: qBittorrent, implementation: QBittorrent, fields: { host: qbittorrent, port: 8080 } }
            """, _stack.Sonarr);

        Assert.Equal(["/api/v3/downloadclient", "/api/v3/downloadclient/schema"], reads); // the schema only because it creates
        Assert.Empty(_stack.Radarr.Requests.FromStarrOps); // nothing declared: not read at all
    }

    [Fact]
    public async Task Root_folders_and_notifications_are_read_only_when_declared_or_pruned()
    {
        var folders = await ReadsOfAPlanAsync("""
            standardWiring: false
            sonarr: { rootFolders: [/data/media/tv] }
            """, _stack.Sonarr);
        var pruned = await ReadsOfAPlanAsync("""
            standardWiring: false
            sonarr: { deleteUnmanaged: { notifications: true } }
            """, _stack.Sonarr);

        Assert.Equal(["/api/v3/rootfolder"], folders);
        Assert.Equal(["/api/v3/notification"], pruned); // deleting unmanaged ones needs the list, and nothing else
    }

    [Fact]
    public async Task Tags_are_read_only_when_something_uses_one()
    {
        var without = await ReadsOfAPlanAsync("""
            standardWiring: false
            sonarr: { rootFolders: [/data/media/tv] }
            """, _stack.Sonarr);
        var with = await ReadsOfAPlanAsync("""
            standardWiring: false
            sonarr:
              notifications:
                - { name: Pulsarr, implementation: Webhook, tags: [pulsarr], fields: { url: "http://pulsarr:3003/v1/notifications/webhook" } }
            """, _stack.Sonarr);

        Assert.DoesNotContain("/api/v3/tag", without);
        Assert.Contains("/api/v3/tag", with);
        Assert.DoesNotContain("/api/v3/rootfolder", with);
    }

    [Fact]
    public async Task Prowlarr_applications_are_read_only_on_Prowlarr_and_only_when_declared()
    {
        var apps = await ReadsOfAPlanAsync("""
            standardWiring: false
            prowlarr: { applications: [sonarr] }
            """, _stack.Prowlarr);
        var none = await ReadsOfAPlanAsync("""
            standardWiring: false
            prowlarr: { tags: [anime] }
            """, _stack.Prowlarr);

        Assert.Contains("/api/v1/applications", apps);
        Assert.DoesNotContain("/api/v1/rootfolder", apps); // Prowlarr has no root folders
        Assert.Equal(["/api/v1/tag"], none);
    }
}
