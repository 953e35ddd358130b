using System.Globalization;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StarrOps.Core.Config;

/// <summary>An instance as the YAML declares it; anything left null comes from the environment.</summary>
internal sealed record InstanceDeclaration(string Name, ServiceKind Kind, ConfigOrigin Origin)
{
    public Uri? Url { get; init; }
    public Uri? InternalUrl { get; init; }
    public Secret? ApiKey { get; init; }
    public string? UserName { get; init; }
    public Secret? Password { get; init; }
    public TimeSpan? Timeout { get; init; }
    public bool? SkipCertificateCheck { get; init; }
}

/// <summary>A per-instance section as the YAML declares it.</summary>
internal sealed record SectionDeclaration(InstanceConfig Config, bool? StandardWiring);

/// <summary>What a YAML file says, validated, with no YAML types left in it.</summary>
internal sealed record ParsedConfig(bool? StandardWiring, IReadOnlyList<InstanceDeclaration> Instances, IReadOnlyList<SectionDeclaration> Sections);

/// <summary>
/// Reads a configuration file with YamlDotNet's representation model (not its object mapper), so every
/// message can name the YAML path and line, and the <c>!env NAME</c> / <c>!file PATH</c> tags resolve
/// to values (secrets become <see cref="Secret"/>s). Collects every problem, then throws once.
/// This is the only class that loads YamlDotNet when reading a configuration.
/// </summary>
internal sealed class YamlConfigReader
{
    private const string EnvTag = "!env";
    private const string FileTag = "!file";

    private readonly string _source;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly List<ConfigProblem> _problems = [];
    // Instances known so far (environment, then the YAML's instances:), by name.
    private readonly Dictionary<string, ServiceKind> _kinds = new(StringComparer.OrdinalIgnoreCase);

    private YamlConfigReader(string source, IReadOnlyDictionary<string, string> environment)
    {
        _source = source;
        _environment = environment;
    }

    /// <param name="source">The file's path, used in messages.</param>
    /// <param name="environmentInstances">Instances the environment defines: a section may configure them without an instances: entry.</param>
    public static ParsedConfig Read(string source, string text, IReadOnlyDictionary<string, string> environment, IReadOnlyList<StarrInstance> environmentInstances)
    {
        var reader = new YamlConfigReader(source, environment);
        foreach (var instance in environmentInstances) reader._kinds[instance.Name] = instance.Kind;
        var parsed = reader.ReadDocument(text, environmentInstances);
        if (reader._problems.Count > 0) throw ConfigProblem.ToException(source, reader._problems);
        return parsed;
    }

    private ParsedConfig ReadDocument(string text, IReadOnlyList<StarrInstance> environmentInstances)
    {
        var empty = new ParsedConfig(null, [], []);
        var parser = new Parser(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            Problem(ex.Start, "", $"not valid YAML: {Clean(ex.Message)}");
            return empty;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these for some malformed input (an unterminated flow list); the parser still knows where it was.
            var mark = parser.Current?.End ?? Mark.Empty;
            Problem(mark, "", $"not valid YAML near here (an unclosed [ or {{?): {ex.Message}");
            return empty;
        }

        if (stream.Documents.Count == 0) return empty;
        if (stream.Documents.Count > 1) Problem(stream.Documents[1].RootNode.Start, "", "the file holds more than one YAML document (---); StarrOps reads one.");
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" }) return empty;
        if (root is not YamlMappingNode rootMap)
        {
            Problem(root, "", "the top level must be a mapping (standardWiring:, instances:, and one section per instance).");
            return empty;
        }

        bool? standardWiring = null;
        var declarations = new List<InstanceDeclaration>();
        if (Child(rootMap, ConfigKeys.StandardWiring) is { } wiringNode) standardWiring = ReadBool(wiringNode, ConfigKeys.StandardWiring);
        if (Child(rootMap, ConfigKeys.Instances) is { } instancesNode) declarations.AddRange(ReadInstances(instancesNode, environmentInstances));

        var sections = new List<SectionDeclaration>();
        foreach (var (keyNode, value) in rootMap.Children)
        {
            var key = KeyText(keyNode);
            if (key is ConfigKeys.StandardWiring or ConfigKeys.Instances) continue;
            if (!_kinds.TryGetValue(key, out var kind))
            {
                var candidates = ConfigKeys.Root.Concat(_kinds.Keys).ToList();
                var nearest = ProviderEditor.Nearest(key, candidates);
                Problem(keyNode, key, $"'{key}' is neither a top-level key nor a known instance{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}. " +
                                      $"Top-level keys: {string.Join(", ", ConfigKeys.Root)}; instances: {(_kinds.Count == 0 ? "none (declare them under instances: or set SONARR_URL …)" : string.Join(", ", _kinds.Keys.Order()))}.");
                continue;
            }
            var name = _kinds.Keys.First(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (ReadSection(name, kind, value, key) is { } section) sections.Add(section);
        }
        return new ParsedConfig(standardWiring, declarations, sections);
    }

    // ---- instances: ----

    private IEnumerable<InstanceDeclaration> ReadInstances(YamlNode node, IReadOnlyList<StarrInstance> environmentInstances)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" }) yield break;
        if (node is not YamlMappingNode map)
        {
            Problem(node, ConfigKeys.Instances, "expects a mapping of instance name to { kind, url, apiKey … }.");
            yield break;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var name = KeyText(keyNode);
            var path = $"{ConfigKeys.Instances}.{name}";
            if (!IsValidInstanceName(name))
            {
                Problem(keyNode, path, $"'{name}' is not a valid instance name: use letters, digits and '-' (e.g. sonarr-4k).");
                continue;
            }
            if (name is ConfigKeys.StandardWiring or ConfigKeys.Instances)
            {
                Problem(keyNode, path, $"'{name}' is a reserved key and can't name an instance.");
                continue;
            }
            if (value is not YamlMappingNode entry)
            {
                Problem(value, path, "expects a mapping such as { kind: Sonarr, url: http://sonarr:8989, apiKey: !env SONARR_API_KEY }.");
                continue;
            }
            CheckKeys(entry, path, ConfigKeys.Instance);
            var fromEnvironment = environmentInstances.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));

