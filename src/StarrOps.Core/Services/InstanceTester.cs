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
    /// <summary>Per-kind probes for the services that are not *arr apps, registered by their client folders.</summary>
    private static readonly Dictionary<ServiceKind, Func<StarrInstance, IStarrHost, CancellationToken, Task<string?>>> VersionProbes = new();

    /// <summary>Registers how to read the version of a non-*arr service (the call must fail with StarrApiException 401 on a bad key).</summary>
    public static void RegisterProbe(ServiceKind kind, Func<StarrInstance, IStarrHost, CancellationToken, Task<string?>> probe) => VersionProbes[kind] = probe;

    public static async Task<InstanceTestResult> TestAsync(StarrInstance instance, IStarrHost host, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = new InstanceTestResult { Instance = instance.Name, Kind = instance.Kind, Url = instance.Url };
        try
        {
            string? version;
            if (instance.Kind.IsArr())
            {
                using var client = ArrClientFactory.Create(instance, host);
                await client.PingAsync(cancellationToken).ConfigureAwait(false);
                result = result with { Reachable = true };
                version = (await client.GetSystemStatusAsync(cancellationToken).ConfigureAwait(false)).Version;
            }
            else if (VersionProbes.TryGetValue(instance.Kind, out var probe))
            {
                version = await probe(instance, host, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return result with { Error = $"Testing {instance.Kind} instances is not supported yet." };
            }
            return result with { Reachable = true, KeyValid = true, Version = version, ResponseTimeMs = stopwatch.ElapsedMilliseconds };
        }
        catch (StarrApiException ex) when (ex.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            return result with { Reachable = true, KeyValid = false, ResponseTimeMs = stopwatch.ElapsedMilliseconds, Error = ex.Message };
        }
        catch (StarrException ex)
        {
            return result with { ResponseTimeMs = stopwatch.ElapsedMilliseconds, Error = ex.Message };
        }
    }
}
