using System.Collections;
using StarrOps.Core;
using StarrOps.Core.Config;

using StarrOps.Tests.Support;

namespace StarrOps.Tests.Reconcile;

/// <summary>
/// What a user reads when a declaration is wrong: each problem is one line naming the file, line and column, the exact
/// YAML path of the value (<c>sonarr.downloadClients[0].fields</c>), what was expected and how to fix it.
/// </summary>
public sealed class YamlErrorMessageTests
{
    private static Hashtable Env(params (string Name, string Value)[] more) => StackEnvironment.Declared(more);

    /// <summary>The problem lines of the error the file raises, without the indentation.</summary>
    private static IReadOnlyList<string> ProblemLines(string yaml, Hashtable? env = null, string source = "stack.yaml")
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse(yaml, env ?? Env(), source));
        return error.Message.Split('\n').Skip(1).Select(l => l.Trim()).ToList();
    }

    /// <summary>Exactly these problems, in any order (a problem's place in the list is reading order, not a promise).</summary>
    private static void AssertProblems(string[] expected, IReadOnlyList<string> actual) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));

    private const string Kinds = "Sonarr, Radarr, Lidarr, Readarr, Prowlarr, Bazarr, Jellyseerr, Jellyfin, QBittorrent, Sabnzbd, Gluetun";

    [Fact]
    public void A_file_that_is_not_one_mapping_says_what_the_top_level_holds()
    {
        AssertProblems(["stack.yaml:1:1: the top level must be a mapping (standardWiring:, instances:, and one section per instance)."],
            ProblemLines("- sonarr\n- radarr\n"));
        AssertProblems(["stack.yaml:3:1: the file holds more than one YAML document (---); StarrOps reads one."],
            ProblemLines("standardWiring: false\n---\nsonarr: {}\n"));
        AssertProblems(["stack.yaml:1:12 instances: expects a mapping of instance name to { kind, url, apiKey … }."],
            ProblemLines("instances: [sonarr]\n"));
    }

    [Fact]
    public void A_parser_error_names_its_line_and_column_and_the_parsers_reason_alone()
    {
        AssertProblems(["stack.yaml:4:4: not valid YAML: While parsing a block mapping, did not find expected key."],
            ProblemLines("sonarr:\n  rootFolders:\n    - /tv\n   tags: [a]\n"));
    }

    [Fact]
    public void An_unclosed_flow_list_points_near_where_the_parser_stopped()
    {
        var problem = Assert.Single(ProblemLines("sonarr:\n  tags: [a, b\n  rootFolders: [/tv]\n"));
        Assert.StartsWith("stack.yaml:2:11: not valid YAML near here (an unclosed [ or {?): ", problem);
    }

    [Fact]
    public void Instance_entry_problems_name_the_entry_and_the_fix()
    {
        var lines = ProblemLines("""
            instances:
              instances: { kind: Sonarr, url: "http://x:8989" }
              sonarr-a: http://sonarr-a:8989
              lidarr: { kind: Lidar, url: "http://lidarr:8686" }
              media: { url: "http://media:8080" }
              radarr-b: { url: "http://radarr-b:7878", timeoutSeconds: 0 }
              lidarr-c: { kind: Lidarr }
            """);

        AssertProblems([
            "stack.yaml:2:3 instances.instances: 'instances' is a reserved key and can't name an instance.",
            "stack.yaml:3:13 instances.sonarr-a: expects a mapping such as { kind: Sonarr, url: http://sonarr:8989, apiKey: !env SONARR_API_KEY }.",
            $"stack.yaml:4:19 instances.lidarr.kind: 'Lidar' is not a kind StarrOps knows (did you mean 'Lidarr'?). Kinds: {Kinds}.",
            $"stack.yaml:5:10 instances.media: needs kind: (one of {Kinds}); it can't be told from the name 'media'.",
            "stack.yaml:6:60 instances.radarr-b.timeoutSeconds: must be more than 0.",
            "stack.yaml:7:13 instances.lidarr-c: needs url: (e.g. http://lidarr-c:8686), or set LIDARR_C_URL.",
        ], lines);
    }

    [Fact]
    public void A_value_of_the_wrong_shape_says_what_it_is_and_what_was_expected()
    {
        var lines = ProblemLines("""
            instances:
              sonarr:
                apiKey: [a, b]
                username: { a: b }
                timeoutSeconds: soon
                skipCertificateCheck: !env FLAG
              radarr:
                skipCertificateCheck: [yes]
                timeoutSeconds: { a: 1 }
              prowlarr:
                skipCertificateCheck: { a: 1 }
              lidarr:
                url: "http://lidarr:8686"
                skipCertificateCheck: !!str maybe
                tags: [a]
              readarr:
                url: "not a url"
            """, Env(("FLAG", "maybe")));

        AssertProblems([
            "stack.yaml:3:13 instances.sonarr.apiKey: expects a single value, e.g. !env SONARR_API_KEY.",
            "stack.yaml:4:15 instances.sonarr.username: expects a single value, not a list or mapping.",
            "stack.yaml:5:21 instances.sonarr.timeoutSeconds: expects a number, not 'soon'.",
            "stack.yaml:6:27 instances.sonarr.skipCertificateCheck: expects true or false, not '!env FLAG'.",
            "stack.yaml:8:27 instances.radarr.skipCertificateCheck: expects true or false, not 'a list'.",
            "stack.yaml:9:21 instances.radarr.timeoutSeconds: expects a number, not 'a mapping'.",
            "stack.yaml:11:27 instances.prowlarr.skipCertificateCheck: expects true or false, not 'a mapping'.",
            "stack.yaml:14:27 instances.lidarr.skipCertificateCheck: expects true or false, not 'maybe'.",
            "stack.yaml:15:5 instances.lidarr.tags: unknown key 'tags'. Valid keys: kind, url, internalUrl, apiKey, username, password, timeoutSeconds, skipCertificateCheck.",
            "stack.yaml:17:10 instances.readarr.url: 'not a url' is not an absolute http:// or https:// URL (e.g. http://sonarr.media.svc.cluster.local:8989).",
        ], lines);
    }

    [Fact]
    public void A_reference_without_a_name_or_to_an_unreadable_file_says_how_to_write_it()
    {
        var missing = "/nonexistent-starrops-dir/sonarr.key";
        var lines = ProblemLines($"""
            instances:
              sonarr:
                apiKey: !env ""
                password: !file ""
              radarr:
                apiKey: !file {missing}
            """);

        AssertProblems([
            "stack.yaml:3:13 instances.sonarr.apiKey: !env needs a variable name, e.g. !env SONARR_API_KEY.",
            "stack.yaml:4:15 instances.sonarr.password: !file needs a path, e.g. !file /run/secrets/sonarr-api-key.",
            $"stack.yaml:6:13 instances.radarr.apiKey: file {missing} can't be read (referenced by !file {missing}): DirectoryNotFound.",
        ], lines);
    }

    [Fact]
    public void Section_problems_name_the_section_and_its_valid_keys()
    {
        var lines = ProblemLines("""
            standardWiring: false
            qbittorrent: { tags: [a] }
            sonarr: [a]
            radarr:
              RootFolders: [/movies]
              zzzzzzzz: 1
              jellyfin: jellyfin
              tags: [[a]]
              deleteUnmanaged: [rootFolders]
            """, Env(("QBITTORRENT_URL", "http://qbittorrent:8080")));

        const string arrKeys = "standardWiring, tags, rootFolders, downloadClients, notifications, deleteUnmanaged";
        AssertProblems([
            "stack.yaml:2:14 qbittorrent: 'qbittorrent' is QBittorrent: StarrOps configures nothing inside QBittorrent itself (it is wired into the other apps). Remove this section.",
            $"stack.yaml:3:9 sonarr: expects a mapping with keys {arrKeys}.",
            $"stack.yaml:5:3 radarr.RootFolders: unknown key 'RootFolders' (did you mean 'rootFolders'?). Valid keys: {arrKeys}.",
            $"stack.yaml:6:3 radarr.zzzzzzzz: unknown key 'zzzzzzzz'. Valid keys: {arrKeys}.",
            $"stack.yaml:7:3 radarr.jellyfin: unknown key 'jellyfin' (Radarr instances don't take 'jellyfin'). Valid keys: {arrKeys}.",
            "stack.yaml:8:10 radarr.tags[0]: expects a single value, not a list or mapping.",
            "stack.yaml:9:20 radarr.deleteUnmanaged: expects a mapping such as { downloadClients: true, ignore: [\"Manual *\"] }.",
        ], lines);
    }

    [Fact]
    public void Root_folder_problems_name_the_entry_and_ask_for_an_absolute_path()
    {
        var lines = ProblemLines("""
            standardWiring: false
            radarr:
              rootFolders:
                - [a]
                - { name: Films }
                - movies
                - { path: films }
            sonarr:
              rootFolders: /tv
            """);

        AssertProblems([
            "stack.yaml:4:7 radarr.rootFolders[0]: expects a path such as /data/media/tv, or { path, name, qualityProfileId, metadataProfileId }.",
            "stack.yaml:5:7 radarr.rootFolders[1]: needs path:.",
            "stack.yaml:6:7 radarr.rootFolders[2]: 'movies' is not an absolute path inside the app's container (e.g. /data/media/tv).",
            "stack.yaml:7:15 radarr.rootFolders[3].path: 'films' is not an absolute path inside the app's container (e.g. /data/media/tv).",
            "stack.yaml:9:16 sonarr.rootFolders: expects a list (one '- ' entry per item).",
        ], lines);
    }

    [Fact]
    public void Provider_problems_name_the_entry_and_the_implementations_to_choose_from()
    {
        var lines = ProblemLines("""
            standardWiring: false
            sonarr:
              downloadClients:
                - qBit
                - { name: A }
                - { name: B, implementation: QBittorrent, fields: [host] }
                - { name: C, implementation: QBittorrent, extra: { a: 1 } }
              notifications:
                - { name: N }
            prowlarr:
              indexers:
                - nyaa
                - { definition: nyaasi }
                - { name: X }
              indexerProxies:
                - { name: P }
            """);

        AssertProblems([
            "stack.yaml:4:7 sonarr.downloadClients[0]: expects a download client mapping: { name, implementation, fields: { … } }.",
            "stack.yaml:5:7 sonarr.downloadClients[1]: a download client needs implementation: (e.g. QBittorrent, Sabnzbd; Get-StarrSchema lists them).",
            "stack.yaml:6:55 sonarr.downloadClients[2].fields: expects a mapping of field name to value, e.g. { host: qbittorrent, port: 8080 }.",
            "stack.yaml:7:47 sonarr.downloadClients[3].extra: 'extra' holds a mapping: the settings of the implementation go under fields:, other keys are top-level properties with plain values (onGrab: true, priority: 1).",
            "stack.yaml:9:7 sonarr.notifications[0]: a notification needs implementation: (e.g. Webhook; Get-StarrSchema lists them).",
            "stack.yaml:12:7 prowlarr.indexers[0]: expects a indexer mapping: { name, definition, fields: { … } }.",
            "stack.yaml:13:7 prowlarr.indexers[1]: a indexer needs name:.",
            "stack.yaml:14:7 prowlarr.indexers[2]: a indexer needs definition: (e.g. Generic Torznab, Generic Newznab, or a Cardigann definition; Get-StarrSchema lists them).",
            "stack.yaml:16:7 prowlarr.indexerProxies[0]: a indexer proxy needs implementation: (e.g. FlareSolverr, Http, Socks5; Get-StarrSchema lists them).",
        ], lines);
    }

    [Fact]
    public void Application_problems_name_the_entry_and_the_apps_prowlarr_links()
    {
        var lines = ProblemLines("""
            standardWiring: false
            prowlarr:
              applications:
                - [sonarr]
                - { syncLevel: fullSync }
                - { app: sonarr, syncCategories: { tv: 5000 } }
                - prowlarr
                - { name: Whisparr, fields: { baseUrl: "http://whisparr:6969" } }
            """);

        AssertProblems([
            "stack.yaml:4:7 prowlarr.applications[0]: expects an instance name or { app, syncLevel, syncCategories, tags }.",
            "stack.yaml:5:7 prowlarr.applications[1]: needs app: (an instance name), or name:, implementation: and fields: { baseUrl, apiKey } for an app StarrOps does not know.",
            "stack.yaml:6:38 prowlarr.applications[2].syncCategories: expects a list of numbers, e.g. [5000, 5040].",
            "stack.yaml:7:7 prowlarr.applications[3]: 'prowlarr' is Prowlarr; Prowlarr links to Sonarr, Radarr, Lidarr and Readarr instances only.",
            "stack.yaml:8:7 prowlarr.applications[4]: needs app: (an instance name), or name:, implementation: and fields: { baseUrl, apiKey } for an app StarrOps does not know.",
        ], lines);
    }

    [Fact]
    public void Jellyseerr_problems_name_the_link_and_the_instances_it_could_be()
    {
        var env = Env(("JELLYSEERR_URL", "http://jellyseerr:5055"), ("JELLYSEERR_API_KEY", "jellyseerr-key-0123456789"),
            ("JELLYFIN_URL", "http://jellyfin:8096"));
        var lines = ProblemLines("""
            standardWiring: false
            jellyseerr:
              jellyfin: jellyfn
              sonarr:
                - [a]
                - { name: Series }
              radarr: [films]
            """, env);

        AssertProblems([
            "stack.yaml:3:13 jellyseerr.jellyfin: 'jellyfn' is not a known Jellyfin instance (did you mean 'jellyfin'?). Known: jellyfin.",
            "stack.yaml:5:7 jellyseerr.sonarr[0]: expects a Sonarr instance name or { app, qualityProfile, rootFolder, is4k, default }.",
            "stack.yaml:6:7 jellyseerr.sonarr[1]: needs app: (a Sonarr instance name).",
            "stack.yaml:7:12 jellyseerr.radarr[0]: 'films' is not a known Radarr instance. Known: radarr.",
        ], lines);
    }
}
