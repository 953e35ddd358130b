using System.Text;
using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Hosting;
using StarrOps.Core.Instances;
using StarrOps.Core.Reconcile;
using StarrOps.Core.Services;

namespace StarrOps.Core.Config;

/// <summary>
/// Writes what a running stack has as a StarrOps configuration, so a stack wired by hand can be
/// adopted without retyping: re-importing the export plans no change. Resources are written with
/// only what differs from the implementation's /schema template; secrets are never written — each
/// becomes an <c>!env NAME</c> reference, and the header lists the variables to set.
/// </summary>
public static class ConfigExporter
{
    // Properties that identify or describe a provider rather than configure it.
    private static readonly HashSet<string> NotExported = new(StringComparer.OrdinalIgnoreCase)
        { "id", "name", "fields", "implementation", "implementationName", "configContract", "infoLink", "message", "presets", "tags", "enable", "syncLevel" };

    /// <summary>Exports the instances of a loaded state (their internal URLs included).</summary>
    public static Task<string> ExportAsync(DesiredState state, CancellationToken cancellationToken = default, IStarrHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var internalUrls = state.Instances.Where(i => state.InternalUrl(i) != i.Url).ToDictionary(i => i.Name, state.InternalUrl, StringComparer.OrdinalIgnoreCase);
        return ExportAsync(state.Instances, cancellationToken, host, internalUrls);
    }

    /// <param name="instances">What to read (Sonarr, Radarr, Lidarr, Readarr, Prowlarr, Jellyseerr, Bazarr) and what the others may point at (qBittorrent, SABnzbd, Jellyfin).</param>
    /// <param name="host">Receives verbose messages and a warning per instance that could not be read (null: none).</param>
    /// <param name="internalUrls">How the apps reach each other, by instance name, where it differs from the instance's URL.</param>
    /// <exception cref="StarrException">No instance could be read (the first failure).</exception>
    public static async Task<string> ExportAsync(IEnumerable<StarrInstance> instances, CancellationToken cancellationToken = default, IStarrHost? host = null,
        IReadOnlyDictionary<string, Uri>? internalUrls = null)
    {
        host ??= NullStarrHost.Instance;
        var all = instances.OrderBy(i => i.Kind).ThenBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (all.Count == 0) throw new StarrConfigurationException("Nothing to export: pass instances (Get-StarrInstance | Export-StarrConfig) or set SONARR_URL and SONARR_API_KEY ….");
        var stack = new ExportStack(all, internalUrls ?? new Dictionary<string, Uri>());

        var relay = new HostRelay();
        var readable = all.Where(i => i.Kind.IsArr() || i.Kind is ServiceKind.Jellyseerr or ServiceKind.Bazarr).ToList();
        var reads = Task.WhenAll(readable.Select(instance => Task.Run(() => ReadAsync(instance, stack, relay.Host, cancellationToken), cancellationToken)));
        var sections = await relay.PumpAsync(reads, host);

        var failures = sections.Where(s => s.Error is not null).ToList();
        if (readable.Count > 0 && failures.Count == readable.Count) throw failures[0].Error!;
        foreach (var failed in failures) host.WriteWarning($"{failed.Instance.Name} was not exported: {SecretRegistry.Redact(failed.Error!.Message)}");

        var variables = new SortedSet<string>(StringComparer.Ordinal);
        var document = new YamlMap();
        document.Add(ConfigKeys.StandardWiring, false);
        var instanceMap = new YamlMap();
        foreach (var instance in all) instanceMap.Add(instance.Name, InstanceEntry(instance, stack, variables));
        document.Add(ConfigKeys.Instances, instanceMap);
        var notes = new List<string>();
        foreach (var section in sections.Where(s => s.Error is null))
        {
            if (section.Section.Count > 0) document.Add(section.Instance.Name, section.Section);
            foreach (var variable in section.Variables) variables.Add(variable);
            notes.AddRange(section.Notes);
        }

        var header = new StringBuilder();
        header.AppendLine($"# StarrOps configuration exported from {string.Join(", ", all.Select(i => i.Name))}.");
        header.AppendLine("# Re-importing it (Invoke-StarrReconcile -Path) changes nothing. Secrets are not exported: set these");
        header.AppendLine("# variables before importing (a stored secret is kept unless it is rotated):");
        foreach (var variable in variables) header.AppendLine($"#   {variable}");
        foreach (var note in notes) header.AppendLine($"# {SecretRegistry.Redact(note)}");
        foreach (var failed in failures) header.AppendLine($"# {failed.Instance.Name} was not exported: {SecretRegistry.Redact(failed.Error!.Message).Split('\n')[0]}");
        return header + YamlExportWriter.Write(document);
    }

