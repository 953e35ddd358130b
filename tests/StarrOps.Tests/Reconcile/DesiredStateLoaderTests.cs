using System.Collections;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;

namespace StarrOps.Tests.Reconcile;

public sealed class DesiredStateLoaderTests
{
    internal static Hashtable Env(params (string Name, string Value)[] variables)
    {
        var table = new Hashtable();
        foreach (var (name, value) in variables) table[name] = value;
        return table;
    }

    private static Hashtable StackEnv(params (string Name, string Value)[] more)
    {
        var table = Env(
            ("SONARR_URL", "http://sonarr.media.svc.cluster.local:8989"), ("SONARR_API_KEY", "sonarr-key-0123456789"),
            ("RADARR_URL", "http://radarr:7878"), ("RADARR_API_KEY", "radarr-key-0123456789"),
            ("PROWLARR_URL", "http://prowlarr:9696"), ("PROWLARR_API_KEY", "prowlarr-key-0123456789"),
            ("QBITTORRENT_URL", "http://qbittorrent:8080"), ("QBITTORRENT_USERNAME", "admin"), ("QBITTORRENT_PASSWORD", "qbit-pass-0123456789"));
        foreach (var (name, value) in more) table[name] = value;
        return table;
    }

    [Fact]
    public void Given_instances_join_the_environment_and_win_by_name()
    {
        var given = new StarrInstance("sonarr", ServiceKind.Sonarr, new Uri("http://sonarr.media.svc.cluster.local:8989"), new Secret("given-sonarr-key-0001")) { Source = "Kubernetes" };
        var extra = new StarrInstance("radarr", ServiceKind.Radarr, new Uri("http://radarr.media.svc.cluster.local:7878"), new Secret("given-radarr-key-0001")) { Source = "Kubernetes" };

        var state = DesiredStateLoader.Load(null, Env(("SONARR_URL", "http://localhost:8989"), ("SONARR_API_KEY", "env-sonarr-key-0001")), [given, extra]);

        var sonarr = Assert.Single(state.Instances, i => i.Name == "sonarr");
        Assert.Equal("sonarr.media.svc.cluster.local", sonarr.Url.Host);
        Assert.Equal("Kubernetes", sonarr.Source);
        Assert.Contains(state.Instances, i => i.Name == "radarr");
        Assert.Contains(state.Configs, c => c.Instance == "radarr"); // the standard wiring applies to given instances too
    }

    [Fact]
    public void Environment_alone_gives_the_standard_wiring()
    {
        var state = DesiredStateLoader.Load(null, StackEnv());

        Assert.Equal(["prowlarr", "qbittorrent", "radarr", "sonarr"], state.Instances.Select(i => i.Name).Order());
        var sonarr = state.FindConfig("sonarr")!;
        Assert.Equal("/data/media/tv", Assert.Single(sonarr.RootFolders).Path);
        var client = Assert.Single(sonarr.DownloadClients);
        Assert.Equal(("qBittorrent", "QBittorrent"), (client.Name, client.Implementation));
        Assert.Equal("qbittorrent", client.Fields["host"]);
        Assert.Equal(8080L, client.Fields["port"]);
        Assert.Equal("admin", client.Fields["username"]);
        Assert.IsType<Secret>(client.Fields["password"]);
        Assert.Equal("/data/media/movies", Assert.Single(state.FindConfig("radarr")!.RootFolders).Path);

        var applications = state.FindConfig("prowlarr")!.Applications;
        Assert.Equal(["radarr", "sonarr"], applications.Select(a => a.App!).Order());
        Assert.All(applications, a => Assert.Equal(SyncLevel.FullSync, a.SyncLevel));
        Assert.True(state.FindConfig("qbittorrent")!.IsEmpty);
    }

