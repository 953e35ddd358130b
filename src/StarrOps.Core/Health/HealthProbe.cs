using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Services;

namespace StarrOps.Core.Health;

/// <summary>
/// Checks instances the way an operator would: does it answer /ping, does the API accept the key, what does
/// the app itself say is wrong (/health), and how fast did it answer. Built on <see cref="InstanceTester"/>
/// and the app clients; never throws for a service-side failure, it reports it as an item.
/// </summary>
public static class HealthProbe
{
    public static async Task<IReadOnlyList<InstanceHealth>> CheckAllAsync(IEnumerable<StarrInstance> instances, IStarrHost host, HealthProbeOptions? options, CancellationToken cancellationToken)
    {
        options ??= new HealthProbeOptions();
        var list = instances.ToList();
        var results = new InstanceHealth[list.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, options.Parallelism));
        await Task.WhenAll(list.Select(async (instance, index) =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try { results[index] = await CheckAsync(instance, host, options, cancellationToken).ConfigureAwait(false); }
            finally { gate.Release(); }
        })).ConfigureAwait(false);
        return results;
    }

    public static async Task<InstanceHealth> CheckAsync(StarrInstance instance, IStarrHost host, HealthProbeOptions? options, CancellationToken cancellationToken)
    {
        options ??= new HealthProbeOptions();
        // The probe timeout replaces the instance's own (30 s by default): a health check must answer quickly.
        var probed = instance with { Timeout = options.Timeout };
        var test = await InstanceTester.TestAsync(probed, host, cancellationToken).ConfigureAwait(false);
        var items = new List<HealthCheckItem>();
        HealthCheckItem Item(string check, HealthStatus status, string message) => new() { Instance = instance.Name, Check = check, Status = status, Message = message };

        if (!test.Reachable)
        {
            items.Add(Item("Ping", HealthStatus.Down, test.Error ?? "The service did not answer."));
        }
        else
        {
            items.Add(Item("Ping", HealthStatus.Healthy, "The service answered."));
            if (test.KeyValid == false)
                items.Add(Item("Api", HealthStatus.Degraded, test.Error ?? "The API key was rejected."));
            else if (test.Error is not null)
                items.Add(Item("Api", HealthStatus.Degraded, test.Error));
            else
                items.Add(Item("Api", HealthStatus.Healthy, test.KeyValid == true ? "The API accepted the key." : "The API answered (no key to check)."));

            if (test.ResponseTimeMs > options.SlowResponse.TotalMilliseconds)
                items.Add(Item("ResponseTime", HealthStatus.Degraded, $"Answered in {test.ResponseTimeMs} ms (slower than {options.SlowResponse.TotalMilliseconds:0} ms)."));

            if (instance.Kind.IsArr() && test.KeyValid == true)
                items.AddRange(await AppHealthAsync(probed, host, cancellationToken).ConfigureAwait(false));
        }

        return new InstanceHealth
        {
            Instance = instance.Name,
            Kind = instance.Kind,
            Url = instance.Url,
            Reachable = test.Reachable,
            KeyValid = test.KeyValid,
            Version = test.Version,
            ResponseTimeMs = test.ResponseTimeMs,
            Items = items,
            Status = items.Count == 0 ? HealthStatus.Healthy : items.Max(i => i.Status),
            CheckedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>The app's own /health list: warnings and errors make the instance Degraded; notices are informational.</summary>
    private static async Task<IReadOnlyList<HealthCheckItem>> AppHealthAsync(StarrInstance instance, IStarrHost host, CancellationToken cancellationToken)
    {
        try
        {
            using var client = ArrClientFactory.Create(instance, host);
            var health = await client.GetHealthAsync(cancellationToken).ConfigureAwait(false);
            return health.Select(h => new HealthCheckItem
            {
                Instance = instance.Name,
                Check = "AppHealth",
                Source = h.Source,
                AppType = h.Type,
                Message = h.Message,
                WikiUrl = h.WikiUrl,
                Status = h.Type.ToLowerInvariant() switch
                {
                    "warning" or "error" => HealthStatus.Degraded,
                    _ => HealthStatus.Healthy,
                },
            }).ToList();
        }
        catch (StarrException ex)
        {
            return [new HealthCheckItem { Instance = instance.Name, Check = "AppHealth", Status = HealthStatus.Degraded, Message = $"Could not read the app's health: {ex.Message}" }];
        }
    }
}
