using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Http;
using StarrOps.Core.Jellyseerr;
using StarrOps.Core.Prowlarr;
using StarrOps.TestKit;

namespace StarrOps.Tests.Clients;

/// <summary>
/// The documents every converged run reads are read from the parsed node (<see cref="JsonFields"/>), not by the serializer;
/// these tests hold them to what the serializer would give for the apps' recorded answers, and to clear errors for drift.
/// </summary>
public sealed class JsonFieldsTests
{
    // The serializer as it read these documents before: Web defaults, reflection metadata.
    private static readonly JsonSerializerOptions Serializer = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("sonarr/rootfolder/list.json")]
    [InlineData("radarr/rootfolder/list.json")]
    [InlineData("lidarr/rootfolder/list.json")]
    public void Root_folders_read_as_the_serializer_reads_them(string fixture) =>
        AssertReadsLikeSerializer(fixture, RootFolder.Read);

    [Fact]
    public void Tags_read_as_the_serializer_reads_them() => AssertReadsLikeSerializer("prowlarr/tag/list.json", StarrTag.Read);

    [Fact]
    public void App_profiles_read_as_the_serializer_reads_them() => AssertReadsLikeSerializer("prowlarr/appprofile.json", AppProfile.Read);

    [Fact]
    public void Jellyseerr_public_settings_read_as_the_serializer_reads_them()
    {
        var node = Fixtures.Json("seerr/settings_public.json");

        Assert.Equal(node.Deserialize<JellyseerrPublicSettings>(Serializer), JellyseerrPublicSettings.Read(JsonFields.Of(node, "GET settings/public")));
    }

    [Fact]
    public void Lidarr_root_folders_keep_their_profiles_and_name()
    {
        var folder = Assert.Single(JsonFields.List(Fixtures.Json("lidarr/rootfolder/list.json"), "GET rootfolder", RootFolder.Read));

        Assert.Equal(("Music", "/data/media/music", true, 1, 1), (folder.Name, folder.Path, folder.Accessible, folder.DefaultQualityProfileId, folder.DefaultMetadataProfileId));
        Assert.Equal(75069931520L, folder.FreeSpace);
    }

    [Fact]
    public void Names_match_in_any_case_and_missing_or_null_values_keep_their_defaults()
    {
        var folder = RootFolder.Read(JsonFields.Of(JsonNode.Parse("""{"ID": 3, "Path": "/data/media/tv", "name": null, "freeSpace": null}"""), "GET rootfolder"));

        Assert.Equal(new RootFolder { Id = 3, Path = "/data/media/tv" }, folder);
    }

    [Theory]
    [InlineData("""{"id": "7", "path": "/tv"}""", "'id'", "a whole number")]
    [InlineData("""{"id": 7.5, "path": "/tv"}""", "'id'", "a whole number")]
    [InlineData("""{"id": 7, "path": 12}""", "'path'", "a string")]
    [InlineData("""{"id": 7, "path": "/tv", "accessible": "yes"}""", "'accessible'", "true or false")]
    [InlineData("""{"id": 7, "path": {"full": "/tv"}}""", "'path'", "a single value")]
    public void A_value_of_the_wrong_kind_names_the_document_and_the_property(string json, string property, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => RootFolder.Read(JsonFields.Of(JsonNode.Parse(json), "GET /api/v3/rootfolder")));

        Assert.Contains("GET /api/v3/rootfolder", error.Message);
        Assert.Contains(property, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_object_where_a_list_belongs_is_an_error_naming_the_document()
    {
        var error = Assert.Throws<InvalidDataException>(() => JsonFields.List(JsonNode.Parse("""{"id": 1}"""), "GET /api/v3/tag", StarrTag.Read));

        Assert.Equal("GET /api/v3/tag answered an object where a list was expected.", error.Message);
    }

    private static void AssertReadsLikeSerializer<T>(string fixture, Func<JsonFields, T> read)
    {
        var node = Fixtures.Json(fixture);
        var expected = node.Deserialize<List<T>>(Serializer)!;

        var actual = JsonFields.List(node, "GET " + fixture, read);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }
}
