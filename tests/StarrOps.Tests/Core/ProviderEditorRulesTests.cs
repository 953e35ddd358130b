using System.Text.Json.Nodes;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.TestKit;

namespace StarrOps.Tests.Core;

/// <summary>
/// The rules the provider editor applies to values, names and event flags: each test stands for a bug that would send
/// the apps a wrong value, report drift that is not there, or miss drift that is (found by mutation testing).
/// </summary>
public sealed class ProviderEditorRulesTests
{
    private static IReadOnlyList<ProviderResource> Schema(string path, ProviderKind kind) =>
        Fixtures.Array(path).OfType<JsonObject>().Select(o => new ProviderResource(o, kind, "sonarr")).ToList();

    private static ProviderResource Template(string implementation) =>
        ProviderEditor.FindTemplate(Schema("sonarr/downloadclient/schema.json", ProviderKind.DownloadClient), ProviderKind.DownloadClient, implementation, "sonarr");

    private static ProviderResource Webhook() =>
        ProviderEditor.FindTemplate(Schema("sonarr/notification/schema.json", ProviderKind.Notification), ProviderKind.Notification, "Webhook", "sonarr");

    private static ProviderSettings Client(Dictionary<string, object?>? fields = null, Dictionary<string, object?>? properties = null, bool? enable = null) =>
        new(ProviderKind.DownloadClient, "qBittorrent", "QBittorrent") { Fields = fields ?? [], Properties = properties ?? [], Enable = enable };

    [Fact]
    public void An_unknown_implementation_lists_each_valid_one_once_in_alphabetical_order()
    {
        var schema = Schema("sonarr/downloadclient/schema.json", ProviderKind.DownloadClient);

        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.FindTemplate(schema, ProviderKind.DownloadClient, "Transmision", "sonarr"));

        var expected = schema.Select(t => t.Implementation).Distinct().Order(StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Equal(expected, error.ValidNames);
        Assert.Contains(string.Join(", ", expected), error.Message);
        Assert.Equal(("Transmision", "implementation"), (error.Implementation, error.Field));
    }

    [Fact]
    public void The_implementation_is_matched_without_regard_to_case()
    {
        Assert.Equal("QBittorrent", ProviderEditor.FindTemplate(Schema("sonarr/downloadclient/schema.json", ProviderKind.DownloadClient),
            ProviderKind.DownloadClient, "qbittorrent", "sonarr").Implementation);
    }

    [Fact]
    public void A_new_provider_drops_the_templates_presets_and_id_and_keeps_an_explicit_disable()
    {
        var template = Template("QBittorrent");
        template.Json["id"] = 0;
        template.Json["presets"] = new JsonArray(new JsonObject { ["name"] = "preset" });

        var disabled = ProviderEditor.NewFromTemplate(template, Client(enable: false));

        Assert.False(disabled.Json.ContainsKey("presets"));
        Assert.False(disabled.Json.ContainsKey("id"));
        Assert.False(disabled.Enable);
        Assert.True(template.Json.ContainsKey("presets")); // the cached template is not changed
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("1", true)]
    [InlineData("True", true)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    [InlineData("0", false)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public void A_checkbox_takes_the_usual_spellings_of_true_and_false(object given, bool expected)
    {
        var created = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["useSsl"] = given }));

