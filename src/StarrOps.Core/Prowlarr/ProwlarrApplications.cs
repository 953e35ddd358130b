using StarrOps.Core.Arr;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Prowlarr;

/// <summary>How much Prowlarr manages the app's indexers. A top-level property of the application, not a field.</summary>
public enum SyncLevel
{
    Disabled,
    AddOnly,
    FullSync,
}

/// <summary>Builds the desired Prowlarr application that links Prowlarr to one Sonarr/Radarr/Lidarr/Readarr.</summary>
public static class ProwlarrApplications
{
    public static string ToApi(this SyncLevel level) => level switch
    {
        SyncLevel.Disabled => "disabled",
        SyncLevel.AddOnly => "addOnly",
        _ => "fullSync",
    };

    /// <param name="prowlarrUrl">How the app reaches Prowlarr; defaults to the Prowlarr instance's URL. Use in-cluster DNS names: both directions are tested on save.</param>
    /// <param name="appUrl">How Prowlarr reaches the app; defaults to the app instance's URL.</param>
    public static ProviderSettings Desired(StarrInstance prowlarr, StarrInstance app, SyncLevel syncLevel, string? name = null,
        Uri? prowlarrUrl = null, Uri? appUrl = null, IReadOnlyList<int>? syncCategories = null, IReadOnlyList<int>? tags = null)
    {
        if (prowlarr.Kind != ServiceKind.Prowlarr)
            throw new StarrConfigurationException($"{prowlarr.Name} is {prowlarr.Kind}; -Prowlarr needs a Prowlarr instance.");
        if (!app.Kind.IsProwlarrTarget())
            throw new StarrConfigurationException($"{app.Name} is {app.Kind}; Prowlarr links to Sonarr, Radarr, Lidarr and Readarr only.");
        if (!app.HasApiKey)
            throw new StarrConfigurationException($"{app.Name} has no API key; Prowlarr needs it to push indexers. Set {app.Kind.EnvironmentPrefix()}_API_KEY.");

        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["prowlarrUrl"] = TrimSlash(prowlarrUrl ?? prowlarr.Url),
            ["baseUrl"] = TrimSlash(appUrl ?? app.Url),
            ["apiKey"] = app.ApiKey,
        };
        if (syncCategories is { Count: > 0 }) fields["syncCategories"] = syncCategories.Cast<object?>().ToArray();
        return new ProviderSettings(ProviderKind.Application, name ?? app.Name, app.Kind.ToString())
        {
            Fields = fields,
            Properties = new Dictionary<string, object?> { ["syncLevel"] = syncLevel.ToApi() },
            Tags = tags,
        };
    }

    /// <summary>An existing application that points at the same app URL is the same link, whatever it was named by hand.</summary>
    public static Func<ProviderResource, bool> SameTarget(ProviderSettings desired) => resource =>
        desired.Fields.TryGetValue("baseUrl", out var wanted) && wanted is string url && PointsAt(resource, url);

    /// <summary>Whether a Prowlarr application links to the app at <paramref name="appUrl"/> (its baseUrl field, trailing slashes aside).</summary>
    public static bool PointsAt(ProviderResource application, string appUrl) =>
        application.FieldValue("baseUrl")?.ToString() is { } actual
        && string.Equals(actual.TrimEnd('/'), appUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static string TrimSlash(Uri uri) => uri.AbsoluteUri.TrimEnd('/');
}
