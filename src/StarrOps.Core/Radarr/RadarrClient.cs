using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Radarr;

/// <summary>Radarr v3 API.</summary>
public sealed class RadarrClient(StarrInstance instance, IStarrHost? host = null) : ArrClient(instance, host)
{
    public override string ApiRoot => "api/v3";
    public override string DownloadCategoryField => "movieCategory";
    public override string DefaultDownloadCategory => "radarr";
}