            ServiceKind? kind = null;
            if (Child(entry, "kind") is { } kindNode)
            {
                var text = ReadString(kindNode, path + ".kind");
                if (text is not null)
                {
                    if (ServiceKinds.TryParse(text, out var parsed)) kind = parsed;
                    else Problem(kindNode, path + ".kind", $"'{text}' is not a kind StarrOps knows{Suggest(text, Enum.GetNames<ServiceKind>())}. Kinds: {string.Join(", ", Enum.GetNames<ServiceKind>())}.");
                }
            }
            else if (fromEnvironment is not null) kind = fromEnvironment.Kind;
            else if (ServiceKinds.TryParse(name.Split('-', '_')[0], out var inferred)) kind = inferred;
            else Problem(entry, path, $"needs kind: (one of {string.Join(", ", Enum.GetNames<ServiceKind>())}); it can't be told from the name '{name}'.");

            if (kind is null) continue;
            if (fromEnvironment is not null && fromEnvironment.Kind != kind)
            {
                Problem(Child(entry, "kind") ?? entry, path + ".kind", $"is {kind}, but the environment defines '{name}' as {fromEnvironment.Kind}.");
                continue;
            }

            var url = Child(entry, "url") is { } urlNode ? ReadUrl(urlNode, path + ".url") : null;
            if (url is null && fromEnvironment is null && Child(entry, "url") is null)
                Problem(entry, path, $"needs url: (e.g. http://{name}:{kind.Value.DefaultPort()}), or set {InstanceNaming.EnvironmentStem(name)}_URL.");
            var timeoutSeconds = Child(entry, "timeoutSeconds") is { } timeoutNode ? ReadNumber(timeoutNode, path + ".timeoutSeconds") : null;
            if (timeoutSeconds is <= 0) Problem(Child(entry, "timeoutSeconds")!, path + ".timeoutSeconds", "must be more than 0.");

