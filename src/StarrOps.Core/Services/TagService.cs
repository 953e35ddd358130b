using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;

namespace StarrOps.Core.Services;

/// <summary>Tags are referenced by label in user input and by id in the API.</summary>
public static class TagService
{
    /// <summary>Maps labels to ids, creating the missing tags (asking ShouldProcess) — the apps compare labels case-insensitively.</summary>
    public static async Task<IReadOnlyList<int>> ResolveAsync(ArrClient client, IEnumerable<string> labels, IStarrHost host, CancellationToken cancellationToken,
        IReadOnlyList<StarrTag>? known = null)
    {
        var tags = (known ?? await client.GetTagsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        var ids = new List<int>();
        foreach (var label in labels.Where(l => !string.IsNullOrWhiteSpace(l)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var tag = tags.FirstOrDefault(t => string.Equals(t.Label, label, StringComparison.OrdinalIgnoreCase));
            if (tag is null)
            {
                if (!host.ShouldProcess($"{client.Instance.Name}: tag '{label}'", "Create")) continue;
                tag = await client.AddTagAsync(label.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
                tags.Add(tag);
            }
            ids.Add(tag.Id);
        }
        return ids;
    }
}
