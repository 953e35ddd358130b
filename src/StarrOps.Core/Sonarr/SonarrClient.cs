using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Sonarr;

/// <summary>Sonarr v3 API (also what Sonarr v4 serves).</summary>
public sealed class SonarrClient(StarrInstance instance, IStarrHost? host = null) : ArrClient(instance, host)
{
    public override string ApiRoot => "api/v3";
    public override string DownloadCategoryField => "tvCategory";
    public override string DefaultDownloadCategory => "tv-sonarr";
}