    private static YamlMap InstanceEntry(StarrInstance instance, ExportStack stack, ISet<string> variables)
    {
        var stem = InstanceNaming.EnvironmentStem(instance.Name);
        var entry = new YamlMap();
        entry.Add("kind", instance.Kind.ToString());
        entry.Add("url", instance.Url.AbsoluteUri.TrimEnd('/'));
        if (stack.InternalUrls.TryGetValue(instance.Name, out var internalUrl)) entry.Add("internalUrl", internalUrl.AbsoluteUri.TrimEnd('/'));
        if (instance.HasApiKey) entry.Add("apiKey", Reference(stem + "_API_KEY", variables));
        if (instance.UserName is { Length: > 0 } user) entry.Add("username", user);
        if (instance.Password is { IsEmpty: false }) entry.Add("password", Reference(stem + "_PASSWORD", variables));
        if (instance.Timeout != TimeSpan.FromSeconds(30)) entry.Add("timeoutSeconds", instance.Timeout.TotalSeconds);
        if (instance.SkipCertificateCheck) entry.Add("skipCertificateCheck", true);
        return entry;
    }

    /// <summary>The instances being exported and how the apps reach each other.</summary>
    private sealed record ExportStack(IReadOnlyList<StarrInstance> All, IReadOnlyDictionary<string, Uri> InternalUrls)
    {
        /// <summary>The instance of <paramref name="kind"/> that is at host:port (by its URL or its internal URL).</summary>
        public StarrInstance? At(ServiceKind kind, string? host, int? port, string? urlBase = null) => All.FirstOrDefault(i => i.Kind == kind && Urls(i).Any(u =>
            string.Equals(u.Host, host, StringComparison.OrdinalIgnoreCase) && u.Port == port
            && (urlBase is null || string.Equals(u.AbsolutePath.TrimEnd('/'), urlBase.TrimEnd('/'), StringComparison.Ordinal))));

        /// <summary>The instance whose URL or internal URL is <paramref name="url"/>.</summary>
        public StarrInstance? At(ServiceKind kind, string? url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? At(kind, parsed.Host, parsed.Port, parsed.AbsolutePath) : null;

        public Uri InternalUrl(StarrInstance instance) => InternalUrls.TryGetValue(instance.Name, out var url) ? url : instance.Url;

        private IEnumerable<Uri> Urls(StarrInstance instance) => InternalUrls.TryGetValue(instance.Name, out var url) ? [instance.Url, url] : [instance.Url];
    }

    private sealed record InstanceExport(StarrInstance Instance, YamlMap Section, IReadOnlyList<string> Variables, IReadOnlyList<string> Notes, StarrException? Error);

    private static async Task<InstanceExport> ReadAsync(StarrInstance instance, ExportStack stack, IStarrHost host, CancellationToken cancellationToken)
    {
        var variables = new List<string>();
        var notes = new List<string>();
        try
        {
            var section = instance.Kind switch
            {
                ServiceKind.Jellyseerr => await ReadJellyseerrAsync(instance, stack, host, notes, cancellationToken).ConfigureAwait(false),
                ServiceKind.Bazarr => await ReadBazarrAsync(instance, stack, host, notes, cancellationToken).ConfigureAwait(false),
                _ => await ReadArrAsync(instance, stack, host, variables, cancellationToken).ConfigureAwait(false),
            };
            return new InstanceExport(instance, section, variables, notes, null);
        }
        catch (StarrException ex)
        {
            return new InstanceExport(instance, new YamlMap(), variables, notes, ex);
        }
    }

