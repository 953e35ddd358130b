using System.Collections;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;

using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// What the YAML reader makes of a declaration: how values are typed, which empty spellings mean "nothing", what each
/// section kind accepts, and what the messages for a bad declaration say (path, line, what was expected, what is known).
/// </summary>
public sealed class YamlDeclarationTests
{
    private static Hashtable Env(params (string Name, string Value)[] more) => StackEnvironment.Declared(more);

    private static DesiredState Parse(string yaml, Hashtable? env = null) => DesiredStateLoader.Parse(yaml, env ?? Env(), "stack.yaml");

    private static string Problems(string yaml, Hashtable? env = null) =>
        Assert.Throws<StarrConfigurationException>(() => Parse(yaml, env)).Message;

    private static IReadOnlyDictionary<string, object?> NotificationFields(string fields) =>
        Assert.Single(Parse($"standardWiring: false\nsonarr:\n  notifications:\n    - {{ name: Hook, implementation: Webhook, fields: {fields} }}\n").FindConfig("sonarr")!.Notifications).Fields;

    [Fact]
    public void Plain_scalars_are_typed_as_yaml_core_and_quoted_ones_stay_text()
    {
        var fields = NotificationFields(
            "{ n1: null, n2: Null, n3: NULL, n4: ~, t1: true, t2: True, t3: TRUE, f1: false, f2: False, f3: FALSE, " +
            "whole: -42, real: 1.5, quoted: \"42\", quotedTrue: \"true\", text: abc, tagged: !!str 7, nan: .nan }");

        Assert.All(new[] { "n1", "n2", "n3", "n4" }, k => Assert.Null(fields[k]));
        Assert.All(new[] { "t1", "t2", "t3" }, k => Assert.Equal(true, fields[k]));
        Assert.All(new[] { "f1", "f2", "f3" }, k => Assert.Equal(false, fields[k]));
        Assert.Equal(-42L, fields["whole"]);
        Assert.Equal(1.5, fields["real"]);
        Assert.Equal("42", fields["quoted"]);
        Assert.Equal("true", fields["quotedTrue"]);
        Assert.Equal("abc", fields["text"]);
        Assert.Equal("7", fields["tagged"]);
        Assert.Equal(".nan", fields["nan"]); // no digit in it: text, not a number
    }

    [Fact]
    public void Explicit_core_tags_type_a_value_as_they_say()
    {
        var fields = NotificationFields("{ i: !!int 7, r: !!float 2.5, b: !!bool true, n: !!null ~, e: 1e3, s: !!str true }");

        Assert.Equal(7L, fields["i"]);
        Assert.Equal(2.5, fields["r"]);
        Assert.Equal(true, fields["b"]);
        Assert.Null(fields["n"]);
        Assert.Equal(1000.0, fields["e"]);
        Assert.Equal("true", fields["s"]);
    }

    [Fact]
    public void Lists_and_mappings_under_fields_keep_their_values_and_a_secret_key_makes_everything_below_it_secret()
    {
        var fields = NotificationFields("{ headers: [a, 1, true], auth: { user: me, password: p4ss-0123456789 }, apiKeys: [k-0123456789] }");

        Assert.Equal(new object?[] { "a", 1L, true }, Assert.IsAssignableFrom<IEnumerable<object?>>(fields["headers"]));
        var auth = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(fields["auth"]);
        Assert.Equal("me", auth["user"]);
        Assert.Equal(new Secret("p4ss-0123456789"), auth["password"]);
        Assert.Equal(new Secret("k-0123456789"), Assert.Single(Assert.IsAssignableFrom<IEnumerable<object?>>(fields["apiKeys"])));
    }

    [Fact]
    public void An_env_reference_under_an_ordinary_key_is_plain_text_and_its_name_may_be_padded()
    {
        var client = Assert.Single(Parse(
                "standardWiring: false\nsonarr:\n  notifications:\n    - { name: Hook, implementation: Webhook, fields: { url: !env \" HOOK_URL \", token: !env HOOK_TOKEN } }\n",
                Env(("HOOK_URL", "http://hook:8080"), ("HOOK_TOKEN", "hook-token-0123456789")))
            .FindConfig("sonarr")!.Notifications);

        Assert.Equal("http://hook:8080", Assert.IsType<string>(client.Fields["url"]));
        Assert.Equal(new Secret("hook-token-0123456789"), client.Fields["token"]);
    }

