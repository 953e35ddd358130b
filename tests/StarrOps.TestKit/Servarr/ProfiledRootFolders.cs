using System.Text.Json.Nodes;
namespace StarrOps.TestKit;

/// <summary>
/// Root folder rules and shape shared by Lidarr and its fork Readarr: besides a valid, existing, new path they
/// need a name and both default profiles (recorded: lidarr rootfolder/POST_400_empty.json, POST_400_path_only.json).
/// </summary>
internal static class ProfiledRootFolders
{
    public static IEnumerable<ValidationFailure> ExtraRules(JsonObject body)
    {
        var name = body.GetString("name");
        if (string.IsNullOrWhiteSpace(name))
            yield return ValidationFailure.Rule("Name", "'Name' must not be empty.", "NotEmptyValidator", name is null ? null : JsonValue.Create(name), displayName: "Name");
        foreach (var property in (string[])["DefaultMetadataProfileId", "DefaultQualityProfileId"])
        {
            var value = body.GetInt(char.ToLowerInvariant(property[0]) + property[1..]) ?? 0;
            if (value > 0) continue;
            var display = ValidationFailure.Display(property);
            yield return ValidationFailure.Rule(property, $"'{display}' must be greater than '0'.", "GreaterThanValidator", JsonValue.Create(value), displayName: display,
                placeholders: [new("comparisonValue", 0), new("comparisonProperty", "")]);
        }
    }

    /// <summary>Shape recorded in lidarr rootfolder/POST_201.json (Readarr adds its Calibre settings, as in pyarr's readarr__rootfolder.json).</summary>
    public static JsonObject Build(JsonObject body, string path, int id, long freeSpace, long totalSpace, bool calibre)
    {
        var folder = new JsonObject
        {
            ["name"] = body.GetString("name"),
            ["path"] = path,
            ["defaultMetadataProfileId"] = body.GetInt("defaultMetadataProfileId"),
            ["defaultQualityProfileId"] = body.GetInt("defaultQualityProfileId"),
            ["defaultMonitorOption"] = body.GetString("defaultMonitorOption") ?? "all",
            ["defaultNewItemMonitorOption"] = body.GetString("defaultNewItemMonitorOption") ?? "all",
            ["defaultTags"] = new JsonArray(body["defaultTags"].GetIntList().Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        };
        if (calibre)
        {
            folder["isCalibreLibrary"] = body.GetBool("isCalibreLibrary") ?? false;
            folder["port"] = body.GetInt("port") ?? 0;
            folder["outputProfile"] = body.GetString("outputProfile") ?? "default";
            folder["useSsl"] = body.GetBool("useSsl") ?? false;
        }
        folder["accessible"] = true;
        folder["freeSpace"] = freeSpace;
        folder["totalSpace"] = totalSpace;
        folder["id"] = id;
        return folder;
    }
}
