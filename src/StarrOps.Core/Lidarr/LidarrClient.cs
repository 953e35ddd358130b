using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Lidarr;

/// <summary>Lidarr v1 API. Root folders need a name and default quality and metadata profiles.</summary>
public sealed class LidarrClient(StarrInstance instance, IStarrHost? host = null) : ArrClient(instance, host)
{
    public override string ApiRoot => "api/v1";
    public override string DownloadCategoryField => "musicCategory";
    public override string DefaultDownloadCategory => "lidarr";

    protected override Task CompleteRootFolderAsync(JsonObject body, RootFolderRequest request, CancellationToken cancellationToken) =>
        AddNameAndProfilesAsync(body, request, cancellationToken);
}
