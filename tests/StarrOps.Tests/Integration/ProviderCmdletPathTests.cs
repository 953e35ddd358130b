using System.Net;
using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.Tests.Core;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Integration;

/// <summary>The core paths of Set/Get/Remove-StarrDownloadClient, Set-StarrWebhook and Get-StarrSchema against the emulated apps.</summary>
public sealed class ProviderCmdletPathTests
{
    private const string QbitPassword = "qbit-secret-pass-5521";

    private static ProviderSettings QBittorrent(string host = "qbittorrent", Dictionary<string, object?>? extra = null)
    {
        var fields = new Dictionary<string, object?> { ["host"] = host, ["port"] = 8080, ["username"] = "admin", ["password"] = new Secret(QbitPassword), ["tvCategory"] = "tv-sonarr" };
        foreach (var (k, v) in extra ?? []) fields[k] = v;
        return new ProviderSettings(ProviderKind.DownloadClient, "qBittorrent", "QBittorrent") { Fields = fields };
    }

    private static async Task<EmulatedStack> Stack()
    {
        var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        stack.Network.AddReachable("qbittorrent", 8080);
        return stack;
    }

    [Fact]
    public async Task Download_client_is_created_from_the_schema_and_an_identical_call_sends_nothing()
    {
        await using var stack = await Stack();
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);

        var first = await ProviderService.SaveAsync(sonarr, QBittorrent(), host, false, false, CancellationToken.None);
        Assert.Equal(ChangeAction.Create, first.Plan.Action);
        var stored = Assert.Single(stack.Sonarr.Resources("downloadclient"));
        Assert.Equal(QbitPassword, Field(stored, "password"));
        Assert.True(stored["enable"]!.GetValue<bool>());

        stack.Sonarr.Requests.Clear();
        var second = await ProviderService.SaveAsync(sonarr, QBittorrent(), host, false, false, CancellationToken.None);