        Assert.Equal(expected, created.FieldValue("useSsl")!.GetValue<bool>());
    }

    [Fact]
    public void A_checkbox_rejects_anything_else_naming_the_field()
    {
        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["useSsl"] = "maybe" })));

        Assert.Contains("'useSsl' takes true or false, not 'maybe'", error.Message);
    }

    [Fact]
    public void A_number_stays_whole_when_it_fits_and_a_large_one_is_not_cut()
    {
        var created = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["port"] = "9091" }));
        Assert.Equal("9091", created.FieldValue("port")!.ToJsonString());

        var big = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["port"] = 5_000_000_000L }));
        Assert.Equal("5000000000", big.FieldValue("port")!.ToJsonString());
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", null)]
    [InlineData("[1,2]", "[2,1]")]
    [InlineData("1", "1.0")]
    [InlineData("\"a\"", "\"a\"")]
    public void Values_the_apps_treat_as_equal_are_equal(string? left, string? right) =>
        Assert.True(ProviderEditor.ValuesEqual(Parse(left), Parse(right)));

    [Theory]
    [InlineData(null, "\"x\"")]
    [InlineData("[1,2]", "[1,2,2]")]
    [InlineData("[1,2]", "[1,3]")]
    [InlineData("1", "2")]
    [InlineData("true", "false")]
    [InlineData("\"a\"", "\"A\"")]
    [InlineData("1", "\"1\"")]
    [InlineData("\"1\"", "1")]
    [InlineData("[]", "\"\"")]
    public void Values_that_differ_are_not_equal(string? left, string? right) =>
        Assert.False(ProviderEditor.ValuesEqual(Parse(left), Parse(right)));

    private static JsonNode? Parse(string? json) => json switch
    {
        null => null,
        "" => JsonValue.Create(""),
        _ => JsonNode.Parse(json),
    };

    [Fact]
    public void Tags_in_another_order_are_no_change_and_other_tags_are_one()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client() with { Tags = [1, 2] });

        Assert.Empty(ProviderEditor.Apply(live, Client() with { Tags = [2, 1] }, rotateSecrets: false));
        var change = Assert.Single(ProviderEditor.Apply(live, Client() with { Tags = [1, 3] }, rotateSecrets: false));
        Assert.Equal(("tags", false), (change.Field, change.IsSecret));
        Assert.Equal([1, 2], (int[])change.OldValue!);
        Assert.Equal([1, 3], (int[])change.NewValue!);
        Assert.Equal([1, 3], live.Tags);
    }

    [Fact]
    public void Enable_is_compared_only_on_providers_that_carry_it()
    {
        var hook = ProviderEditor.NewFromTemplate(Webhook(), new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook") { Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr" } });
        Assert.False(hook.Json.ContainsKey("enable")); // notifications derive it from their on* events

        var changes = ProviderEditor.Apply(hook, new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook") { Enable = true }, rotateSecrets: false);

        Assert.Empty(changes);
        Assert.False(hook.Json.ContainsKey("enable"));
    }

    [Fact]
    public void Exclusive_events_turn_off_every_event_not_listed_and_keep_the_listed_ones()
    {
        var hook = ProviderEditor.NewFromTemplate(Webhook(), new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr" },
            Properties = new Dictionary<string, object?> { ["onGrab"] = true, ["onDownload"] = true, ["onUpgrade"] = true },
        });

        var changes = ProviderEditor.Apply(hook, new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Properties = new Dictionary<string, object?> { ["onGrab"] = true },
            ExclusiveEvents = true,
        }, rotateSecrets: false);

        Assert.Equal(["onDownload", "onUpgrade"], changes.Select(c => c.Field).Order());
        Assert.True(hook.Json["onGrab"]!.GetValue<bool>());
        Assert.False(hook.Json["onDownload"]!.GetValue<bool>());
        Assert.True(hook.Json.ContainsKey("supportsOnGrab")); // capability flags are not events to switch
        Assert.Equal(Webhook().Json["supportsOnGrab"]!.GetValue<bool>(), hook.Json["supportsOnGrab"]!.GetValue<bool>());
    }

    [Fact]
    public void A_property_is_found_without_regard_to_case_but_the_resources_own_keys_are_not_properties()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client());

        var change = Assert.Single(ProviderEditor.Apply(live, Client(properties: new() { ["PRIORITY"] = 5 }), rotateSecrets: false));
        Assert.Equal(("priority", 1, 5, false), (change.Field, change.OldValue, change.NewValue, change.IsSecret));
        Assert.Equal(5, live.Json["priority"]!.GetValue<int>());

        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(live, Client(properties: new() { ["implementation"] = "Deluge" }), rotateSecrets: false));
        Assert.Contains("has no property 'implementation'", error.Message);
        Assert.Equal("QBittorrent", live.Implementation);
    }

    [Fact]
    public void A_property_keeps_the_json_kind_of_its_current_value()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client());

        ProviderEditor.Apply(live, Client(properties: new() { ["priority"] = "3", ["removeCompletedDownloads"] = "false" }), rotateSecrets: false);

        Assert.Equal("3", live.Json["priority"]!.ToJsonString());
        Assert.Equal("false", live.Json["removeCompletedDownloads"]!.ToJsonString());
    }

    [Theory]
    [InlineData("hots", "host")]
    [InlineData("tvcategory", "tvCategory")]
    [InlineData("usesl", "useSsl")]
    public void A_typo_is_matched_to_the_nearest_name(string typo, string expected) =>
        Assert.Equal(expected, ProviderEditor.Nearest(typo, ["host", "port", "useSsl", "tvCategory"]));

    [Fact]
    public void A_name_far_from_every_candidate_has_no_nearest() =>
        Assert.Null(ProviderEditor.Nearest("recentTvPriority", ["host", "port", "useSsl"]));

    [Fact]
    public void A_renamed_provider_is_a_name_change()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client());
        var renamed = new ProviderSettings(ProviderKind.DownloadClient, "qBittorrent 4K", "QBittorrent");

        var change = Assert.Single(ProviderEditor.Apply(live, renamed, rotateSecrets: false));

        Assert.Equal(("name", "qBittorrent", "qBittorrent 4K", false), (change.Field, change.OldValue, change.NewValue, change.IsSecret));
        Assert.Equal("qBittorrent 4K", live.Name);
    }

    [Fact]
    public void The_field_names_of_a_template_are_listed_in_its_order()
    {
        var template = Template("QBittorrent");

        var names = ProviderEditor.FieldNames(template);

        Assert.Equal(template.Fields.OfType<JsonObject>().Select(f => f["name"]!.GetValue<string>()), names);
        Assert.Contains("tvCategory", names);
    }

    [Fact]
    public void A_change_reports_the_old_and_new_value_and_a_secret_reports_neither()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["host"] = "qbit", ["password"] = "stored" }, enable: false));

        var changes = ProviderEditor.Apply(live, Client(new() { ["host"] = "qbittorrent", ["password"] = new Secret("changed-password") }, enable: true), rotateSecrets: false);

        var enable = Assert.Single(changes, c => c.Field == "enable");
        Assert.Equal((false, true, false), ((bool)enable.OldValue!, (bool)enable.NewValue!, enable.IsSecret));
        var host = Assert.Single(changes, c => c.Field == "host");
        Assert.Equal(("qbit", "qbittorrent", false, false), (host.OldValue, host.NewValue, host.IsSecret, host.IsRotation));
        // The stored secret is readable here (not masked), so it is compared, but neither value is shown, and it is no rotation.
        var password = Assert.Single(changes, c => c.Field == "password");
        Assert.Equal((null, null, true, false), (password.OldValue, password.NewValue, password.IsSecret, password.IsRotation));
        Assert.Equal("password: (secret) -> (secret)", password.ToString());
        Assert.Equal("changed-password", live.FieldValue("password")!.GetValue<string>());
        Assert.True(live.Enable);
    }

    [Fact]
    public void A_masked_secret_sent_again_is_a_rotation()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["password"] = "stored" }));
        live.Field("password")!["value"] = ProviderResource.MaskedValue; // as GET returns it

        var change = Assert.Single(ProviderEditor.Apply(live, Client(new() { ["password"] = new Secret("new-password") }), rotateSecrets: true));

        Assert.True(change.IsRotation);
        Assert.Equal("password: (secret) -> (secret, rotated)", change.ToString());
    }

    [Fact]
    public void The_mask_given_as_a_value_never_replaces_a_readable_secret()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client(new() { ["password"] = "stored" }));

        Assert.Empty(ProviderEditor.Apply(live, Client(new() { ["password"] = ProviderResource.MaskedValue }), rotateSecrets: false));
        Assert.Equal("stored", live.FieldValue("password")!.GetValue<string>());
    }

    [Fact]
    public void Exclusive_events_leave_settings_that_only_start_with_on_and_event_settings_that_are_not_flags()
    {
        var hook = ProviderEditor.NewFromTemplate(Webhook(), new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Fields = new Dictionary<string, object?> { ["url"] = "http://pulsarr" },
            Properties = new Dictionary<string, object?> { ["onGrab"] = true, ["onDownload"] = true },
        });
        hook.Json["on"] = true;             // too short to be an event
        hook.Json["onlineCheck"] = true;    // "on" then lower case: a word, not an event
        hook.Json["OnAirReminder"] = true;  // events are camelCase "on" + upper case, exactly
        hook.Json["onRetryCount"] = 3;      // an on* setting that is not a flag

        var changes = ProviderEditor.Apply(hook, new ProviderSettings(ProviderKind.Notification, "Pulsarr", "Webhook")
        {
            Properties = new Dictionary<string, object?> { ["ONGRAB"] = true },
            ExclusiveEvents = true,
        }, rotateSecrets: false);

        Assert.Equal(["onDownload"], changes.Select(c => c.Field));
        Assert.True(hook.Json["onGrab"]!.GetValue<bool>()); // listed in another case: still listed
        Assert.True(hook.Json["on"]!.GetValue<bool>());
        Assert.True(hook.Json["onlineCheck"]!.GetValue<bool>());
        Assert.True(hook.Json["OnAirReminder"]!.GetValue<bool>());
        Assert.Equal(3, hook.Json["onRetryCount"]!.GetValue<int>());
    }

    private static ProviderResource Custom(params JsonObject[] fields) =>
        new(new JsonObject { ["name"] = "custom", ["implementation"] = "Custom", ["fields"] = new JsonArray(fields) }, ProviderKind.DownloadClient, "sonarr");

    private static ProviderSettings CustomSettings(string field, object? value) =>
        new(ProviderKind.DownloadClient, "custom", "Custom") { Fields = new Dictionary<string, object?> { [field] = value } };

    private static JsonObject Events(JsonNode? value) => new()
    {
        ["name"] = "events", ["type"] = "select", ["value"] = value,
        ["selectOptions"] = new JsonArray(new JsonObject { ["name"] = "Grab", ["value"] = 1 }, new JsonObject { ["name"] = "Download", ["value"] = 2 }),
    };

    [Fact]
    public void A_select_field_that_holds_a_list_takes_one_option_or_several()
    {
        var one = ProviderEditor.NewFromTemplate(Custom(Events(new JsonArray())), CustomSettings("events", "download"));
        Assert.Equal("[2]", one.FieldValue("events")!.ToJsonString());

        var several = ProviderEditor.NewFromTemplate(Custom(Events(new JsonArray())), CustomSettings("events", new object[] { "Grab", 2 }));
        Assert.Equal("[1,2]", several.FieldValue("events")!.ToJsonString());

        var single = ProviderEditor.NewFromTemplate(Custom(Events(1)), CustomSettings("events", "Download"));
        Assert.Equal("2", single.FieldValue("events")!.ToJsonString());
    }

    [Fact]
    public void A_value_that_is_no_option_names_every_option()
    {
        var error = Assert.Throws<StarrFieldException>(() => ProviderEditor.NewFromTemplate(Custom(Events(1)), CustomSettings("events", "Upgrade")));

        Assert.Equal("'Upgrade' is not an option of Custom field 'events'. Valid options: Grab (1), Download (2).", error.Message);
        Assert.Equal(["Grab", "Download"], error.ValidNames);
        Assert.Equal(("Custom", "events"), (error.Implementation, error.Field));
    }

    [Fact]
    public void A_field_with_an_empty_option_list_is_converted_by_its_type()
    {
        var port = new JsonObject { ["name"] = "port", ["type"] = "number", ["value"] = 0, ["selectOptions"] = new JsonArray() };

        var created = ProviderEditor.NewFromTemplate(Custom(port), CustomSettings("port", "8080"));

        Assert.Equal("8080", created.FieldValue("port")!.ToJsonString());
    }

    [Fact]
    public void A_field_without_a_type_keeps_the_kind_of_its_value()
    {
        var untyped = new JsonObject { ["name"] = "retries", ["value"] = 1 };
        var listed = new JsonObject { ["name"] = "hosts", ["value"] = new JsonArray() };

        var created = ProviderEditor.NewFromTemplate(Custom(untyped, listed), new ProviderSettings(ProviderKind.DownloadClient, "custom", "Custom")
        {
            Fields = new Dictionary<string, object?> { ["retries"] = "4", ["hosts"] = "a" },
        });

        Assert.Equal("4", created.FieldValue("retries")!.ToJsonString());
        Assert.Equal("[\"a\"]", created.FieldValue("hosts")!.ToJsonString());
    }

    [Fact]
    public void Of_two_names_equally_near_the_first_is_chosen_and_no_candidates_means_no_guess()
    {
        Assert.Equal("bat", ProviderEditor.Nearest("cat", ["bat", "hat"]));
        Assert.Equal("hat", ProviderEditor.Nearest("cat", ["hat", "bat"]));
        Assert.Null(ProviderEditor.Nearest("cat", []));
    }

    [Fact]
    public void A_long_name_tolerates_more_typos_than_a_short_one()
    {
        Assert.Equal("recentTvPriority", ProviderEditor.Nearest("recntTvPrirty", ["host", "recentTvPriority"])); // 3 edits in 13 letters
        Assert.Null(ProviderEditor.Nearest("hxyz", ["host"])); // 3 edits in 4 letters
    }

    [Fact]
    public void An_unknown_field_or_property_is_named_with_the_nearest_and_every_valid_name()
    {
        var live = ProviderEditor.NewFromTemplate(Template("QBittorrent"), Client());
        const string fields = "host, port, useSsl, urlBase, apiKey, username, password, tvCategory, tvImportedCategory, recentTvPriority, olderTvPriority, initialState, sequentialOrder, firstAndLast, contentLayout";

        var field = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(live, Client(new() { ["HOST"] = "qbit" }), rotateSecrets: false));
        Assert.Equal($"QBittorrent has no field 'HOST' (did you mean 'host'?). Field names are case-sensitive. Valid fields: {fields}.", field.Message);

        var typo = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(live, Client(new() { ["hots"] = "qbit" }), rotateSecrets: false));
        Assert.StartsWith("QBittorrent has no field 'hots' (did you mean 'host'?). ", typo.Message);
        var unlike = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(live, Client(new() { ["seedRatioLimit"] = 1 }), rotateSecrets: false));
        Assert.StartsWith("QBittorrent has no field 'seedRatioLimit'. Field names are case-sensitive.", unlike.Message);

        const string properties = "enable, protocol, priority, removeCompletedDownloads, removeFailedDownloads, name, tags";
        var near = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(live, Client(properties: new() { ["priorty"] = 1 }), rotateSecrets: false));
        Assert.Equal($"QBittorrent has no property 'priorty' (did you mean 'priority'?). Valid properties: {properties}; fields: {fields}.", near.Message);
        Assert.Equal(("QBittorrent", "priorty"), (near.Implementation, near.Field));

        var far = Assert.Throws<StarrFieldException>(() => ProviderEditor.Apply(live, Client(properties: new() { ["seedRatioLimit"] = 1 }), rotateSecrets: false));
        Assert.StartsWith("QBittorrent has no property 'seedRatioLimit'. Valid properties: ", far.Message);
    }

    [Fact]
    public void A_field_whose_template_has_no_value_is_converted_by_its_type()
    {
        var flag = new JsonObject { ["name"] = "useSsl", ["type"] = "checkbox" };
        var port = new JsonObject { ["name"] = "port", ["type"] = "number" };

        var created = ProviderEditor.NewFromTemplate(Custom(flag, port), new ProviderSettings(ProviderKind.DownloadClient, "custom", "Custom")
        {
            Fields = new Dictionary<string, object?> { ["useSsl"] = "yes", ["port"] = "8080" },
        });

        Assert.Equal("true", created.FieldValue("useSsl")!.ToJsonString());
        Assert.Equal("8080", created.FieldValue("port")!.ToJsonString());
    }

    [Fact]
    public void A_list_given_for_a_text_field_is_sent_as_a_list()
    {
        var untyped = new JsonObject { ["name"] = "hosts", ["value"] = "" };
        var text = new JsonObject { ["name"] = "tags", ["type"] = "textbox", ["value"] = "" };

        var created = ProviderEditor.NewFromTemplate(Custom(untyped, text), new ProviderSettings(ProviderKind.DownloadClient, "custom", "Custom")
        {
            Fields = new Dictionary<string, object?> { ["hosts"] = new[] { "a", "b" }, ["tags"] = new[] { "x" } },
        });

        Assert.Equal("[\"a\",\"b\"]", created.FieldValue("hosts")!.ToJsonString());
        Assert.Equal("[\"x\"]", created.FieldValue("tags")!.ToJsonString());
    }

    [Fact]
    public void Every_letter_counts_toward_the_distance_of_a_typo()
    {
        Assert.Null(ProviderEditor.Nearest("", ["host"]));       // nothing typed is no typo of anything
        Assert.Null(ProviderEditor.Nearest("hoxyz", ["ho"]));    // three letters too many, the last of them included
    }
}