    [Fact]
    public void Instance_values_keep_what_was_written_whatever_yaml_would_type_them_as()
    {
        var state = Parse("""
            instances:
              sonarr:
                username: 007
                apiKey: 12345678901234567890
                skipCertificateCheck: "true"
                timeoutSeconds: !env SONARR_TIMEOUT
              radarr:
                url: "https://radarr.example:7878"
                username: !!int 42
                password: 0123
                skipCertificateCheck: !env RADARR_SKIP
                timeoutSeconds: 2.5
              radarr_uhd: { url: "http://radarr-uhd:7878", apiKey: k-0123456789abcdef }
            """, Env(("SONARR_TIMEOUT", "7.5"), ("RADARR_SKIP", "false")));

        var sonarr = state.FindInstance("sonarr")!;
        Assert.Equal("007", sonarr.UserName);
        Assert.Equal(new Secret("12345678901234567890"), sonarr.ApiKey); // not 1.2345678901234567E+19
        Assert.True(sonarr.SkipCertificateCheck);
        Assert.Equal(TimeSpan.FromSeconds(7.5), sonarr.Timeout);
        var radarr = state.FindInstance("radarr")!;
        Assert.Equal(new Uri("https://radarr.example:7878"), radarr.Url);
        Assert.Equal("42", radarr.UserName);
        Assert.Equal(new Secret("0123"), radarr.Password); // not 123
        Assert.False(radarr.SkipCertificateCheck);
        Assert.Equal(TimeSpan.FromSeconds(2.5), radarr.Timeout);
        Assert.Equal(ServiceKind.Radarr, state.FindInstance("radarr_uhd")!.Kind); // told from the name before the '_'
    }

    [Fact]
    public void A_single_value_where_a_list_goes_is_a_list_of_one()
    {
        var state = Parse("""
            standardWiring: false
            sonarr:
              tags: uhd
              rootFolders:
                - { path: /tv, qualityProfileId: "7" }
              downloadClients:
                - { name: qBit, implementation: QBittorrent, tags: anime }
            """);

        var sonarr = state.FindConfig("sonarr")!;
        Assert.Equal(["uhd"], sonarr.Tags);
        Assert.Equal(7, Assert.Single(sonarr.RootFolders).QualityProfileId);
        Assert.Equal(["anime"], Assert.Single(sonarr.DownloadClients).Tags);
    }

    [Fact]
    public void A_key_that_only_starts_like_a_fixed_key_is_a_property_not_a_typo()
    {
        var client = Assert.Single(Parse("standardWiring: false\nsonarr:\n  downloadClients:\n    - { name: qBit, implementation: QBittorrent, implementationVersion: 2 }\n")
            .FindConfig("sonarr")!.DownloadClients);

        Assert.Equal(2L, client.Properties["implementationVersion"]);
    }

    [Fact]
    public void An_empty_value_under_a_secret_key_is_empty_text_not_a_secret()
    {
        var fields = NotificationFields("{ password: \"\", apiKey: s3cret-value-0123 }");

        Assert.Equal("", fields["password"]);
        Assert.IsType<Secret>(fields["apiKey"]);
    }

    [Theory]
    [InlineData("~\n")]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void A_file_with_no_content_is_the_environment_alone(string yaml)
    {
        var state = Parse(yaml);

        Assert.Equal("/data/media/tv", Assert.Single(state.FindConfig("sonarr")!.RootFolders).Path);
    }