        Assert.Equal(ChangeAction.NoChange, second.Plan.Action);
        Assert.Empty(stack.Sonarr.Requests.Writes);
        Assert.Equal(0, stack.Sonarr.Requests.Count("GET", "/api/v3/downloadclient/schema"));
        Assert.DoesNotContain(host.Messages, m => m.Contains(QbitPassword) || m.Contains(stack.Sonarr.ApiKey));
    }

    [Fact]
    public async Task Update_changes_one_field_and_puts_the_rest_back_untouched()
    {
        await using var stack = await Stack();
        stack.Network.AddReachable("qbittorrent-2", 8080);
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        await ProviderService.SaveAsync(sonarr, QBittorrent(extra: new() { ["initialState"] = "Force Started" }), host, false, false, CancellationToken.None);

        var result = await ProviderService.SaveAsync(sonarr, new ProviderSettings(ProviderKind.DownloadClient, "qBittorrent", "QBittorrent")
        {
            Fields = new Dictionary<string, object?> { ["host"] = "qbittorrent-2" },
        }, host, false, false, CancellationToken.None);

        Assert.Equal(ChangeAction.Update, result.Plan.Action);
        var stored = Assert.Single(stack.Sonarr.Resources("downloadclient"));
        Assert.Equal("qbittorrent-2", Field(stored, "host"));
        Assert.Equal(1, int.Parse(Field(stored, "initialState")!));
        Assert.Equal(QbitPassword, Field(stored, "password")); // the masked password went back as "********" and was kept
        Assert.Equal("tv-sonarr", Field(stored, "tvCategory"));
    }

    [Fact]
    public async Task Unreachable_download_client_reports_the_field_and_force_does_not_override_it()
    {
        await using var stack = await Stack();
        stack.Network.AddUnreachable("qbittorrent.invalid", 8080, "Name or service not known (qbittorrent.invalid:8080)");
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);

        var error = await Assert.ThrowsAsync<StarrApiException>(() => ProviderService.SaveAsync(sonarr, QBittorrent("qbittorrent.invalid"), host, false, false, CancellationToken.None));
        var forced = await Assert.ThrowsAsync<StarrApiException>(() => ProviderService.SaveAsync(sonarr, QBittorrent("qbittorrent.invalid"), host, true, false, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains(error.Failures, f => f.PropertyName == "Host" && !f.IsWarning);
        Assert.Contains("Host", error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, forced.StatusCode);
        Assert.Empty(stack.Sonarr.Resources("downloadclient"));
        Assert.DoesNotContain(QbitPassword, error.Message);
    }

    [Fact]
    public async Task Warnings_block_a_save_until_forced()
    {
        await using var stack = await Stack();
        stack.Sonarr.InjectTestFailure("downloadclient", "Category tv-sonarr does not exist yet", isWarning: true, propertyName: "TvCategory");
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);

        var error = await Assert.ThrowsAsync<StarrApiException>(() => ProviderService.SaveAsync(sonarr, QBittorrent(), host, false, false, CancellationToken.None));
        Assert.True(error.OnlyWarnings);
        Assert.Contains("-Force", error.Message);

        var forced = await ProviderService.SaveAsync(sonarr, QBittorrent(), host, forceSave: true, false, CancellationToken.None);
        Assert.True(forced.Applied);
        Assert.Single(stack.Sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task Unknown_field_fails_before_anything_is_sent()
    {
        await using var stack = await Stack();
        var host = new RecordingHost();
        using var radarr = StackInstances.Client(stack, "radarr", host);

        var error = await Assert.ThrowsAsync<StarrFieldException>(() => ProviderService.SaveAsync(radarr, QBittorrent(), host, false, false, CancellationToken.None));

        Assert.Contains("'tvCategory'", error.Message);
        Assert.Contains("movieCategory", error.Message); // Radarr's own name is listed
        Assert.Empty(stack.Radarr.Requests.Writes);
    }

    [Fact]
    public async Task Webhook_for_Pulsarr_is_saved_with_events_and_method_by_name()
    {
        await using var stack = await Stack();
        stack.Network.AddReachable("pulsarr.media.svc.cluster.local", 3003);
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        var webhook = new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr.media.svc.cluster.local:3003/v1/notifications/webhook", ["method"] = "POST" },
            Properties = new Dictionary<string, object?> { ["onGrab"] = true, ["onDownload"] = true },
        };

        await ProviderService.SaveAsync(sonarr, webhook, host, false, false, CancellationToken.None);

        var stored = Assert.Single(stack.Sonarr.Resources("notification"));
        Assert.Equal(1, int.Parse(Field(stored, "method")!));
        Assert.True(stored["onGrab"]!.GetValue<bool>());
        Assert.True(stored["onDownload"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Webhook_events_are_exactly_those_named_and_a_second_save_sends_nothing()
    {
        await using var stack = await Stack();
        stack.Network.AddReachable("pulsarr", 3003);
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        ProviderSettings Webhook(params string[] events) => new(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr:3003/hook", ["method"] = "POST" },
            Properties = events.ToDictionary(e => "on" + e, e => (object?)true),
            ExclusiveEvents = true,
            Enable = true, // notifications have no "enable": asking for it must not make every save a change
        };
        await ProviderService.SaveAsync(sonarr, Webhook("Grab", "Download", "HealthIssue"), host, false, false, CancellationToken.None);
        stack.Sonarr.Requests.Clear();

        var again = await ProviderService.SaveAsync(sonarr, Webhook("Grab", "Download", "HealthIssue"), host, false, false, CancellationToken.None);
        Assert.Equal(ChangeAction.NoChange, again.Plan.Action);
        Assert.Empty(stack.Sonarr.Requests.Writes);

        var fewer = await ProviderService.SaveAsync(sonarr, Webhook("Grab"), host, false, false, CancellationToken.None);
        Assert.Equal(["onDownload", "onHealthIssue"], fewer.Plan.Changes.Select(c => c.Field).Order());
        var stored = Assert.Single(stack.Sonarr.Resources("notification"));
        Assert.True(stored["onGrab"]!.GetValue<bool>());
        Assert.False(stored["onDownload"]!.GetValue<bool>());
        Assert.False(stored["onHealthIssue"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Webhook_to_an_unresolvable_host_reports_the_servers_message()
    {
        await using var stack = await Stack();
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        var webhook = new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr.nowhere.invalid:3003/hook" },
            Properties = new Dictionary<string, object?> { ["onGrab"] = true }, // a notification with no event is disabled and not tested
        };

        var error = await Assert.ThrowsAsync<StarrApiException>(() => ProviderService.SaveAsync(sonarr, webhook, host, false, false, CancellationToken.None));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("pulsarr.nowhere.invalid", error.Message);
    }

    [Fact]
    public async Task Removing_a_download_client_by_name()
    {
        await using var stack = await Stack();
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        await ProviderService.SaveAsync(sonarr, QBittorrent(), host, false, false, CancellationToken.None);

        var live = await sonarr.GetProvidersAsync(ProviderKind.DownloadClient, CancellationToken.None);
        var match = Assert.Single(ProviderService.Select(live, ["qbit*"], null));
        await sonarr.RemoveProviderAsync(ProviderKind.DownloadClient, match.Id, CancellationToken.None);

        Assert.Empty(stack.Sonarr.Resources("downloadclient"));
    }

    [Fact]
    public async Task Schema_lists_implementations_with_exact_field_names_and_options()
    {
        await using var stack = await Stack();
        using var sonarr = StackInstances.Client(stack, "sonarr");

        var schema = (await sonarr.GetSchemaAsync(ProviderKind.DownloadClient, CancellationToken.None)).Select(StarrProvider.From).ToList();
        var info = ProviderSchemaInfo.From((await sonarr.GetSchemaAsync(ProviderKind.DownloadClient, CancellationToken.None)).Single(t => t.Implementation == "QBittorrent"));

        Assert.Contains(schema, s => s.Implementation == "Sabnzbd");
        Assert.Contains(info.Fields, f => f.Name == "useSsl" && f.Type == "checkbox");
        Assert.Contains(info.Fields, f => f.Name == "password" && f.IsSecret);
        Assert.Contains("Force Started=1", info.Fields.Single(f => f.Name == "initialState").Options);
        Assert.Equal(1, stack.Sonarr.Requests.Count("GET", "/api/v3/downloadclient/schema")); // cached per client
    }

    [Fact]
    public async Task Provider_view_masks_secret_fields()
    {
        await using var stack = await Stack();
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        await ProviderService.SaveAsync(sonarr, QBittorrent(), host, false, false, CancellationToken.None);

        var view = StarrProvider.From(Assert.Single(await sonarr.GetProvidersAsync(ProviderKind.DownloadClient, CancellationToken.None)));

        Assert.Equal("sonarr", view.Instance);
        Assert.Equal(Secret.Display, view.Fields["password"]);
        Assert.Equal("qbittorrent", view.Fields["host"]);
    }

    private static string? Field(JsonObject resource, string name) =>
        resource["fields"]!.AsArray().OfType<JsonObject>().Single(f => f["name"]!.GetValue<string>() == name)["value"]?.ToString();
}