    [Fact]
    public void Root_folders_follow_the_override_variables()
    {
        var state = DesiredStateLoader.Load(null, StackEnv(
            ("STARR_ROOT_TV", "/media/series"),
            ("SONARR_4K_URL", "http://sonarr-4k:8989"), ("SONARR_4K_API_KEY", "sonarr4k-key-0123456789"), ("SONARR_4K_ROOT_FOLDER", "/media/series-4k")));

        Assert.Equal("/media/series", Assert.Single(state.FindConfig("sonarr")!.RootFolders).Path);
        Assert.Equal("/media/series-4k", Assert.Single(state.FindConfig("sonarr-4k")!.RootFolders).Path);
        Assert.Equal("/data/media/movies", Assert.Single(state.FindConfig("radarr")!.RootFolders).Path);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_variable_is_read_in_any_case_and_the_upper_case_spelling_wins(bool upperFirst)
    {
        // On Linux both spellings can exist; which the environment lists first must not matter.
        var env = new System.Collections.Specialized.OrderedDictionary();
        foreach (DictionaryEntry entry in StackEnv()) env[entry.Key] = entry.Value;
        (string, string)[] spellings = [("STARR_ROOT_TV", "/media/upper"), ("starr_root_tv", "/media/lower")];
        foreach (var (name, value) in upperFirst ? spellings : spellings.Reverse()) env[name] = value;
        env["starr_root_movies"] = "/media/films";

        var state = DesiredStateLoader.Load(null, env);

        Assert.Equal("/media/upper", Assert.Single(state.FindConfig("sonarr")!.RootFolders).Path);
        Assert.Equal("/media/films", Assert.Single(state.FindConfig("radarr")!.RootFolders).Path);
    }

    [Fact]
    public void Nothing_configured_says_what_to_set()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Load(null, Env(("HOME", "/root"))));
        Assert.Contains("SONARR_URL", error.Message);
        Assert.Contains("SONARR_API_KEY", error.Message);
        Assert.Contains("-Path", error.Message);
    }

    [Fact]
    public void Config_path_comes_from_STARR_CONFIG_and_a_missing_file_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), "starrops-missing-" + Guid.NewGuid().ToString("N") + ".yaml");
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Load(null, StackEnv(("STARR_CONFIG", missing))));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Env_and_file_references_resolve_to_secrets()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), "starrops-key-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(keyFile, "file-key-abcdef0123456789\n");
        try
        {
            var state = DesiredStateLoader.Parse($"""
                instances:
                  sonarr-4k: {"{"} url: "http://sonarr-4k:8989", apiKey: !file {keyFile} {"}"}
                  radarr: {"{"} kind: Radarr, url: "http://radarr:7878", apiKey: !env MY_RADARR_KEY {"}"}
                """, Env(("MY_RADARR_KEY", "env-key-abcdef0123456789")));

            var sonarr4k = state.FindInstance("sonarr-4k")!;
            Assert.Equal(ServiceKind.Sonarr, sonarr4k.Kind); // told from the name
            Assert.Equal(new Secret("file-key-abcdef0123456789"), sonarr4k.ApiKey); // without the file's newline
            Assert.Equal(new Secret("env-key-abcdef0123456789"), state.FindInstance("radarr")!.ApiKey);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public void A_missing_variable_is_named_with_its_path_and_line()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("""
            instances:
              sonarr:
                url: http://sonarr:8989
                apiKey: !env SONARR_KEY_THAT_IS_NOT_SET
            """, Env(), "stack.yaml"));

        Assert.Contains("stack.yaml:4:13 instances.sonarr.apiKey", error.Message);
        Assert.Contains("SONARR_KEY_THAT_IS_NOT_SET", error.Message);
        Assert.Contains("not set", error.Message);
    }

    [Fact]
    public void Unknown_keys_are_named_with_line_and_nearest_valid_key()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("""
            sonarr:
              rootFolder: [/data/media/tv]
              downloadClients:
                - name: qBittorrent
                  implmentation: QBittorrent
            """, StackEnv(), "stack.yaml"));

        Assert.Contains("stack.yaml:2:3 sonarr.rootFolder: unknown key 'rootFolder' (did you mean 'rootFolders'?)", error.Message);
        Assert.Contains("stack.yaml:5:7 sonarr.downloadClients[0].implmentation: unknown key 'implmentation' (did you mean 'implementation'?)", error.Message);
        Assert.Contains("2 problems", error.Message);
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_instance_it_resembles()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("sonar:\n  rootFolders: [/tv]\n", StackEnv(), "stack.yaml"));
        Assert.Contains("stack.yaml:1:1 sonar:", error.Message);
        Assert.Contains("did you mean 'sonarr'?", error.Message);
    }

    [Fact]
    public void Malformed_yaml_reports_the_parsers_line_and_column()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("sonarr:\n  rootFolders:\n    - /tv\n   tags: [a]\n", StackEnv(), "stack.yaml"));
        Assert.Contains("stack.yaml:4:", error.Message);
        Assert.Contains("not valid YAML", error.Message);
    }

    [Fact]
    public void An_unclosed_flow_list_is_reported_with_a_line()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("sonarr:\n  tags: [a, b\n  rootFolders: [/tv]\n", StackEnv(), "stack.yaml"));
        Assert.Matches(@"stack\.yaml:\d+:\d+", error.Message);
        Assert.Contains("not valid YAML", error.Message);
    }

    [Fact]
    public void A_section_key_of_another_kind_is_rejected()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("sonarr:\n  applications: [radarr]\n", StackEnv(), "stack.yaml"));
        Assert.Contains("sonarr.applications", error.Message);
        Assert.Contains("Sonarr instances don't take 'applications'", error.Message);
    }

    [Fact]
    public void Sync_level_and_app_names_are_checked()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("""
            prowlarr:
              applications:
                - app: sonarr
                  syncLevel: full
                - app: radar
            """, StackEnv(), "stack.yaml"));
        Assert.Contains("stack.yaml:4:18 prowlarr.applications[0].syncLevel: 'full' is not a sync level. Valid: disabled, addOnly, fullSync.", error.Message);
        Assert.Contains("prowlarr.applications[1].app: 'radar' is not a known instance (did you mean 'radarr'?)", error.Message);
    }

    [Fact]
    public void Yaml_entries_merge_over_the_standard_wiring_field_by_field()
    {
        var state = DesiredStateLoader.Parse("""
            sonarr:
              tags: [4k]
              rootFolders: [/data/media/anime]
              downloadClients:
                - name: qBittorrent
                  implementation: QBittorrent
                  priority: 5
                  tags: [4k]
                  fields: { tvCategory: tv-hd }
              notifications:
                - name: Pulsarr
                  implementation: Webhook
                  onGrab: true
                  onDownload: true
                  fields: { url: "http://pulsarr.media.svc.cluster.local:3003/v1/notifications/webhook", method: POST }
            prowlarr:
              applications:
                - app: sonarr
                  syncCategories: [5000, 5040]
            """, StackEnv());

        var sonarr = state.FindConfig("sonarr")!;
        Assert.Equal(["/data/media/tv", "/data/media/anime"], sonarr.RootFolders.Select(r => r.Path));
        var client = Assert.Single(sonarr.DownloadClients);
        Assert.Equal("qbittorrent", client.Fields["host"]); // from the standard wiring
        Assert.Equal("tv-hd", client.Fields["tvCategory"]); // from the file
        Assert.Equal(5L, client.Properties["priority"]);
        Assert.Equal(["4k"], client.Tags);
        Assert.False(client.Origin.IsStandardWiring);
        var webhook = Assert.Single(sonarr.Notifications);
        Assert.Equal(true, webhook.Properties["onGrab"]);
        Assert.Equal("POST", webhook.Fields["method"]);

        var sonarrApp = state.FindConfig("prowlarr")!.Applications.Single(a => a.App == "sonarr");
        Assert.Equal([5000, 5040], sonarrApp.SyncCategories);
        Assert.Equal(SyncLevel.FullSync, sonarrApp.SyncLevel);
        Assert.Contains(state.FindConfig("prowlarr")!.Applications, a => a.App == "radarr");
    }

    [Fact]
    public void A_declared_client_at_the_standard_clients_address_takes_its_place()
    {
        var state = DesiredStateLoader.Parse("""
            radarr:
              downloadClients:
                - { name: Torrents, implementation: QBittorrent, fields: { host: qbittorrent, port: 8080, movieCategory: films } }
            """, StackEnv());

        var client = Assert.Single(state.FindConfig("radarr")!.DownloadClients);
        Assert.Equal("Torrents", client.Name);
        Assert.Equal("films", client.Fields["movieCategory"]);
        Assert.IsType<Secret>(client.Fields["password"]); // still the standard wiring's credentials
    }

    [Fact]
    public void Standard_wiring_can_be_switched_off_per_instance_or_everywhere()
    {
        var perInstance = DesiredStateLoader.Parse("sonarr:\n  standardWiring: false\n  rootFolders: [/tv]\n", StackEnv());
        Assert.Equal("/tv", Assert.Single(perInstance.FindConfig("sonarr")!.RootFolders).Path);
        Assert.Empty(perInstance.FindConfig("sonarr")!.DownloadClients);
        Assert.NotEmpty(perInstance.FindConfig("radarr")!.DownloadClients);

        var everywhere = DesiredStateLoader.Parse("standardWiring: false\n", StackEnv());
        Assert.All(everywhere.Configs, c => Assert.True(c.IsEmpty));
    }

    [Fact]
    public void Yaml_instances_override_the_environment_key_by_key()
    {
        var state = DesiredStateLoader.Parse("""
            instances:
              sonarr: { internalUrl: "http://sonarr.media:8989", timeoutSeconds: 5 }
              series: { kind: Sonarr, url: "http://series:8989", apiKey: !env SERIES_KEY }
            """, StackEnv(("SERIES_KEY", "series-key-0123456789")));

        var sonarr = state.FindInstance("sonarr")!;
        Assert.Equal(new Uri("http://sonarr.media.svc.cluster.local:8989"), sonarr.Url); // still the environment's
        Assert.Equal(new Secret("sonarr-key-0123456789"), sonarr.ApiKey);
        Assert.Equal(TimeSpan.FromSeconds(5), sonarr.Timeout);
        Assert.Equal(new Uri("http://sonarr.media:8989"), state.InternalUrl(sonarr));
        Assert.Equal(ServiceKind.Sonarr, state.FindInstance("series")!.Kind);
        // The standard wiring covers instances from the file too.
        Assert.Contains(state.FindConfig("prowlarr")!.Applications, a => a.App == "series");
    }

    [Fact]
    public void Kind_conflicting_with_the_environment_is_an_error()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("instances:\n  sonarr: { kind: Radarr }\n", StackEnv(), "stack.yaml"));
        Assert.Contains("stack.yaml:2:19 instances.sonarr.kind: is Radarr, but the environment defines 'sonarr' as Sonarr.", error.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("""
            instances:
              extra: { url: "not a url" }
            sonarr:
              tags: { a: b }
              downloadClients:
                - implementation: QBittorrent
            radarr:
              deleteUnmanaged: { downloadClients: maybe }
            """, StackEnv(), "stack.yaml"));

        Assert.Contains("instances.extra", error.Message); // no kind can be told from "extra"
        Assert.Contains("sonarr.tags: expects a list", error.Message);
        Assert.Contains("sonarr.downloadClients[0]: a download client needs name:", error.Message);
        Assert.Contains("radarr.deleteUnmanaged.downloadClients: expects true or false, not 'maybe'", error.Message);
    }

    [Fact]
    public void Inline_values_under_secret_keys_become_secrets_and_never_print()
    {
        var state = DesiredStateLoader.Parse("""
            sonarr:
              downloadClients:
                - name: SAB
                  implementation: Sabnzbd
                  fields: { host: sab, apiKey: inline-sab-key-0123456789 }
            """, StackEnv());

        var client = state.FindConfig("sonarr")!.DownloadClients.Single(c => c.Name == "SAB");
        var key = Assert.IsType<Secret>(client.Fields["apiKey"]);
        Assert.Equal("(secret)", key.ToString());
        Assert.DoesNotContain("inline-sab-key", client.ToString());
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => DesiredStateLoader.Parse("""
            sonarr:
              notifications:
                - { name: Hook, implementation: Webhook }
                - { name: hook, implementation: Webhook }
            """, StackEnv(), "stack.yaml"));
        Assert.Contains("stack.yaml:4:7 sonarr.notifications[1]: notification 'hook' is declared more than once", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Provider_kinds_and_unmanaged_policy_are_read()
    {
        var state = DesiredStateLoader.Parse("""
            sonarr:
              deleteUnmanaged: { downloadClients: true, notifications: true, ignore: ["Manual *"] }
            """, StackEnv());
        var policy = state.FindConfig("sonarr")!.DeleteUnmanaged;
        Assert.True(policy.DownloadClients && policy.Notifications && !policy.RootFolders);
        Assert.Equal(["Manual *"], policy.Ignore);
        Assert.All(state.FindConfig("sonarr")!.DownloadClients, c => Assert.Equal(ProviderKind.DownloadClient, c.Kind));
    }

    [Fact]
    public void An_empty_file_is_the_environment_alone()
    {
        var fromFile = DesiredStateLoader.Parse("# nothing yet\n", StackEnv());
        var fromEnvironment = DesiredStateLoader.Load(null, StackEnv());
        Assert.Equal(fromEnvironment.Instances.Select(i => i.Name), fromFile.Instances.Select(i => i.Name));
        Assert.Equal(fromEnvironment.Configs.Sum(c => c.RootFolders.Count + c.DownloadClients.Count + c.Applications.Count),
            fromFile.Configs.Sum(c => c.RootFolders.Count + c.DownloadClients.Count + c.Applications.Count));
    }
}