    [Fact]
    public void Empty_spellings_of_a_section_and_its_lists_mean_nothing_declared()
    {
        var state = Parse("""
            standardWiring: false
            radarr: ~
            sonarr:
              tags: ~
              rootFolders: ~
              notifications:
                - { name: Hook, implementation: Webhook, fields: ~ }
            prowlarr:
              applications: []
              deleteUnmanaged: { applications: true, ignore: ~ }
            """);

        Assert.True(state.FindConfig("radarr")!.IsEmpty);
        var sonarr = state.FindConfig("sonarr")!;
        Assert.Empty(sonarr.Tags);
        Assert.Empty(sonarr.RootFolders);
        Assert.Empty(Assert.Single(sonarr.Notifications).Fields);
        Assert.Empty(state.FindConfig("prowlarr")!.DeleteUnmanaged.Ignore);
    }

    [Fact]
    public void Unknown_top_level_key_lists_the_known_instances_in_order_and_suggests_only_a_near_one()
    {
        var far = Problems("zzzzzz: {}\n");
        Assert.Contains("'zzzzzz' is neither a top-level key nor a known instance. ", far);
        Assert.DoesNotContain("did you mean", far);
        Assert.Contains("Top-level keys: standardWiring, instances; instances: prowlarr, radarr, sonarr.", far);

        var none = Problems("sonarr: {}\n", new Hashtable());
        Assert.Contains("instances: none (declare them under instances: or set SONARR_URL …).", none);
    }

    [Fact]
    public void A_declared_instance_name_is_spelled_as_its_section_matches_it()
    {
        var state = Parse("""
            standardWiring: false
            instances:
              Sonarr-4K: { url: "http://sonarr-4k:8989", apiKey: k4k-0123456789abcdef }
            sonarr-4k: { tags: [uhd] }
            """);

        Assert.Equal(["uhd"], state.FindConfig("Sonarr-4K")!.Tags);
        Assert.Equal(ServiceKind.Sonarr, state.FindInstance("Sonarr-4K")!.Kind);
    }

    [Fact]
    public void Every_collection_rejects_a_second_entry_of_the_same_name_at_the_second_ones_line()
    {
        var message = Problems("""
            standardWiring: false
            sonarr:
              rootFolders: [/tv, /tv/]
              downloadClients:
                - { name: qBit, implementation: QBittorrent }
                - { name: QBIT, implementation: QBittorrent }
            prowlarr:
              applications: [sonarr, sonarr]
              indexers:
                - { name: Nyaa, definition: nyaasi }
                - { name: nyaa, definition: nyaasi }
              indexerProxies:
                - { name: Flare, implementation: FlareSolverr }
                - { name: Flare, implementation: FlareSolverr }
            """);

        Assert.Matches(@"stack\.yaml:3:\d+ "+ System.Text.RegularExpressions.Regex.Escape("sonarr.rootFolders[1]: root folder '/tv' is declared more than once"), message);
        Assert.Matches(@"stack\.yaml:6:\d+ "+ System.Text.RegularExpressions.Regex.Escape("sonarr.downloadClients[1]: download client 'qBit' is declared more than once"), message);
        Assert.Matches(@"stack\.yaml:8:\d+ "+ System.Text.RegularExpressions.Regex.Escape("prowlarr.applications[1]: application 'sonarr' is declared more than once"), message);
        Assert.Matches(@"stack\.yaml:11:\d+ "+ System.Text.RegularExpressions.Regex.Escape("prowlarr.indexers[1]: indexer 'Nyaa' is declared more than once"), message);
        Assert.Matches(@"stack\.yaml:14:\d+ "+ System.Text.RegularExpressions.Regex.Escape("prowlarr.indexerProxies[1]: indexer proxy 'Flare' is declared more than once"), message);
        Assert.Contains("5 problems", message);
    }

