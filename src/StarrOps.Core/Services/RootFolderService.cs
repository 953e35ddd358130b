using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Services;

/// <summary>Root folders by path: adding one that exists changes nothing.</summary>
public static class RootFolderService
{
    public static bool SamePath(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    /// <returns>The folder, and whether it was created (false when it existed or -WhatIf declined).</returns>
    public static async Task<(RootFolder? Folder, bool Created)> EnsureAsync(ArrClient client, RootFolderRequest request, IStarrHost host, CancellationToken cancellationToken,
        IReadOnlyList<RootFolder>? live = null)
    {
        live ??= await client.GetRootFoldersAsync(cancellationToken).ConfigureAwait(false);
        var existing = live.FirstOrDefault(r => SamePath(r.Path, request.Path));
        if (existing is not null)
        {
            host.WriteVerbose($"{client.Instance.Name}: root folder {request.Path} is already configured");
            return (existing, false);
        }
        if (!host.ShouldProcess($"{client.Instance.Name}: root folder {request.Path}", "Add")) return (null, false);
        return (await client.AddRootFolderAsync(request, cancellationToken).ConfigureAwait(false), true);
    }
}