            _kinds[name] = kind.Value;
            yield return new InstanceDeclaration(name, kind.Value, Origin(entry, path))
            {
                Url = url,
                InternalUrl = Child(entry, "internalUrl") is { } internalNode ? ReadUrl(internalNode, path + ".internalUrl") : null,
                ApiKey = Child(entry, "apiKey") is { } keyValue ? ReadSecret(keyValue, path + ".apiKey") : null,
                UserName = Child(entry, "username") is { } userNode ? ReadString(userNode, path + ".username") : null,
                Password = Child(entry, "password") is { } passwordNode ? ReadSecret(passwordNode, path + ".password") : null,
                Timeout = timeoutSeconds is > 0 ? TimeSpan.FromSeconds(timeoutSeconds.Value) : null,
                SkipCertificateCheck = Child(entry, "skipCertificateCheck") is { } skipNode ? ReadBool(skipNode, path + ".skipCertificateCheck") : null,
            };
        }
    }

    // ---- per-instance sections ----

    private SectionDeclaration? ReadSection(string instance, ServiceKind kind, YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" }) return new SectionDeclaration(new InstanceConfig(instance, kind), null);
        var keys = ConfigKeys.SectionFor(kind);
        if (keys is null)
        {
            Problem(node, path, $"'{instance}' is {kind}: StarrOps configures nothing inside {kind} itself (it is wired into the other apps). Remove this section.");
            return null;
        }
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, $"expects a mapping with keys {string.Join(", ", keys)}.");
            return null;
        }
        CheckKeys(map, path, keys, kind);

        bool? wiring = Child(map, ConfigKeys.StandardWiring) is { } w ? ReadBool(w, $"{path}.{ConfigKeys.StandardWiring}") : null;
        var config = new InstanceConfig(instance, kind);
        if (Child(map, "tags") is { } tags) config = config with { Tags = ReadStringList(tags, path + ".tags") ?? [] };
        if (Child(map, "rootFolders") is { } folders) config = config with { RootFolders = ReadList(folders, path + ".rootFolders", ReadRootFolder) };
        if (Child(map, "downloadClients") is { } clients)
            config = config with { DownloadClients = ReadList(clients, path + ".downloadClients", (n, p) => ReadProvider(n, p, ProviderKind.DownloadClient)) };
        if (Child(map, "notifications") is { } notifications)
            config = config with { Notifications = ReadList(notifications, path + ".notifications", (n, p) => ReadProvider(n, p, ProviderKind.Notification)) };
        if (Child(map, "applications") is { } applications) config = config with { Applications = ReadList(applications, path + ".applications", ReadApplication) };
        if (Child(map, "indexers") is { } indexers)
            config = config with { Indexers = ReadList(indexers, path + ".indexers", (n, p) => ReadProvider(n, p, ProviderKind.Indexer)) };
        if (Child(map, "indexerProxies") is { } proxies)
            config = config with { IndexerProxies = ReadList(proxies, path + ".indexerProxies", (n, p) => ReadProvider(n, p, ProviderKind.IndexerProxy)) };
        if (Child(map, "deleteUnmanaged") is { } delete) config = config with { DeleteUnmanaged = ReadUnmanaged(delete, path + ".deleteUnmanaged", kind) };
        if (kind == ServiceKind.Jellyseerr) config = config with { Jellyseerr = ReadJellyseerr(map, path) };
        if (kind == ServiceKind.Bazarr) config = config with { Bazarr = ReadBazarr(map, path) };
        CheckDuplicates(config, path, map);
        return new SectionDeclaration(config, wiring);
    }

    private void CheckDuplicates(InstanceConfig config, string path, YamlMappingNode map)
    {
        void Check<T>(IEnumerable<T> items, Func<T, string> key, Func<T, ConfigOrigin> origin, string what)
        {
            foreach (var group in items.GroupBy(key, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            {
                var second = origin(group.Skip(1).First());
                _problems.Add(new ConfigProblem(second, $"{what} '{group.Key}' is declared more than once (names are unique, case-insensitively)."));
            }
        }
        Check(config.RootFolders, r => r.Path.TrimEnd('/'), r => r.Origin, "root folder");
        Check(config.DownloadClients, p => p.Name, p => p.Origin, "download client");
        Check(config.Notifications, p => p.Name, p => p.Origin, "notification");
        Check(config.Applications, a => a.Key, a => a.Origin, "application");
        Check(config.Indexers, p => p.Name, p => p.Origin, "indexer");
        Check(config.IndexerProxies, p => p.Name, p => p.Origin, "indexer proxy");
    }

    private RootFolderSpec? ReadRootFolder(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            var text = ReadString(node, path);
            return text is null ? null : ValidRootPath(node, path, text) ? new RootFolderSpec(text) { Origin = Origin(node, path) } : null;
        }
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, "expects a path such as /data/media/tv, or { path, name, qualityProfileId, metadataProfileId }.");
            return null;
        }
        CheckKeys(map, path, ConfigKeys.RootFolder);
        var folder = Child(map, "path") is { } p ? ReadString(p, path + ".path") : null;
        if (folder is null)
        {
            Problem(map, path, "needs path:.");
            return null;
        }
        if (!ValidRootPath(Child(map, "path")!, path + ".path", folder)) return null;
        return new RootFolderSpec(folder)
        {
            Name = Child(map, "name") is { } n ? ReadString(n, path + ".name") : null,
            QualityProfileId = Child(map, "qualityProfileId") is { } q ? ReadInt(q, path + ".qualityProfileId") : null,
            MetadataProfileId = Child(map, "metadataProfileId") is { } m ? ReadInt(m, path + ".metadataProfileId") : null,
            Origin = Origin(map, path),
        };
    }

    private bool ValidRootPath(YamlNode node, string path, string folder)
    {
        if (folder.StartsWith('/')) return true;
        Problem(node, path, $"'{folder}' is not an absolute path inside the app's container (e.g. /data/media/tv).");
        return false;
    }

    private ProviderSpec? ReadProvider(YamlNode node, string path, ProviderKind kind)
    {
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, $"expects a {kind.Describe()} mapping: {{ name, {(kind == ProviderKind.Indexer ? "definition" : "implementation")}, fields: {{ … }} }}.");
            return null;
        }
        // An indexer is made from a /schema template (its definition); everything else from an implementation.
        var fixedKeys = kind == ProviderKind.Indexer ? ConfigKeys.Indexer : ConfigKeys.Provider;
        var implementationKey = kind == ProviderKind.Indexer ? "definition" : "implementation";
        var name = Child(map, "name") is { } n ? ReadString(n, path + ".name") : null;
        var implementation = Child(map, implementationKey) is { } i ? ReadString(i, $"{path}.{implementationKey}") : null;
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        var misspelt = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = KeyText(keyNode);
            if (fixedKeys.Contains(key, StringComparer.Ordinal)) continue;
            var nearest = NearKey(key, fixedKeys);
            if (nearest is not null)
            {
                Problem(keyNode, $"{path}.{key}", $"unknown key '{key}' (did you mean '{nearest}'?).");
                misspelt.Add(nearest);
                continue;
            }
            if (value is YamlMappingNode)
            {
                Problem(keyNode, $"{path}.{key}", $"'{key}' holds a mapping: the settings of the implementation go under fields:, other keys are top-level properties with plain values (onGrab: true, priority: 1).");
                continue;
            }
            properties[key] = ReadValue(value, $"{path}.{key}", ConfigKeys.IsSecretKey(key));
        }
        if (name is null && !misspelt.Contains("name")) Problem(map, path, $"a {kind.Describe()} needs name:.");
        if (implementation is null && !misspelt.Contains(implementationKey))
            Problem(map, path, $"a {kind.Describe()} needs {implementationKey}: (e.g. {kind switch
            {
                ProviderKind.DownloadClient => "QBittorrent, Sabnzbd",
                ProviderKind.Indexer => "Generic Torznab, Generic Newznab, or a Cardigann definition",
                ProviderKind.IndexerProxy => "FlareSolverr, Http, Socks5",
                _ => "Webhook",
            }}; Get-StarrSchema lists them).");
        if (name is null || implementation is null) return null;
        return new ProviderSpec(kind, name, implementation)
        {
            Enable = Child(map, "enable") is { } e ? ReadBool(e, path + ".enable") : null,
            Tags = Child(map, "tags") is { } t ? ReadStringList(t, path + ".tags") : null,
            AppProfile = kind == ProviderKind.Indexer && Child(map, "appProfile") is { } profile ? ReadString(profile, path + ".appProfile") : null,
            Fields = Child(map, "fields") is { } f ? ReadFields(f, path + ".fields") : new Dictionary<string, object?>(StringComparer.Ordinal),
            Properties = properties,
            Origin = Origin(map, path),
        };
    }

    private Dictionary<string, object?> ReadFields(YamlNode node, string path)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (node is YamlScalarNode { Value: null or "" or "~" }) return fields;
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, "expects a mapping of field name to value, e.g. { host: qbittorrent, port: 8080 }.");
            return fields;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var key = KeyText(keyNode);
            fields[key] = ReadValue(value, $"{path}.{key}", ConfigKeys.IsSecretKey(key));
        }
        return fields;
    }

    private ApplicationSpec? ReadApplication(YamlNode node, string path)
    {
        if (node is YamlScalarNode)
        {
            // "- sonarr" is short for { app: sonarr }.
            var app = ReadString(node, path);
            return app is null ? null : CheckApp(node, path, app) ? new ApplicationSpec { App = app, Origin = Origin(node, path) } : null;
        }
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, "expects an instance name or { app, syncLevel, syncCategories, tags }.");
            return null;
        }
        CheckKeys(map, path, ConfigKeys.Application);
        var appName = Child(map, "app") is { } a ? ReadString(a, path + ".app") : null;
        if (appName is not null && !CheckApp(Child(map, "app")!, path + ".app", appName)) return null;
        var spec = new ApplicationSpec
        {
            App = appName is null ? null : _kinds.Keys.First(k => string.Equals(k, appName, StringComparison.OrdinalIgnoreCase)),
            Name = Child(map, "name") is { } n ? ReadString(n, path + ".name") : null,
            Implementation = Child(map, "implementation") is { } i ? ReadString(i, path + ".implementation") : null,
            SyncLevel = Child(map, "syncLevel") is { } s ? ReadSyncLevel(s, path + ".syncLevel") : null,
            SyncCategories = Child(map, "syncCategories") is { } c ? ReadIntList(c, path + ".syncCategories") : null,
            Tags = Child(map, "tags") is { } t ? ReadStringList(t, path + ".tags") : null,
            ProwlarrUrl = Child(map, "prowlarrUrl") is { } pu ? ReadUrl(pu, path + ".prowlarrUrl") : null,
            AppUrl = Child(map, "appUrl") is { } au ? ReadUrl(au, path + ".appUrl") : null,
            Enable = Child(map, "enable") is { } e ? ReadBool(e, path + ".enable") : null,
            Fields = Child(map, "fields") is { } f ? ReadFields(f, path + ".fields") : new Dictionary<string, object?>(StringComparer.Ordinal),
            Origin = Origin(map, path),
        };
        if (spec.App is null && (spec.Name is null || spec.Implementation is null))
        {
            Problem(map, path, "needs app: (an instance name), or name:, implementation: and fields: { baseUrl, apiKey } for an app StarrOps does not know.");
            return null;
        }
        return spec;
    }

    private bool CheckApp(YamlNode node, string path, string app)
    {
        if (_kinds.TryGetValue(app, out var kind))
        {
            if (kind.IsProwlarrTarget()) return true;
            Problem(node, path, $"'{app}' is {kind}; Prowlarr links to Sonarr, Radarr, Lidarr and Readarr instances only.");
            return false;
        }
        var targets = _kinds.Where(k => k.Value.IsProwlarrTarget()).Select(k => k.Key).Order().ToList();
        Problem(node, path, $"'{app}' is not a known instance{Suggest(app, targets)}. Known Sonarr/Radarr/Lidarr/Readarr instances: {(targets.Count == 0 ? "none" : string.Join(", ", targets))}.");
        return false;
    }

    private SyncLevel? ReadSyncLevel(YamlNode node, string path)
    {
        var text = ReadString(node, path);
        if (text is null) return null;
        foreach (var level in Enum.GetValues<SyncLevel>())
            if (string.Equals(level.ToApi(), text, StringComparison.OrdinalIgnoreCase)) return level;
        Problem(node, path, $"'{text}' is not a sync level. Valid: disabled, addOnly, fullSync.");
        return null;
    }

    private UnmanagedPolicy ReadUnmanaged(YamlNode node, string path, ServiceKind kind)
    {
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, "expects a mapping such as { downloadClients: true, ignore: [\"Manual *\"] }.");
            return UnmanagedPolicy.None;
        }
        var keys = kind == ServiceKind.Prowlarr ? ConfigKeys.ProwlarrDeleteUnmanaged : ConfigKeys.ArrDeleteUnmanaged;
        CheckKeys(map, path, keys, kind);
        bool Flag(string key) => Child(map, key) is { } n && keys.Contains(key) && ReadBool(n, $"{path}.{key}") == true;
        return new UnmanagedPolicy
        {
            RootFolders = Flag("rootFolders"),
            DownloadClients = Flag("downloadClients"),
            Notifications = Flag("notifications"),
            Applications = Flag("applications"),
            Indexers = Flag("indexers"),
            IndexerProxies = Flag("indexerProxies"),
            Ignore = Child(map, "ignore") is { } i ? ReadStringList(i, path + ".ignore") ?? [] : [],
        };
    }

    private JellyseerrSpec ReadJellyseerr(YamlMappingNode map, string path)
    {
        string? jellyfin = null;
        if (Child(map, "jellyfin") is { } j && ReadString(j, path + ".jellyfin") is { } name)
        {
            if (RequireInstance(j, path + ".jellyfin", name, ServiceKind.Jellyfin) is { } found) jellyfin = found;
        }
        return new JellyseerrSpec
        {
            Jellyfin = jellyfin,
            Sonarr = Child(map, "sonarr") is { } s ? ReadList(s, path + ".sonarr", (n, p) => ReadJellyseerrServer(n, p, ServiceKind.Sonarr)) : [],
            Radarr = Child(map, "radarr") is { } r ? ReadList(r, path + ".radarr", (n, p) => ReadJellyseerrServer(n, p, ServiceKind.Radarr)) : [],
            Origin = Origin(map, path),
        };
    }

    private JellyseerrServerSpec? ReadJellyseerrServer(YamlNode node, string path, ServiceKind kind)
    {
        if (node is YamlScalarNode)
        {
            var app = ReadString(node, path);
            return app is not null && RequireInstance(node, path, app, kind) is { } found ? new JellyseerrServerSpec(found) { Origin = Origin(node, path) } : null;
        }
        if (node is not YamlMappingNode map)
        {
            Problem(node, path, $"expects a {kind} instance name or {{ app, qualityProfile, rootFolder, is4k, default }}.");
            return null;
        }
        CheckKeys(map, path, ConfigKeys.JellyseerrServer);
        var appName = Child(map, "app") is { } a ? ReadString(a, path + ".app") : null;
        if (appName is null)
        {
            Problem(map, path, $"needs app: (a {kind} instance name).");
            return null;
        }
        if (RequireInstance(Child(map, "app")!, path + ".app", appName, kind) is not { } instance) return null;
        return new JellyseerrServerSpec(instance)
        {
            Name = Child(map, "name") is { } n ? ReadString(n, path + ".name") : null,
            QualityProfile = Child(map, "qualityProfile") is { } q ? ReadString(q, path + ".qualityProfile") : null,
            RootFolder = Child(map, "rootFolder") is { } r ? ReadString(r, path + ".rootFolder") : null,
            Is4k = Child(map, "is4k") is { } k ? ReadBool(k, path + ".is4k") : null,
            IsDefault = Child(map, "default") is { } d ? ReadBool(d, path + ".default") : null,
            Origin = Origin(map, path),
        };
    }

    private BazarrSpec ReadBazarr(YamlMappingNode map, string path)
    {
        string? Link(string key, ServiceKind kind) =>
            Child(map, key) is { } node && ReadString(node, $"{path}.{key}") is { } name ? RequireInstance(node, $"{path}.{key}", name, kind) : null;
        return new BazarrSpec { Sonarr = Link("sonarr", ServiceKind.Sonarr), Radarr = Link("radarr", ServiceKind.Radarr), Origin = Origin(map, path) };
    }

    private string? RequireInstance(YamlNode node, string path, string name, ServiceKind kind)
    {
        if (_kinds.TryGetValue(name, out var actual))
        {
            if (actual == kind) return _kinds.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            Problem(node, path, $"'{name}' is {actual}, not {kind}.");
            return null;
        }
        var candidates = _kinds.Where(k => k.Value == kind).Select(k => k.Key).Order().ToList();
        Problem(node, path, $"'{name}' is not a known {kind} instance{Suggest(name, candidates)}. Known: {(candidates.Count == 0 ? "none" : string.Join(", ", candidates))}.");
        return null;
    }

    // ---- values ----

    /// <summary>Any value: a scalar (typed as YAML 1.2 core does), a list or a mapping.</summary>
    private object? ReadValue(YamlNode node, string path, bool secret) => node switch
    {
        YamlScalarNode scalar => ReadScalar(scalar, path, secret),
        YamlSequenceNode sequence => sequence.Children.Select((child, i) => ReadValue(child, $"{path}[{i}]", secret)).ToList(),
        YamlMappingNode map => map.Children.ToDictionary(c => KeyText(c.Key), c => ReadValue(c.Value, $"{path}.{KeyText(c.Key)}", secret || ConfigKeys.IsSecretKey(KeyText(c.Key)))),
        _ => null,
    };

    private object? ReadScalar(YamlScalarNode node, string path, bool secret)
    {
        string? text;
        var plain = node.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (!node.Tag.IsEmpty)
        {
            switch (node.Tag.Value)
            {
                case EnvTag:
                case FileTag:
                    text = Resolve(node, path);
                    if (text is null) return null;
                    return secret ? new Secret(text) : text;
                case "tag:yaml.org,2002:str":
                    plain = false;
                    break;
                case "tag:yaml.org,2002:int":
                case "tag:yaml.org,2002:float":
                case "tag:yaml.org,2002:bool":
                case "tag:yaml.org,2002:null":
                    break;
                default:
                    Problem(node, path, $"unknown tag '{node.Tag.Value}': use !env NAME for an environment variable or !file PATH for a file's content.");
                    return null;
            }
        }
        text = node.Value ?? "";
        if (plain)
        {
            if (text is "" or "~" or "null" or "Null" or "NULL") return null;
            if (text is "true" or "True" or "TRUE") return true;
            if (text is "false" or "False" or "FALSE") return false;
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
            if (text.Any(char.IsDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return real;
        }
        if (secret && text.Length > 0) return new Secret(text);
        return text;
    }

    /// <summary>The value of an <c>!env NAME</c> or <c>!file PATH</c> reference, or null after recording why not.</summary>
    private string? Resolve(YamlScalarNode node, string path)
    {
        var reference = node.Value?.Trim() ?? "";
        if (node.Tag.Value == EnvTag)
        {
            if (reference.Length == 0)
            {
                Problem(node, path, "!env needs a variable name, e.g. !env SONARR_API_KEY.");
                return null;
            }
            if (_environment.TryGetValue(reference, out var value) && value.Length > 0) return value;
            Problem(node, path, $"environment variable {reference} is not set (referenced by !env {reference}).");
            return null;
        }
        if (reference.Length == 0)
        {
            Problem(node, path, "!file needs a path, e.g. !file /run/secrets/sonarr-api-key.");
            return null;
        }
        var file = Path.IsPathRooted(reference) ? reference : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_source)) ?? ".", reference);
        try
        {
            // Secret files (Kubernetes secret volumes, docker secrets) usually end with a newline that is not part of the value.
            var content = File.ReadAllText(file).TrimEnd('\r', '\n');
            if (content.Length > 0) return content;
            Problem(node, path, $"file {reference} is empty (referenced by !file {reference}).");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Problem(node, path, $"file {reference} can't be read (referenced by !file {reference}): {ex.GetType().Name.Replace("Exception", "")}.");
        }
        return null;
    }

    private string? ReadString(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Problem(node, path, "expects a single value, not a list or mapping.");
            return null;
        }
        var value = ReadScalar(scalar, path, secret: false);
        return value switch
        {
            null => null,
            string s => s,
            _ => scalar.Tag.IsEmpty ? scalar.Value : Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    private Secret? ReadSecret(YamlNode node, string path)
    {
        if (node is not YamlScalarNode scalar)
        {
            Problem(node, path, "expects a single value, e.g. !env SONARR_API_KEY.");
            return null;
        }
        return ReadScalar(scalar, path, secret: true) switch
        {
            Secret secret => secret,
            null => null,
            // As written: an untyped 0123 or 12345678901234567890 is the password, not the number YAML would make of it.
            var other => new Secret((scalar.Tag.IsEmpty ? scalar.Value : Convert.ToString(other, CultureInfo.InvariantCulture)) ?? ""),
        };
    }

    private bool? ReadBool(YamlNode node, string path)
    {
        var value = node is YamlScalarNode scalar ? ReadScalar(scalar, path, false) : null;
        if (value is bool b) return b;
        if (value is string s && bool.TryParse(s, out var parsed)) return parsed;
        if (value is null && node is YamlScalarNode && _problems.Count > 0 && _problems[^1].Where.YamlPath == path) return null;
        Problem(node, path, $"expects true or false, not '{Describe(node)}'.");
        return null;
    }

    private double? ReadNumber(YamlNode node, string path)
    {
        var value = node is YamlScalarNode scalar ? ReadScalar(scalar, path, false) : null;
        switch (value)
        {
            case long l: return l;
            case double d: return d;
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed): return parsed;
        }
        Problem(node, path, $"expects a number, not '{Describe(node)}'.");
        return null;
    }

    private int? ReadInt(YamlNode node, string path)
    {
        var value = node is YamlScalarNode scalar ? ReadScalar(scalar, path, false) : null;
        switch (value)
        {
            case long l when l is >= int.MinValue and <= int.MaxValue: return (int)l;
            case string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed): return parsed;
        }
        Problem(node, path, $"expects a whole number, not '{Describe(node)}'.");
        return null;
    }

    private Uri? ReadUrl(YamlNode node, string path)
    {
        var text = ReadString(node, path);
        if (text is null) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)) return url;
        Problem(node, path, $"'{text}' is not an absolute http:// or https:// URL (e.g. http://sonarr.media.svc.cluster.local:8989).");
        return null;
    }

    private IReadOnlyList<string>? ReadStringList(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" } && node.Tag.IsEmpty) return [];
        if (node is YamlScalarNode) return ReadString(node, path) is { } single ? [single] : null;
        if (node is not YamlSequenceNode sequence)
        {
            Problem(node, path, "expects a list, e.g. [a, b].");
            return null;
        }
        return sequence.Children.Select((child, i) => ReadString(child, $"{path}[{i}]")).OfType<string>().ToList();
    }

    private IReadOnlyList<int>? ReadIntList(YamlNode node, string path)
    {
        if (node is YamlScalarNode) return ReadInt(node, path) is { } single ? [single] : null;
        if (node is not YamlSequenceNode sequence)
        {
            Problem(node, path, "expects a list of numbers, e.g. [5000, 5040].");
            return null;
        }
        return sequence.Children.Select((child, i) => ReadInt(child, $"{path}[{i}]")).OfType<int>().ToList();
    }

    private IReadOnlyList<T> ReadList<T>(YamlNode node, string path, Func<YamlNode, string, T?> readItem) where T : class
    {
        if (node is YamlScalarNode { Value: null or "" or "~" } && node.Tag.IsEmpty) return [];
        if (node is not YamlSequenceNode sequence)
        {
            Problem(node, path, "expects a list (one '- ' entry per item).");
            return [];
        }
        return sequence.Children.Select((child, i) => readItem(child, $"{path}[{i}]")).OfType<T>().ToList();
    }

    // ---- helpers ----

    private static YamlNode? Child(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
            if (k is YamlScalarNode s && s.Value == key) return v;
        return null;
    }

    private static string KeyText(YamlNode key) => key is YamlScalarNode s ? s.Value ?? "" : key.ToString();

    /// <summary>Every key must be one of <paramref name="valid"/>; otherwise a problem that suggests the nearest.</summary>
    private void CheckKeys(YamlMappingNode map, string path, IReadOnlyList<string> valid, ServiceKind? kind = null)
    {
        foreach (var (keyNode, _) in map.Children)
        {
            var key = KeyText(keyNode);
            if (valid.Contains(key, StringComparer.Ordinal)) continue;
            var nearest = valid.FirstOrDefault(v => string.Equals(v, key, StringComparison.OrdinalIgnoreCase)) ?? ProviderEditor.Nearest(key, valid);
            var elsewhere = kind is { } k && !valid.Contains(key) && AllSectionKeys.Contains(key)
                ? $" ({k} instances don't take '{key}')"
                : "";
            Problem(keyNode, $"{path}.{key}",
                $"unknown key '{key}'{elsewhere}{(nearest is null ? "" : $" (did you mean '{nearest}'?)")}. Valid keys: {string.Join(", ", valid)}.");
        }
    }

    private static readonly HashSet<string> AllSectionKeys = new(
        ConfigKeys.ArrSection.Concat(ConfigKeys.ProwlarrSection).Concat(ConfigKeys.JellyseerrSection).Concat(ConfigKeys.BazarrSection)
            .Concat(ConfigKeys.ArrDeleteUnmanaged).Concat(ConfigKeys.ProwlarrDeleteUnmanaged), StringComparer.Ordinal);

    /// <summary>A near miss of a fixed key (e.g. "implmentation"), as opposed to a genuine property name like "priority".</summary>
    private static string? NearKey(string key, IReadOnlyList<string> fixedKeys)
    {
        var same = fixedKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (same is not null) return same;
        var nearest = ProviderEditor.Nearest(key, fixedKeys);
        return nearest is not null && Math.Abs(nearest.Length - key.Length) <= 2 ? nearest : null;
    }

    private static string Suggest(string text, IEnumerable<string> candidates) =>
        ProviderEditor.Nearest(text, candidates) is { } nearest ? $" (did you mean '{nearest}'?)" : "";

    private static bool IsValidInstanceName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && char.IsAsciiLetter(name[0]);

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s when !s.Tag.IsEmpty && (s.Tag.Value == EnvTag || s.Tag.Value == FileTag) => $"{s.Tag.Value} {s.Value}",
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "?",
    };

    private ConfigOrigin Origin(YamlNode node, string path) => new(_source, (int)node.Start.Line, (int)node.Start.Column, path);

    private void Problem(YamlNode node, string path, string message) => _problems.Add(new ConfigProblem(Origin(node, path), message));

    private void Problem(Mark mark, string path, string message) =>
        _problems.Add(new ConfigProblem(new ConfigOrigin(_source, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column), path), message));

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 2, Idx: 10) - (…): "; the origin already says where.
    private static string Clean(string message)
    {
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }
}
