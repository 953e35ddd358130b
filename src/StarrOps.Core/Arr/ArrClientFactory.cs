using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Arr;

/// <summary>The one place that maps an instance's kind to its client class.</summary>
public static class ArrClientFactory
{
    public static ArrClient Create(StarrInstance instance, IStarrHost? host = null)
    {
        if (!instance.HasApiKey)
            throw new StarrConfigurationException($"{instance.Name} ({instance.Kind}) has no API key. Set {instance.Kind.EnvironmentPrefix()}_API_KEY or pass -ApiKey to New-StarrInstance.");
        return instance.Kind switch
        {
            ServiceKind.Sonarr => new Sonarr.SonarrClient(instance, host),
            ServiceKind.Radarr => new Radarr.RadarrClient(instance, host),
            ServiceKind.Lidarr => new Lidarr.LidarrClient(instance, host),
            ServiceKind.Readarr => new Readarr.ReadarrClient(instance, host),
            ServiceKind.Prowlarr => new Prowlarr.ProwlarrClient(instance, host),
            _ => throw new StarrConfigurationException($"{instance.Name} is {instance.Kind}, not a Sonarr/Radarr/Lidarr/Readarr/Prowlarr instance; this command works with the *arr apps only."),
        };
    }
}
