using System.Net;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;
using StarrOps.Tests.Core;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Integration;

/// <summary>The core paths of Test-StarrInstance, Get-StarrSystemStatus/Health and the root-folder cmdlets.</summary>
public sealed class InstanceAndFolderTests
{
    [Fact]
    public async Task Test_instance_reports_version_bad_key_and_unreachable()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        var good = StackInstances.Of(stack, "sonarr");
        var badKey = new StarrInstance("radarr", ServiceKind.Radarr, stack.Radarr.Url, new Secret("not-the-radarr-key-0000"));
        await stack.Lidarr.StopAsync();
        var down = StackInstances.Of(stack, "lidarr") with { Timeout = TimeSpan.FromSeconds(2) };

        var ok = await InstanceTester.TestAsync(good, new RecordingHost(), CancellationToken.None);
        var rejected = await InstanceTester.TestAsync(badKey, new RecordingHost(), CancellationToken.None);
        var unreachable = await InstanceTester.TestAsync(down, new RecordingHost(), CancellationToken.None);

        Assert.True(ok.Passed);
        Assert.Equal(stack.Sonarr is EmulatedArr arr ? arr.Version : null, ok.Version);
        Assert.True(rejected.Reachable);
        Assert.False(rejected.KeyValid);
        Assert.False(rejected.Passed);
        Assert.DoesNotContain("not-the-radarr-key-0000", rejected.Error);
        Assert.False(unreachable.Reachable);
        Assert.Contains("lidarr", unreachable.Error);
        Assert.Contains(down.Url.Authority, unreachable.Error);
    }

    [Fact]
    public async Task Status_and_health_carry_the_instance_name()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        stack.Sonarr.AddHealthCheck("DownloadClientCheck", "warning", "No download client is available");
        using var sonarr = StackInstances.Client(stack, "sonarr");

        var status = await sonarr.GetSystemStatusAsync(CancellationToken.None);
        var health = await sonarr.GetHealthAsync(CancellationToken.None);

        Assert.Equal("Sonarr", status.AppName);
        Assert.Equal("sonarr", status.Instance);
        Assert.Contains(health, h => h is { Instance: "sonarr", Type: "warning", Source: "DownloadClientCheck" });
    }

    [Fact]
    public async Task Root_folder_is_added_once_and_a_missing_path_is_reported()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        var host = new RecordingHost();
        using var sonarr = StackInstances.Client(stack, "sonarr", host);

        var (folder, created) = await RootFolderService.EnsureAsync(sonarr, new RootFolderRequest("/data/media/tv"), host, CancellationToken.None);
        var (again, createdAgain) = await RootFolderService.EnsureAsync(sonarr, new RootFolderRequest("/data/media/tv/"), host, CancellationToken.None);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(folder!.Id, again!.Id);
        Assert.Single(stack.Sonarr.RootFolders);

        var error = await Assert.ThrowsAsync<StarrApiException>(() => RootFolderService.EnsureAsync(sonarr, new RootFolderRequest("/not/mounted"), host, CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains(error.Failures, f => f.PropertyName == "Path");
    }

    [Fact]
    public async Task Lidarr_root_folders_get_a_name_and_default_profiles()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        var host = new RecordingHost();
        using var lidarr = StackInstances.Client(stack, "lidarr", host);

        var (folder, created) = await RootFolderService.EnsureAsync(lidarr, new RootFolderRequest("/data/media/music"), host, CancellationToken.None);

        Assert.True(created);
        Assert.Equal("music", folder!.Name);
        Assert.NotNull(folder.DefaultQualityProfileId);
        Assert.NotNull(folder.DefaultMetadataProfileId);
    }

    [Fact]
    public async Task Removing_a_root_folder()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var radarr = StackInstances.Client(stack, "radarr");
        var (folder, _) = await RootFolderService.EnsureAsync(radarr, new RootFolderRequest("/data/media/movies"), NullHostApprove.Instance, CancellationToken.None);

        await radarr.RemoveRootFolderAsync(folder!.Id, CancellationToken.None);

        Assert.Empty(await radarr.GetRootFoldersAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Prowlarr_has_no_root_folders_and_says_so()
    {
        await using var stack = await EmulatedStack.StartAsync(new EmulatedStackOptions { Jellyseerr = false, Jellyfin = false, Gluetun = false });
        using var prowlarr = StackInstances.Client(stack, "prowlarr");
        var error = await Assert.ThrowsAsync<StarrConfigurationException>(() => prowlarr.GetRootFoldersAsync(CancellationToken.None));
        Assert.Contains("Prowlarr, which has no root folders", error.Message);
    }

    private static class NullHostApprove
    {
        public static readonly StarrOps.Core.Hosting.IStarrHost Instance = StarrOps.Core.Hosting.NullStarrHost.Instance;
    }
}
