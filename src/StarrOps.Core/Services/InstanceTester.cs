using System.Diagnostics;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Services;

/// <summary>Is the instance reachable, is its key accepted, which version runs? One object per instance.</summary>
public sealed record InstanceTestResult
{
    public string Instance { get; init; } = "";
    public ServiceKind Kind { get; init; }
    public Uri? Url { get; init; }
    public bool Reachable { get; init; }
    /// <summary>Null when the key could not be checked (service unreachable, or it has no key to check).</summary>
    public bool? KeyValid { get; init; }
    public string? Version { get; init; }
    public long ResponseTimeMs { get; init; }
    public string? Error { get; init; }
    public bool Passed => Reachable && KeyValid != false && Error is null;
}

/// <summary>Probes one instance; never throws for a service-side failure, it reports it.</summary>
public static class InstanceTester
{
    public static async Task<InstanceTestResult> TestAsync(StarrInstance instance, IStarrHost host, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = new InstanceTestResult { Instance = instance.Name, Kind = instance.Kind, Url = instance.Url };
        try
        {
            var (version, keyChecked) = await ProbeAsync(instance, host, () => result = result with { Reachable = true }, cancellationToken).ConfigureAwait(false);
            return result with { Reachable = true, KeyValid = keyChecked ? true : null, Version = version, ResponseTimeMs = stopwatch.ElapsedMilliseconds };
        }
        catch (StarrApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            return result with { Reachable = true, KeyValid = false, ResponseTimeMs = stopwatch.ElapsedMilliseconds, Error = ex.Message };
        }
        catch (StarrLoginException ex)
        {
            return result with { Reachable = true, KeyValid = false, ResponseTimeMs = stopwatch.ElapsedMilliseconds, Error = ex.Message };
        }
        catch (StarrException ex)
        {
            return result with { ResponseTimeMs = stopwatch.ElapsedMilliseconds, Error = ex.Message };
        }
    }

    /// <summary>
    /// One anonymous call that proves the service answers (marks it reachable), then one that needs the
    /// credentials. Returns the version and whether credentials were checked.
    /// </summary>
    private static async Task<(string? Version, bool KeyChecked)> ProbeAsync(StarrInstance instance, IStarrHost host, Action reachable, CancellationToken token)
    {
        switch (instance.Kind)
        {
            case var kind when kind.IsArr():
            {
                using var client = ArrClientFactory.Create(instance, host);
                await client.PingAsync(token).ConfigureAwait(false);
                reachable();
                return ((await client.GetSystemStatusAsync(token).ConfigureAwait(false)).Version, true);
            }
            case ServiceKind.QBittorrent:
            {
                using var client = new QBittorrent.QBittorrentClient(instance, host);
                return (await client.GetVersionAsync(token).ConfigureAwait(false), true);
            }
            case ServiceKind.Sabnzbd:
            {
                using var client = new Sabnzbd.SabnzbdClient(instance, host);
                var version = await client.GetVersionAsync(token).ConfigureAwait(false);
                reachable();
                await client.GetQueueAsync(token).ConfigureAwait(false); // the version answers without a key; the queue does not
                return (version, true);
            }
            case ServiceKind.Jellyseerr:
            {
                using var client = new Jellyseerr.JellyseerrClient(instance, host);
                var version = (await client.GetStatusAsync(token).ConfigureAwait(false)).Version;
                reachable();
                await client.GetMainSettingsAsync(token).ConfigureAwait(false);
                return (version, true);
            }
            case ServiceKind.Bazarr:
            {
                using var client = new Bazarr.BazarrClient(instance, host);
                return ((await client.GetStatusAsync(token).ConfigureAwait(false)).BazarrVersion, true);
            }
            case ServiceKind.Jellyfin:
            {
                using var client = new Jellyfin.JellyfinClient(instance, host);
                var version = (await client.GetPublicInfoAsync(token).ConfigureAwait(false)).Version;
                reachable();
                if (instance.HasApiKey) await client.GetSystemInfoAsync(token).ConfigureAwait(false);
                else if (instance.UserName is not null) await client.AuthenticateAsync(instance.UserName, instance.Password, token).ConfigureAwait(false);
                else return (version, false);
                return (version, true);
            }
            case ServiceKind.Gluetun:
            {
                using var client = new Gluetun.GluetunClient(instance, host);
                await client.GetVpnStatusAsync(token).ConfigureAwait(false);
                return (null, instance.HasApiKey);
            }
            default:
                throw new StarrConfigurationException($"Testing {instance.Kind} instances is not supported.");
        }
    }
}
