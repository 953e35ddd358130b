using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.TestKit;

namespace StarrOps.Tests.Core;

public sealed class ProviderEditorTests
{
    private static IReadOnlyList<ProviderResource> Schema(string path, ProviderKind kind) =>
        Fixtures.Array(path).OfType<JsonObject>().Select(o => new ProviderResource(o, kind, "sonarr")).ToList();

    private static ProviderResource QBittorrentTemplate() =>
        ProviderEditor.FindTemplate(Schema("sonarr/downloadclient/schema.json", ProviderKind.DownloadClient), ProviderKind.DownloadClient, "QBittorrent", "sonarr");

    private static ProviderSettings QBittorrent(Dictionary<string, object?> fields) =>
        new(ProviderKind.DownloadClient, "qBittorrent", "QBittorrent") { Fields = fields };

    [Fact]
    public void Create_sets_fields_by_exact_name_and_keeps_template_defaults()
    {
        var created = ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["host"] = "qbittorrent", ["port"] = 8081, ["useSsl"] = true }));

        Assert.Equal("qbittorrent", created.FieldValue("host")!.GetValue<string>());
        Assert.Equal(8081, created.FieldValue("port")!.GetValue<int>());
        Assert.True(created.FieldValue("useSsl")!.GetValue<bool>());
        Assert.Equal("tv-sonarr", created.FieldValue("tvCategory")!.GetValue<string>()); // untouched default
        Assert.Equal("qBittorrent", created.Name);
        Assert.Equal("QBittorrentSettings", created.ConfigContract);
        Assert.True(created.Enable); // templates come disabled; declared providers are meant to work
        Assert.False(created.Json.ContainsKey("id"));
    }

    [Fact]
    public void A_template_field_without_a_value_key_gets_one()
    {
        var template = QBittorrentTemplate();
        Assert.False(template.Field("password")!.ContainsKey("value")); // the real schema omits null values

        var created = ProviderEditor.NewFromTemplate(template, QBittorrent(new() { ["username"] = "admin", ["password"] = new Secret("hunter2-qbit") }));

        Assert.Equal("admin", created.FieldValue("username")!.GetValue<string>());
        Assert.Equal("hunter2-qbit", created.FieldValue("password")!.GetValue<string>());
    }

    [Fact]
    public void Unknown_field_is_an_error_listing_valid_names_and_the_nearest_one()
    {
        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["useSSL"] = true })));

        Assert.Contains("'useSSL'", error.Message);
        Assert.Contains("did you mean 'useSsl'", error.Message);
        Assert.Contains("tvCategory", error.Message);
        Assert.Contains("useSsl", error.ValidNames);
    }

    [Theory]
    [InlineData("Force Started", 1)]
    [InlineData("force started", 1)]
    [InlineData(2, 2)]
    [InlineData("2", 2)]
    public void Select_fields_take_an_option_name_or_value(object given, int expected)
    {
        var created = ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["initialState"] = given }));
        Assert.Equal(expected, created.FieldValue("initialState")!.GetValue<int>());
    }

    [Fact]
    public void Webhook_method_POST_becomes_its_value()
    {
        var webhook = ProviderEditor.FindTemplate(Schema("sonarr/notification/schema.json", ProviderKind.Notification), ProviderKind.Notification, "Webhook", "sonarr");
        var created = ProviderEditor.NewFromTemplate(webhook, new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr:3003/hook", ["method"] = "PUT" },
            Properties = new Dictionary<string, object?> { ["onGrab"] = true, ["ondownload"] = "true" },
        });

        Assert.Equal(2, created.FieldValue("method")!.GetValue<int>());
        Assert.True(created.Json["onGrab"]!.GetValue<bool>());
        Assert.True(created.Json["onDownload"]!.GetValue<bool>()); // property names resolve case-insensitively to the API's spelling
    }

    [Fact]
    public void An_option_that_does_not_exist_lists_the_options()
    {
        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["initialState"] = "Paused" })));
        Assert.Contains("Force Started (1)", error.Message);
        Assert.Contains("initialState", error.Message);
    }

    [Fact]
    public void Unknown_implementation_lists_the_valid_ones()
    {
        var error = Assert.Throws<StarrFieldException>(() =>
            ProviderEditor.FindTemplate(Schema("sonarr/indexer/schema.json", ProviderKind.Indexer), ProviderKind.Indexer, "Prowlarr", "sonarr"));
        Assert.Contains("no indexer implementation 'Prowlarr'", error.Message);
        Assert.Contains("Torznab", error.Message);
    }

    [Fact]
    public void A_masked_secret_is_not_drift_and_the_mask_is_never_sent()
    {
        var live = ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["host"] = "qbittorrent", ["password"] = "stored" }));
        live.Field("password")!["value"] = ProviderResource.MaskedValue; // as GET returns it

        var changes = ProviderEditor.Apply(live, QBittorrent(new() { ["host"] = "qbittorrent", ["password"] = new Secret("whatever-it-is") }), rotateSecrets: false);
        Assert.Empty(changes);
        Assert.Equal(ProviderResource.MaskedValue, live.FieldValue("password")!.GetValue<string>()); // sending the mask back keeps the stored value

        var maskGiven = ProviderEditor.Apply(live, QBittorrent(new() { ["password"] = ProviderResource.MaskedValue }), rotateSecrets: true);
        Assert.Empty(maskGiven);
    }

    [Fact]
    public void Rotating_secrets_sends_the_new_value_and_shows_it_as_secret()
    {
        var live = ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["password"] = "old" }));
        live.Field("password")!["value"] = ProviderResource.MaskedValue;

        var changes = ProviderEditor.Apply(live, QBittorrent(new() { ["password"] = new Secret("rotated-password") }), rotateSecrets: true);

        var change = Assert.Single(changes);
        Assert.True(change.IsSecret);
        Assert.DoesNotContain("rotated-password", change.ToString());
        Assert.Equal("rotated-password", live.FieldValue("password")!.GetValue<string>());
    }

    [Fact]
    public void Update_preserves_unmanaged_fields_and_properties()
    {
        var live = ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["host"] = "old-host", ["tvCategory"] = "custom" }));
        live.Json["id"] = 7;
        live.Json["someFutureProperty"] = "kept";
        var before = live.Json.ToJsonString();

        var edited = live.Clone();
        var changes = ProviderEditor.Apply(edited, QBittorrent(new() { ["host"] = "new-host" }), rotateSecrets: false);

        var change = Assert.Single(changes);
        Assert.Equal("host: 'old-host' -> 'new-host'", change.ToString());
        Assert.Equal("custom", edited.FieldValue("tvCategory")!.GetValue<string>());
        Assert.Equal("kept", edited.Json["someFutureProperty"]!.GetValue<string>());
        Assert.Equal(7, edited.Id);
        Assert.Equal(before.Replace("old-host", "new-host"), edited.Json.ToJsonString());
    }

    [Fact]
    public void Equal_values_in_another_representation_are_no_change()
    {
        var live = ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["port"] = 8080, ["useSsl"] = false }));
        var changes = ProviderEditor.Apply(live, QBittorrent(new() { ["port"] = "8080", ["useSsl"] = "false", ["urlBase"] = "" }), rotateSecrets: false);
        Assert.Empty(changes);
    }

    [Fact]
    public void Category_lists_compare_as_sets()
    {
        Assert.True(ProviderEditor.ValuesEqual(JsonNode.Parse("[5000,5040]"), JsonNode.Parse("[5040,5000]")));
        Assert.False(ProviderEditor.ValuesEqual(JsonNode.Parse("[5000,5040]"), JsonNode.Parse("[5000]")));
    }

    [Fact]
    public void A_number_field_rejects_text_naming_the_field()
    {
        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.NewFromTemplate(QBittorrentTemplate(), QBittorrent(new() { ["port"] = "eighty" })));
        Assert.Contains("'port'", error.Message);
        Assert.Contains("number", error.Message);
    }
}
