using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using StarrOps.Core.Services;
using StarrOps.Tests.Core;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Integration;

/// <summary>The core path of Get-StarrInstance sonarr,radarr | Set-StarrProwlarrApp and Sync-StarrProwlarrIndexer.</summary>
public sealed class ProwlarrLinkTests
{
    private static async Task<ProviderSaveResult> Link(EmulatedStack stack, string app, RecordingHost host, SyncLevel level = SyncLevel.FullSync)
    {
        using var prowlarr = StackInstances.Client(stack, "prowlarr", host);
        var desired = ProwlarrApplications.Desired(prowlarr.Instance, StackInstances.Of(stack, app), level);
        return await ProviderService.SaveAsync(prowlarr, desired, host, forceSave: false, rotateSecrets: false, CancellationToken.None, ProwlarrApplications.SameTarget(desired));
    }

    [Fact]
    public async Task Linking_Sonarr_and_Radarr_creates_applications_and_a_second_call_sends_nothing()
    {
        await using var stack = await EmulatedStack.StartAsync();
        var host = new RecordingHost();

        var sonarr = await Link(stack, "sonarr", host);
        var radarr = await Link(stack, "radarr", host);

        Assert.Equal(ChangeAction.Create, sonarr.Plan.Action);
        Assert.True(sonarr.Applied);
        Assert.Equal(ChangeAction.Create, radarr.Plan.Action);
        var apps = stack.Prowlarr.Resources("applications");
        Assert.Equal(["radarr", "sonarr"], apps.Select(a => a["name"]!.GetValue<string>()).Order());
        var sonarrApp = apps.Single(a => a["implementation"]!.GetValue<string>() == "Sonarr");
        Assert.Equal("fullSync", sonarrApp["syncLevel"]!.GetValue<string>());
        Assert.Equal("SonarrSettings", sonarrApp["configContract"]!.GetValue<string>());

        stack.Prowlarr.Requests.Clear();
        var again = await Link(stack, "sonarr", host);
        var againRadarr = await Link(stack, "radarr", host);

        Assert.Equal(ChangeAction.NoChange, again.Plan.Action);
        Assert.Equal(ChangeAction.NoChange, againRadarr.Plan.Action);
        Assert.Empty(stack.Prowlarr.Requests.Writes);
        Assert.Equal(0, stack.Prowlarr.Requests.Count("GET", "/api/v1/applications/schema"));
    }

    [Fact]
    public async Task The_application_of_an_app_is_found_by_its_url()
    {
        await using var stack = await EmulatedStack.StartAsync();
        var host = new RecordingHost();
        await Link(stack, "sonarr", host);
        await Link(stack, "radarr", host);
        using var prowlarr = StackInstances.Client(stack, "prowlarr", host);

        var applications = await prowlarr.GetProvidersAsync(ProviderKind.Application, CancellationToken.None);
        var sonarrUrl = StackInstances.Of(stack, "sonarr").Url.AbsoluteUri;

        var match = Assert.Single(applications, a => ProwlarrApplications.PointsAt(a, sonarrUrl));
        Assert.Equal("Sonarr", match.Implementation);
        Assert.True(ProwlarrApplications.PointsAt(match, sonarrUrl.TrimEnd('/') + "/"));
    }

    [Fact]
    public async Task WhatIf_plans_the_link_but_writes_nothing()
    {
        await using var stack = await EmulatedStack.StartAsync();
        var host = new RecordingHost(approve: false);

        var result = await Link(stack, "sonarr", host);

        Assert.Equal(ChangeAction.Create, result.Plan.Action);
        Assert.False(result.Applied);
        Assert.Empty(stack.Prowlarr.Requests.Writes);
        var (target, action) = Assert.Single(host.Questions);
        Assert.Contains("Prowlarr application 'sonarr'", target);
        Assert.Contains("Create (Sonarr)", action);
    }

    [Fact]
    public async Task Changing_the_sync_level_updates_the_whole_application_once()
    {
        await using var stack = await EmulatedStack.StartAsync();
        var host = new RecordingHost();
        await Link(stack, "sonarr", host);
        stack.Prowlarr.Requests.Clear();

        var result = await Link(stack, "sonarr", host, SyncLevel.AddOnly);

        Assert.Equal(ChangeAction.Update, result.Plan.Action);
        Assert.Equal("syncLevel: 'fullSync' -> 'addOnly'", Assert.Single(result.Plan.Changes).ToString());
        var put = Assert.Single(stack.Prowlarr.Requests.Writes);
        Assert.Equal("PUT", put.Method);
        var sent = JsonNode.Parse(put.Body!)!.AsObject();
        Assert.Equal(ProviderResource.MaskedValue, sent["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "apiKey")!["value"]!.GetValue<string>());
        var stored = stack.Prowlarr.Resources("applications").Single(a => a["name"]!.GetValue<string>() == "sonarr");
        Assert.Equal(stack.Sonarr.ApiKey, stored["fields"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "apiKey")!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_wrong_app_key_comes_back_field_by_field()
    {
        await using var stack = await EmulatedStack.StartAsync();
        var host = new RecordingHost();
        using var prowlarr = StackInstances.Client(stack, "prowlarr", host);
        var wrongKeySonarr = new StarrInstance("sonarr", ServiceKind.Sonarr, stack.Sonarr.Url, new Secret("wrong-key-for-sonarr-1234"));
        var desired = ProwlarrApplications.Desired(prowlarr.Instance, wrongKeySonarr, SyncLevel.FullSync);

        var error = await Assert.ThrowsAsync<StarrApiException>(() => ProviderService.SaveAsync(prowlarr, desired, host, false, false, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.NotEmpty(error.Failures);
        Assert.DoesNotContain("wrong-key-for-sonarr-1234", error.Message);
        Assert.DoesNotContain(host.Messages, m => m.Contains("wrong-key-for-sonarr-1234") || m.Contains(stack.Prowlarr.ApiKey));
    }

    [Fact]
    public async Task Indexer_sync_pushes_prowlarr_indexers_into_the_linked_apps()
    {
        await using var stack = await EmulatedStack.StartAsync();
        var host = new RecordingHost();
        stack.Prowlarr.SeedResource("indexer", JsonNode.Parse("""
            {"name":"NZBgeek","implementation":"Newznab","protocol":"usenet","enable":true,
             "capabilities":{"categories":[{"id":5000,"subCategories":[{"id":5040}]},{"id":2000}]},
             "fields":[{"name":"baseUrl","value":"https://api.nzbgeek.info"}]}
            """)!.AsObject());
        await Link(stack, "sonarr", host);
        await Link(stack, "radarr", host);

        using var prowlarr = (ProwlarrClient)StackInstances.Client(stack, "prowlarr", host);
        var status = await prowlarr.SyncIndexersAsync(TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.True(status.Succeeded);
        using var sonarr = StackInstances.Client(stack, "sonarr", host);
        var indexers = await sonarr.GetProvidersAsync(ProviderKind.Indexer, CancellationToken.None);
        var synced = Assert.Single(indexers);
        Assert.Equal("NZBgeek (Prowlarr)", synced.Name);
        Assert.Equal("Newznab", synced.Implementation);
    }
}