    [Fact]
    public void An_indexer_is_made_from_a_definition_and_only_an_indexer_takes_an_app_profile()
    {
        var prowlarr = Parse("""
            standardWiring: false
            prowlarr:
              indexers:
                - { name: Nyaa, definition: nyaasi, appProfile: Standard, enable: false, tags: [anime], fields: { baseUrl: "https://nyaa.si" } }
              indexerProxies:
                - { name: Flare, implementation: FlareSolverr, appProfile: Standard }
            """).FindConfig("prowlarr")!;

        var indexer = Assert.Single(prowlarr.Indexers);
        Assert.Equal(("Nyaa", "nyaasi", "Standard", false), (indexer.Name, indexer.Implementation, indexer.AppProfile, indexer.Enable));
        Assert.Equal(["anime"], indexer.Tags);
        Assert.Equal("https://nyaa.si", indexer.Fields["baseUrl"]);
        var proxy = Assert.Single(prowlarr.IndexerProxies);
        Assert.Null(proxy.AppProfile);
        Assert.Equal("Standard", proxy.Properties["appProfile"]); // not a fixed key of a proxy: a plain property

        var missing = Problems("standardWiring: false\nprowlarr:\n  indexers:\n    - { name: Nyaa, implementation: nyaasi }\n");
        Assert.Contains("prowlarr.indexers[0]: a indexer needs definition:", missing.Replace("an indexer", "a indexer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_near_miss_of_a_fixed_key_is_a_typo_and_a_far_one_is_a_property()
    {
        var typo = Problems("standardWiring: false\nsonarr:\n  downloadClients:\n    - { name: qBit, implementati: QBittorrent }\n");
        Assert.Contains("sonarr.downloadClients[0].implementati: unknown key 'implementati' (did you mean 'implementation'?)", typo);
        Assert.DoesNotContain("needs implementation", typo); // the typo is the one problem
        Assert.Contains("1 problem", typo);

        var client = Assert.Single(Parse("standardWiring: false\nsonarr:\n  downloadClients:\n    - { name: qBit, implementation: QBittorrent, priority: 2 }\n")
            .FindConfig("sonarr")!.DownloadClients);
        Assert.Equal(2L, client.Properties["priority"]);
    }

    [Fact]
    public void Delete_unmanaged_flags_are_read_per_kind()
    {
        var state = Parse("""
            standardWiring: false
            sonarr:
              deleteUnmanaged: { rootFolders: true, downloadClients: false, notifications: true, ignore: ["Manual *"] }
            prowlarr:
              deleteUnmanaged: { applications: true, indexers: true, indexerProxies: true }
            """);

        var sonarr = state.FindConfig("sonarr")!.DeleteUnmanaged;
        Assert.Equal((true, false, true), (sonarr.RootFolders, sonarr.DownloadClients, sonarr.Notifications));
        Assert.Equal(["Manual *"], sonarr.Ignore);
        var prowlarr = state.FindConfig("prowlarr")!.DeleteUnmanaged;
        Assert.Equal((true, true, true), (prowlarr.Applications, prowlarr.Indexers, prowlarr.IndexerProxies));

        var wrongKind = Problems("standardWiring: false\nsonarr:\n  deleteUnmanaged: { applications: true }\nprowlarr:\n  deleteUnmanaged: { rootFolders: true }\n");
        Assert.Contains("sonarr.deleteUnmanaged.applications: unknown key 'applications' (Sonarr instances don't take 'applications')", wrongKind);
        Assert.Contains("prowlarr.deleteUnmanaged.rootFolders: unknown key 'rootFolders' (Prowlarr instances don't take 'rootFolders')", wrongKind);
    }

    [Fact]
    public void Applications_are_read_in_full_short_or_long_and_name_known_apps_by_their_declared_spelling()
    {
        var apps = Parse("""
            standardWiring: false
            prowlarr:
              applications:
                - sonarr
                - { app: RADARR, syncLevel: addOnly, syncCategories: [2000, 2147483647], tags: [movies], enable: false,
                    prowlarrUrl: "http://prowlarr.media:9696", appUrl: "http://radarr.media:7878", fields: { priority: 3 } }
                - { name: Whisparr, implementation: Whisparr, syncCategories: 6000, fields: { baseUrl: "http://whisparr:6969" } }
            """).FindConfig("prowlarr")!.Applications;

        var sonarr = apps.Single(a => a.App == "sonarr");
        Assert.Equal(4, sonarr.Origin.Line);
        var radarr = apps.Single(a => a.App == "radarr");
        Assert.Equal((SyncLevel.AddOnly, false), (radarr.SyncLevel, radarr.Enable));
        Assert.Equal([2000, int.MaxValue], radarr.SyncCategories);
        Assert.Equal(["movies"], radarr.Tags);
        Assert.Equal(("prowlarr.media", "radarr.media"), (radarr.ProwlarrUrl!.Host, radarr.AppUrl!.Host));
        Assert.Equal(3L, radarr.Fields["priority"]);
        var other = apps.Single(a => a.App is null);
        Assert.Equal(("Whisparr", "Whisparr"), (other.Name, other.Implementation));
        Assert.Equal([6000], other.SyncCategories);
        Assert.Equal("http://whisparr:6969", other.Fields["baseUrl"]);
    }

    [Fact]
    public void An_application_for_an_unknown_app_lists_the_apps_prowlarr_can_link_in_order()
    {
        var message = Problems("standardWiring: false\nprowlarr:\n  applications: [sonar]\n");
        Assert.Contains("prowlarr.applications[0]: 'sonar' is not a known instance (did you mean 'sonarr'?). Known Sonarr/Radarr/Lidarr/Readarr instances: radarr, sonarr.", message);

        var none = Problems("standardWiring: false\nprowlarr:\n  applications: [sonarr]\n",
            new Hashtable { ["PROWLARR_URL"] = "http://prowlarr:9696", ["PROWLARR_API_KEY"] = "prowlarr-key-0123456789" });
        Assert.Contains("Known Sonarr/Radarr/Lidarr/Readarr instances: none.", none);

        var badKey = Problems("standardWiring: false\nprowlarr:\n  applications:\n    - { app: sonarr, synclevel: fullSync }\n");
        Assert.Contains("prowlarr.applications[0].synclevel: unknown key 'synclevel' (did you mean 'syncLevel'?)", badKey);
    }

    [Fact]
    public void Jellyseerr_and_Bazarr_sections_are_read_with_their_links()
    {
        var env = Env(("JELLYSEERR_URL", "http://jellyseerr:5055"), ("JELLYSEERR_API_KEY", "jellyseerr-key-0123456789"),
            ("JELLYFIN_URL", "http://jellyfin:8096"), ("BAZARR_URL", "http://bazarr:6767"), ("BAZARR_API_KEY", "bazarr-key-0123456789"));
        var state = Parse("""
            standardWiring: false
            jellyseerr:
              jellyfin: jellyfin
              sonarr: [sonarr]
              radarr:
                - { app: radarr, name: Films, qualityProfile: HD-1080p, rootFolder: /data/media/movies, is4k: true, default: false }
            bazarr: { sonarr: sonarr, radarr: radarr }
            """, env);

        var jellyseerr = state.FindConfig("jellyseerr")!.Jellyseerr!;
        Assert.Equal("jellyfin", jellyseerr.Jellyfin);
        Assert.Equal("sonarr", Assert.Single(jellyseerr.Sonarr).App);
        var radarr = Assert.Single(jellyseerr.Radarr);
        Assert.Equal(("radarr", "Films", "HD-1080p", "/data/media/movies", true, false),
            (radarr.App, radarr.Name, radarr.QualityProfile, radarr.RootFolder, radarr.Is4k, radarr.IsDefault));
        var bazarr = state.FindConfig("bazarr")!.Bazarr!;
        Assert.Equal(("sonarr", "radarr"), (bazarr.Sonarr, bazarr.Radarr));
        Assert.Null(state.FindConfig("sonarr")?.Bazarr);

        var wrongKind = Problems("standardWiring: false\nbazarr: { sonarr: radarr }\n", env);
        Assert.Contains("bazarr.sonarr: 'radarr' is Radarr, not Sonarr.", wrongKind);
    }

    [Theory]
    [InlineData("4k-sonarr")]
    [InlineData("sonarr.4k")]
    [InlineData("-sonarr")]
    [InlineData("")]
    public void An_instance_name_must_start_with_a_letter_and_hold_only_letters_digits_and_dashes(string name)
    {
        var message = Problems($"instances:\n  \"{name}\": {{ kind: Sonarr, url: \"http://x:8989\" }}\n");
        Assert.Contains($"'{name}' is not a valid instance name", message);
    }

    [Fact]
    public void A_valid_instance_name_may_use_digits_dashes_and_underscores_after_the_first_letter()
    {
        var state = Parse("instances:\n  sonarr_4k-2: { kind: Sonarr, url: \"http://x:8989\", apiKey: k-0123456789abcdef }\n");
        Assert.NotNull(state.FindInstance("sonarr_4k-2"));
    }

    [Fact]
    public void Urls_must_be_absolute_http_or_https()
    {
        var message = Problems("""
            instances:
              sonarr-a: { url: "not a url" }
              sonarr-b: { url: "ftp://sonarr:21" }
            """);

        Assert.Contains("instances.sonarr-a.url: 'not a url' is not an absolute http:// or https:// URL", message);
        Assert.Contains("instances.sonarr-b.url: 'ftp://sonarr:21' is not an absolute http:// or https:// URL", message);
    }

    [Fact]
    public void Whole_numbers_must_fit_and_the_full_int_range_does()
    {
        var folder = Assert.Single(Parse("standardWiring: false\nsonarr:\n  rootFolders:\n    - { path: /tv, qualityProfileId: -2147483648, metadataProfileId: 2147483647 }\n")
            .FindConfig("sonarr")!.RootFolders);
        Assert.Equal((int.MinValue, int.MaxValue), (folder.QualityProfileId, folder.MetadataProfileId));
        Assert.Equal(4, folder.Origin.Line);

        var message = Problems("standardWiring: false\nsonarr:\n  rootFolders:\n    - { path: /tv, qualityProfileId: 2147483648 }\n");
        Assert.Contains("sonarr.rootFolders[0].qualityProfileId: expects a whole number, not '2147483648'.", message);
    }

    [Fact]
    public void A_bad_reference_is_one_problem_not_two()
    {
        var message = Problems("instances:\n  sonarr: { skipCertificateCheck: !env NOT_SET_ANYWHERE }\n");

        Assert.Contains("environment variable NOT_SET_ANYWHERE is not set", message);
        Assert.DoesNotContain("expects true or false", message);
        Assert.Contains("1 problem", message);

        var notABool = Problems("instances:\n  sonarr: { skipCertificateCheck: maybe }\n");
        Assert.Contains("instances.sonarr.skipCertificateCheck: expects true or false, not 'maybe'.", notABool);
    }

    [Fact]
    public void An_empty_variable_counts_as_not_set()
    {
        var message = Problems("instances:\n  sonarr: { apiKey: !env EMPTY_KEY }\n", Env(("EMPTY_KEY", "")));
        Assert.Contains("environment variable EMPTY_KEY is not set (referenced by !env EMPTY_KEY)", message);
    }

    [Fact]
    public void An_unknown_tag_says_which_tags_there_are()
    {
        var message = Problems("instances:\n  sonarr: { apiKey: !secret sonarr }\n");
        Assert.Contains("unknown tag '!secret': use !env NAME for an environment variable or !file PATH for a file's content.", message);
    }

    [Fact]
    public void A_relative_file_reference_is_read_next_to_the_config_file_and_an_empty_one_is_named()
    {
        var directory = Directory.CreateTempSubdirectory("starrops-yaml-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "sonarr.key"), "file-key-abcdef0123456789\n");
            File.WriteAllText(Path.Combine(directory.FullName, "empty.key"), "\n");
            var config = Path.Combine(directory.FullName, "stack.yaml");
            File.WriteAllText(config, "instances:\n  sonarr: { apiKey: !file sonarr.key }\n");

            var state = DesiredStateLoader.Load(config, Env());
            Assert.Equal(new Secret("file-key-abcdef0123456789"), state.FindInstance("sonarr")!.ApiKey);

            File.WriteAllText(config, "instances:\n  sonarr: { apiKey: !file empty.key }\n");
            var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Load(config, Env()));
            Assert.Contains("file empty.key is empty (referenced by !file empty.key)", error.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_parser_error_is_told_without_the_parsers_own_position_prefix()
    {
        var message = Problems("sonarr:\n  rootFolders:\n    - /tv\n   tags: [a]\n");

        Assert.Contains("not valid YAML: ", message);
        Assert.DoesNotContain("Idx:", message);
    }
}