    private static async Task<YamlMap> ReadArrAsync(StarrInstance instance, ExportStack stack, IStarrHost host, List<string> variables, CancellationToken cancellationToken)
    {
        var all = stack.All;
        using var client = ArrClientFactory.Create(instance, host);
        var section = new YamlMap();
        var tags = (await client.GetTagsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(t => t.Id, t => t.Label);
        if (client.HasRootFolders)
        {
            var folders = await client.GetRootFoldersAsync(cancellationToken).ConfigureAwait(false);
            if (folders.Count > 0) section.Add("rootFolders", new YamlList(folders.Select(f => RootFolderEntry(instance, f))));
        }
        if (instance.Kind == ServiceKind.Prowlarr)
        {
            var applications = await ExportProvidersAsync(client, ProviderKind.Application, tags, variables, stack, (r, t) => ApplicationEntry(instance, stack, r, t, tags, variables), cancellationToken).ConfigureAwait(false);
            if (applications.Count > 0) section.Add("applications", applications);
            var profiles = await ((Prowlarr.ProwlarrClient)client).GetAppProfilesAsync(cancellationToken).ConfigureAwait(false);
            var indexers = await ExportProvidersAsync(client, ProviderKind.Indexer, tags, variables, stack, (r, t) => IndexerEntry(instance, stack, r, t, tags, variables, profiles), cancellationToken).ConfigureAwait(false);
            if (indexers.Count > 0) section.Add("indexers", indexers);
            var proxies = await ExportProvidersAsync(client, ProviderKind.IndexerProxy, tags, variables, stack, null, cancellationToken).ConfigureAwait(false);
            if (proxies.Count > 0) section.Add("indexerProxies", proxies);
        }
        var clients = await ExportProvidersAsync(client, ProviderKind.DownloadClient, tags, variables, stack, null, cancellationToken).ConfigureAwait(false);
        if (clients.Count > 0) section.Add("downloadClients", clients);
        var notifications = await ExportProvidersAsync(client, ProviderKind.Notification, tags, variables, stack, null, cancellationToken).ConfigureAwait(false);
        if (notifications.Count > 0) section.Add("notifications", notifications);
        return section;
    }

    private static async Task<YamlMap> ReadJellyseerrAsync(StarrInstance instance, ExportStack stack, IStarrHost host, List<string> notes, CancellationToken cancellationToken)
    {
        using var client = new Jellyseerr.JellyseerrClient(instance, host);
        var section = new YamlMap();
        if (!(await client.GetPublicSettingsAsync(cancellationToken).ConfigureAwait(false)).Initialized)
        {
            notes.Add($"{instance.Name} is not set up yet: nothing to export from it.");
            return section;
        }
        var jellyfin = await client.GetJellyfinSettingsAsync(cancellationToken).ConfigureAwait(false);
        if (stack.At(ServiceKind.Jellyfin, jellyfin.Ip, jellyfin.Port) is { } jellyfinInstance) section.Add("jellyfin", jellyfinInstance.Name);
        foreach (var (kind, key, appKind) in new[] { (Jellyseerr.JellyseerrServerKind.Sonarr, "sonarr", ServiceKind.Sonarr), (Jellyseerr.JellyseerrServerKind.Radarr, "radarr", ServiceKind.Radarr) })
        {
            var list = new YamlList();
            foreach (var server in await client.GetServersAsync(kind, cancellationToken).ConfigureAwait(false))
            {
                var app = stack.At(appKind, server.Hostname, server.Port, server.BaseUrl ?? "");
                if (app is null)
                {
                    notes.Add($"{instance.Name}: {server} is not one of the exported instances; it is left out (and left alone on import).");
                    continue;
                }
                var entry = new YamlMap();
                entry.Add("app", app.Name);
                if (server.Name != StandardWiring.DisplayName(app)) entry.Add("name", server.Name);
                if (server.ActiveProfileName.Length > 0) entry.Add("qualityProfile", server.ActiveProfileName);
                if (server.ActiveDirectory.Length > 0) entry.Add("rootFolder", server.ActiveDirectory);
                entry.Add("is4k", server.Is4k);
                entry.Add("default", server.IsDefault);
                list.Add(entry);
            }
            if (list.Count > 0) section.Add(key, list);
        }
        return section;
    }

    private static async Task<YamlMap> ReadBazarrAsync(StarrInstance instance, ExportStack stack, IStarrHost host, List<string> notes, CancellationToken cancellationToken)
    {
        using var client = new Bazarr.BazarrClient(instance, host);
        var settings = await client.GetSettingsAsync(cancellationToken).ConfigureAwait(false);
        var section = new YamlMap();
        foreach (var (target, key, appKind) in new[] { (Bazarr.BazarrTarget.Sonarr, "sonarr", ServiceKind.Sonarr), (Bazarr.BazarrTarget.Radarr, "radarr", ServiceKind.Radarr) })
        {
            if (!settings.Uses(target)) continue;
            var connection = settings.ConnectionOf(target);
            if (stack.At(appKind, connection.Ip, connection.Port, Bazarr.BazarrSettings.NormaliseBaseUrl(connection.BaseUrl)) is { } app) section.Add(key, app.Name);
            else notes.Add($"{instance.Name}: its {target} connection ({connection.Url}) is not one of the exported instances; it is left out.");
        }
        return section;
    }

    private static object RootFolderEntry(StarrInstance instance, RootFolder folder)
    {
        // Lidarr and Readarr folders carry a name; the others are identified by path alone.
        if (folder.Name is not { Length: > 0 } name || name == Path.GetFileName(folder.Path.TrimEnd('/'))) return folder.Path;
        var entry = new YamlMap();
        entry.Add("path", folder.Path);
        entry.Add("name", name);
        return entry;
    }

    private static async Task<YamlList> ExportProvidersAsync(ArrClient client, ProviderKind kind, IReadOnlyDictionary<int, string> tags, List<string> variables,
        ExportStack stack, Func<ProviderResource, ProviderResource, YamlMap>? custom, CancellationToken cancellationToken)
    {
        var live = await client.GetProvidersAsync(kind, cancellationToken).ConfigureAwait(false);
        var list = new YamlList();
        if (live.Count == 0) return list;
        var schema = await client.GetSchemaAsync(kind, cancellationToken).ConfigureAwait(false);
        foreach (var resource in live.OrderBy(r => r.Id))
        {
            // An indexer is compared with the template its definition picks on import; an implementation the schema no longer
            // lists exports everything it has.
            var template = (kind == ProviderKind.Indexer && resource.DefinitionName is { } definition ? ProviderEditor.TryFindNamedTemplate(schema, definition) : null)
                           ?? schema.FirstOrDefault(t => string.Equals(t.Implementation, resource.Implementation, StringComparison.Ordinal))
                           ?? new ProviderResource(new JsonObject(), kind, client.Instance.Name);
            list.Add(custom is not null ? custom(resource, template) : ProviderEntry(client.Instance, resource, template, tags, variables, new HashSet<string>(), stack));
        }
        return list;
    }

    /// <summary>name, implementation, what differs from the template (properties, enable, fields), tags.</summary>
    private static YamlMap ProviderEntry(StarrInstance instance, ProviderResource resource, ProviderResource template, IReadOnlyDictionary<int, string> tags,
        List<string> variables, IReadOnlySet<string> skipFields, ExportStack stack, bool withIdentity = true, IReadOnlySet<string>? skipProperties = null)
    {
        // A download client that points at a known qBittorrent/SABnzbd instance shares that instance's variables.
        var target = ServiceKinds.TryParse(resource.Implementation, out var targetKind) && int.TryParse(resource.FieldValue("port")?.ToString(), out var targetPort)
            ? stack.At(targetKind, resource.FieldValue("host")?.ToString(), targetPort)
            : null;
        var entry = new YamlMap();
        if (withIdentity)
        {
            entry.Add("name", resource.Name);
            entry.Add("implementation", resource.Implementation);
        }
        if (resource.Enable is { } enable && enable != (template.Enable ?? !enable)) entry.Add("enable", enable);
        foreach (var (key, value) in resource.Json)
        {
            if (NotExported.Contains(key) || skipProperties?.Contains(key) == true || value is JsonObject) continue;
            if (template.Json.ContainsKey(key) && ProviderEditor.ValuesEqual(template.Json[key], value)) continue;
            if (value is null) continue;
            entry.Add(key, ToPlain(value));
        }
        if (resource.Tags.Count > 0) entry.Add("tags", new YamlList(resource.Tags.Select(id => (object?)tags.GetValueOrDefault(id, id.ToString(System.Globalization.CultureInfo.InvariantCulture)))) { Flow = true });

        var fields = new YamlMap();
        foreach (var field in resource.Fields.OfType<JsonObject>())
        {
            var name = field["name"]?.GetValue<string>();
            if (name is null || skipFields.Contains(name)) continue;
            var value = field["value"];
            if (ProviderResource.IsSecretField(field) || ProviderResource.IsMasked(value))
            {
                // A stored secret reads "********"; an empty one reads nothing. Only the former needs a value on import.
                if (ProviderResource.IsMasked(value) || (value is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0))
                {
                    var shared = target is null ? null
                        : name == "password" && target.Password is not null ? InstanceNaming.EnvironmentStem(target.Name) + "_PASSWORD"
                        : name == "apiKey" && target.ApiKey is not null ? InstanceNaming.EnvironmentStem(target.Name) + "_API_KEY"
                        : null;
                    fields.Add(name, Reference(shared ?? SecretVariable(instance, resource.Name, name), variables));
                }
                continue;
            }
            if (ProviderEditor.ValuesEqual(template.FieldValue(name), value)) continue;
            fields.Add(name, ToPlain(value));
        }
        if (fields.Count > 0) entry.Add("fields", fields);
        return entry;
    }

    private static YamlMap ApplicationEntry(StarrInstance prowlarr, ExportStack stack, ProviderResource resource, ProviderResource template,
        IReadOnlyDictionary<int, string> tags, List<string> variables)
    {
        var baseUrl = resource.FieldValue("baseUrl")?.ToString()?.TrimEnd('/');
        var sameKind = stack.All.Where(i => string.Equals(i.Kind.ToString(), resource.Implementation, StringComparison.OrdinalIgnoreCase)).ToList();
        var app = (ServiceKinds.TryParse(resource.Implementation, out var appKind) ? stack.At(appKind, baseUrl) : null)
                  ?? (sameKind.Count == 1 ? sameKind[0] : null);
        var entry = new YamlMap();
        if (app is not null)
        {
            entry.Add("app", app.Name);
            if (resource.Name != StandardWiring.DisplayName(app)) entry.Add("name", resource.Name);
        }
        else
        {
            entry.Add("name", resource.Name);
            entry.Add("implementation", resource.Implementation);
        }
        entry.Add("syncLevel", resource.Json["syncLevel"]?.ToString() ?? "fullSync");
        if (resource.FieldValue("syncCategories") is JsonArray categories && !ProviderEditor.ValuesEqual(template.FieldValue("syncCategories"), categories))
            entry.Add("syncCategories", new YamlList(categories.Select(c => ToPlain(c))) { Flow = true });
        if (resource.FieldValue("prowlarrUrl")?.ToString()?.TrimEnd('/') is { } prowlarrUrl && prowlarrUrl != stack.InternalUrl(prowlarr).AbsoluteUri.TrimEnd('/'))
            entry.Add("prowlarrUrl", prowlarrUrl);
        if (app is not null && baseUrl is not null && baseUrl != stack.InternalUrl(app).AbsoluteUri.TrimEnd('/')) entry.Add("appUrl", baseUrl);

        // The rest as for any provider, without what the keys above already say (an app's apiKey comes from its instance).
        var skip = new HashSet<string>(StringComparer.Ordinal) { "prowlarrUrl", "syncCategories" };
        if (app is not null) { skip.Add("baseUrl"); skip.Add("apiKey"); }
        var rest = ProviderEntry(prowlarr, resource, template, tags, variables, skip, stack, withIdentity: false);
        // An application entry takes no free-form properties: only these keys of the generic export apply.
        foreach (var (key, value) in rest.Entries.Where(e => e.Key is "enable" or "tags" or "fields")) entry.Add(key, value);
        return entry;
    }

    /// <summary>What Prowlarr derives for an indexer (from its definition, its feed, the time it was added): not settings.</summary>
    private static readonly HashSet<string> IndexerDerived = new(StringComparer.OrdinalIgnoreCase)
    {
        "indexerUrls", "legacyUrls", "definitionName", "description", "language", "encoding", "supportsRss", "supportsSearch", "supportsRedirect",
        "supportsPagination", "protocol", "privacy", "added", "sortName", "appProfileId", "capabilities",
    };

    /// <summary>name, definition, appProfile by name, then what differs from the definition's template.</summary>
    private static YamlMap IndexerEntry(StarrInstance prowlarr, ExportStack stack, ProviderResource resource, ProviderResource template,
        IReadOnlyDictionary<int, string> tags, List<string> variables, IReadOnlyList<Prowlarr.AppProfile> profiles)
    {
        var entry = new YamlMap();
        entry.Add("name", resource.Name);
        entry.Add("definition", resource.DefinitionName ?? resource.Implementation);
        if (resource.Json["appProfileId"] is JsonValue id && id.TryGetValue<int>(out var profileId) && profiles.FirstOrDefault(p => p.Id == profileId) is { } profile)
            entry.Add("appProfile", profile.Name);
        var rest = ProviderEntry(prowlarr, resource, template, tags, variables, new HashSet<string>(), stack, withIdentity: false, IndexerDerived);
        foreach (var item in rest.Entries) entry.Add(item.Key, item.Value);
        return entry;
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        JsonArray array => new YamlList(array.Select(ToPlain)) { Flow = array.All(i => i is JsonValue) },
        JsonObject obj => new YamlMap(obj.Select(p => new KeyValuePair<string, object?>(p.Key, ToPlain(p.Value)))),
        _ => ProviderResource.ToPlain(node),
    };

    private static EnvReference Reference(string name, ICollection<string> variables)
    {
        if (!variables.Contains(name)) variables.Add(name);
        return new EnvReference(name);
    }

    /// <summary>SONARR_QBITTORRENT_PASSWORD: instance, resource and field, upper case.</summary>
    private static string SecretVariable(StarrInstance instance, string resource, string field)
    {
        // apiKey → API_KEY, "qBittorrent 4K" → QBITTORRENT_4K
        static string Stem(string text) =>
            new string(CamelCase.Underscored(text)
                .Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray()).Trim('_');
        var name = $"{InstanceNaming.EnvironmentStem(instance.Name)}_{Stem(resource)}_{Stem(field)}";
        while (name.Contains("__", StringComparison.Ordinal)) name = name.Replace("__", "_", StringComparison.Ordinal);
        return name;
    }
}

// A small ordered document model, turned into YAML by YamlExportWriter (the only part that touches YamlDotNet).

internal sealed class YamlMap
{
    private readonly List<KeyValuePair<string, object?>> _entries = [];

    public YamlMap() { }

    public YamlMap(IEnumerable<KeyValuePair<string, object?>> entries) => _entries.AddRange(entries);

    public IReadOnlyList<KeyValuePair<string, object?>> Entries => _entries;
    public int Count => _entries.Count;

    public void Add(string key, object? value) => _entries.Add(new(key, value));
}

internal sealed class YamlList : List<object?>
{
    public YamlList() { }

    public YamlList(IEnumerable<object?> items) : base(items) { }

    /// <summary>Written inline: [a, b].</summary>
    public bool Flow { get; init; }
}

/// <summary>Written as <c>!env NAME</c>.</summary>
internal sealed record EnvReference(string Name);
