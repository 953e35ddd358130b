using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Readarr;

/// <summary>Readarr v1 API (a Lidarr fork: its download clients keep Lidarr's musicCategory field name).</summary>
public sealed class ReadarrClient(StarrInstance instance, IStarrHost? host = null) : ArrClient(instance, host)
{
    public override string ApiRoot => "api/v1";
    public override string DownloadCategoryField => "musicCategory";
    public override string DefaultDownloadCategory => "readarr";

    protected override Task CompleteRootFolderAsync(JsonObject body, RootFolderRequest request, CancellationToken cancellationToken) =>
        AddNameAndProfilesAsync(body, request, cancellationToken);
}
