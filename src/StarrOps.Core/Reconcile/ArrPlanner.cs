using System.Text.Json.Nodes;
using StarrOps.Core.Arr;
using StarrOps.Core.Config;
using StarrOps.Core.Instances;
using StarrOps.Core.Prowlarr;
using StarrOps.Core.Services;

namespace StarrOps.Core.Reconcile;

/// <summary>
/// Plans one Sonarr/Radarr/Lidarr/Readarr/Prowlarr instance: one GET per collection it manages (tags,
/// root folders, download clients, notifications, Prowlarr applications), /schema only for creates,
/// provider edits through <see cref="ProviderPlanner"/> so updates change only declared fields.
/// </summary>
internal static class ArrPlanner
{
    internal const int TagStage = 0;
    internal const int RootFolderStage = 1;
    internal const int ProviderStage = 2;
    internal const int DeleteStage = 3;
    internal const int ApplicationStage = 4;
    internal const int IndexerSyncStage = 5;

    public static async Task PlanAsync(ReconcileSession session, InstanceSession target, InstancePlanBuilder plan, CancellationToken cancellationToken)
    {
        var client = target.Arr ??= ArrClientFactory.Create(target.Instance, session.Relay.Host);
        var config = target.Config;
        var unmanaged = config.DeleteUnmanaged;
        var isProwlarr = target.Instance.Kind == ServiceKind.Prowlarr;

        var labels = TagLabels(config);
        var tagsTask = labels.Count > 0 ? client.GetTagsAsync(cancellationToken) : null;
        var rootTask = client.HasRootFolders && (config.RootFolders.Count > 0 || unmanaged.RootFolders) ? client.GetRootFoldersAsync(cancellationToken) : null;
        var clientsTask = config.DownloadClients.Count > 0 || unmanaged.DownloadClients ? client.GetProvidersAsync(ProviderKind.DownloadClient, cancellationToken) : null;
        var notificationsTask = config.Notifications.Count > 0 || unmanaged.Notifications ? client.GetProvidersAsync(ProviderKind.Notification, cancellationToken) : null;
        var applicationsTask = isProwlarr && (config.Applications.Count > 0 || unmanaged.Applications) ? client.GetProvidersAsync(ProviderKind.Application, cancellationToken) : null;
        var proxiesTask = isProwlarr && (config.IndexerProxies.Count > 0 || unmanaged.IndexerProxies) ? client.GetProvidersAsync(ProviderKind.IndexerProxy, cancellationToken) : null;
        var indexersTask = isProwlarr && (config.Indexers.Count > 0 || unmanaged.Indexers) ? client.GetProvidersAsync(ProviderKind.Indexer, cancellationToken) : null;
        // Read everything first: an instance that can't be read is unavailable as a whole.
        await Task.WhenAll(new Task?[] { tagsTask, rootTask, clientsTask, notificationsTask, applicationsTask, proxiesTask, indexersTask }.OfType<Task>()).ConfigureAwait(false);

        if (tagsTask is not null) PlanTags(target, client, labels, (await tagsTask.ConfigureAwait(false)), config, plan);
        if (rootTask is not null) PlanRootFolders(target, client, await rootTask.ConfigureAwait(false), config, plan);
        if (clientsTask is not null)
            await PlanProvidersAsync(session, target, client, ProviderKind.DownloadClient, config.DownloadClients, await clientsTask.ConfigureAwait(false), unmanaged.DownloadClients, plan, cancellationToken).ConfigureAwait(false);
        if (notificationsTask is not null)
            await PlanProvidersAsync(session, target, client, ProviderKind.Notification, config.Notifications, await notificationsTask.ConfigureAwait(false), unmanaged.Notifications, plan, cancellationToken).ConfigureAwait(false);
        // Proxies before the indexers that use them, indexers before the applications and the sync that push them into the apps.
        if (proxiesTask is not null)
            await PlanProvidersAsync(session, target, client, ProviderKind.IndexerProxy, config.IndexerProxies, await proxiesTask.ConfigureAwait(false), unmanaged.IndexerProxies, plan, cancellationToken).ConfigureAwait(false);
        if (indexersTask is not null)
        {
            var liveIndexers = await indexersTask.ConfigureAwait(false);
            var profiles = await AppProfilesAsync((ProwlarrClient)client, config.Indexers, liveIndexers, cancellationToken).ConfigureAwait(false);
            await PlanProvidersAsync(session, target, client, ProviderKind.Indexer, config.Indexers, liveIndexers, unmanaged.Indexers, plan, cancellationToken,
                spec => IndexerProperties(target.Name, spec, liveIndexers, profiles)).ConfigureAwait(false);
        }
        if (applicationsTask is not null)
            await PlanApplicationsAsync(session, target, (ProwlarrClient)client, await applicationsTask.ConfigureAwait(false), plan, cancellationToken).ConfigureAwait(false);
        if (isProwlarr && plan.Changes.Any(c => c.Action != ChangeAction.NoChange && c.ResourceType is StarrResourceType.ProwlarrApplication or StarrResourceType.Indexer))
            plan.Add(IndexerSync(session, target, (ProwlarrClient)client));
    }

    // ---- tags ----

    private static List<string> TagLabels(InstanceConfig config) =>
        config.Tags
            .Concat(config.DownloadClients.Concat(config.Notifications).SelectMany(p => p.Tags ?? []))
            .Concat(config.Applications.SelectMany(a => a.Tags ?? []))
            .Concat(config.Indexers.Concat(config.IndexerProxies).SelectMany(p => p.Tags ?? []))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    private static void PlanTags(InstanceSession target, ArrClient client, IReadOnlyList<string> labels, IReadOnlyList<StarrTag> live, InstanceConfig config, InstancePlanBuilder plan)
    {
        foreach (var tag in live) target.TagIds[tag.Label] = tag.Id;
        var placeholder = -1;
        foreach (var label in labels)
        {
            if (target.TagIds.ContainsKey(label))
            {
                if (config.Tags.Contains(label, StringComparer.OrdinalIgnoreCase))
                    plan.Add(new ReconcileChange(target.Name, StarrResourceType.Tag, label, ChangeAction.NoChange, []) { Stage = TagStage });
                continue;
            }
            target.PendingTags[placeholder--] = label;
            var lower = label.ToLowerInvariant(); // the apps store labels in lower case
            plan.Add(new ReconcileChange(target.Name, StarrResourceType.Tag, lower, ChangeAction.Create, [new FieldChange("label", null, lower, false)])
            {
                Stage = TagStage,
                Origin = config.Tags.Contains(label, StringComparer.OrdinalIgnoreCase) ? $"{target.Name}.tags" : "used by a resource",
                Execute = async (context, token) =>
                {
                    var created = await client.AddTagAsync(lower, token).ConfigureAwait(false);
                    context.Instance.TagIds[label] = created.Id;
                },
            });
        }
    }

    /// <summary>Tag ids for labels: known ids, or the negative placeholder of a tag that the plan creates.</summary>
    private static IReadOnlyList<int>? TagIds(InstanceSession target, IReadOnlyList<string>? labels)
    {
        if (labels is null) return null;
        var ids = new List<int>();
        foreach (var label in labels)
        {
            if (target.TagIds.TryGetValue(label, out var id)) ids.Add(id);
            else ids.Add(target.PendingTags.First(p => string.Equals(p.Value, label, StringComparison.OrdinalIgnoreCase)).Key);
        }
        return ids;
    }

    /// <summary>Replaces placeholders in a resource about to be sent by the ids of the tags created in the tag stage.</summary>
    private static void ResolvePendingTags(InstanceSession target, ProviderResource? resource)
    {
        if (resource?.Json["tags"] is not JsonArray tags) return;
        for (var i = 0; i < tags.Count; i++)
        {
            var id = tags[i]?.GetValue<int>() ?? 0;
            if (id >= 0) continue;
            var label = target.PendingTags.GetValueOrDefault(id, "?");
            if (!target.TagIds.TryGetValue(label, out var real))
                throw new ChangeSkippedException($"tag '{label}' was not created");
            tags[i] = real;
        }
    }

    // ---- root folders ----

    private static void PlanRootFolders(InstanceSession target, ArrClient client, IReadOnlyList<RootFolder> live, InstanceConfig config, InstancePlanBuilder plan)
    {
        var matched = new HashSet<int>();
        foreach (var spec in config.RootFolders)
        {
            var existing = live.FirstOrDefault(r => RootFolderService.SamePath(r.Path, spec.Path));
            if (existing is not null)
            {
                matched.Add(existing.Id);
                plan.Add(new ReconcileChange(target.Name, StarrResourceType.RootFolder, existing.Path, ChangeAction.NoChange, []) { Stage = RootFolderStage, Origin = spec.Origin.ToString() });
                continue;
            }
            var request = new RootFolderRequest(spec.Path) { Name = spec.Name, QualityProfileId = spec.QualityProfileId, MetadataProfileId = spec.MetadataProfileId };
            var shown = new List<FieldChange> { new("path", null, spec.Path, false) };
            if (spec.Name is not null) shown.Add(new FieldChange("name", null, spec.Name, false));
            plan.Add(new ReconcileChange(target.Name, StarrResourceType.RootFolder, spec.Path, ChangeAction.Create, shown)
            {
                Stage = RootFolderStage,
                Origin = spec.Origin.ToString(),
                Execute = (_, token) => client.AddRootFolderAsync(request, token),
            });
        }
        if (!config.DeleteUnmanaged.RootFolders) return;
        foreach (var folder in live.Where(r => !matched.Contains(r.Id) && !Ignored(config.DeleteUnmanaged, r.Path)))
        {
            var id = folder.Id;
            plan.Add(new ReconcileChange(target.Name, StarrResourceType.RootFolder, folder.Path, ChangeAction.Delete, [new FieldChange("path", folder.Path, null, false)])
            {
                Stage = DeleteStage,
                Execute = (_, token) => client.RemoveRootFolderAsync(id, token),
            });
        }
    }

    // ---- download clients, notifications ----

    /// <param name="properties">The top-level properties to declare for a spec (default: its own); throws for an unusable one.</param>
    private static async Task PlanProvidersAsync(ReconcileSession session, InstanceSession target, ArrClient client, ProviderKind kind,
        IReadOnlyList<ProviderSpec> specs, IReadOnlyList<ProviderResource> live, bool deleteUnmanaged, InstancePlanBuilder plan, CancellationToken cancellationToken,
        Func<ProviderSpec, IReadOnlyDictionary<string, object?>>? properties = null)
    {
        var matched = new HashSet<int>();
        var planned = new List<PlannedProvider>();
        foreach (var spec in specs)
        {
            try
            {
                var settings = new ProviderSettings(kind, spec.Name, spec.Implementation)
                {
                    Enable = spec.Enable,
                    Fields = spec.Fields,
                    Properties = properties?.Invoke(spec) ?? spec.Properties,
                    Tags = TagIds(target, spec.Tags),
                    Template = kind == ProviderKind.Indexer ? spec.Implementation : null, // an indexer's "implementation" is its definition
                };
                Func<ProviderResource, bool>? sameTarget = spec.MatchByTarget ? SameHost(settings) : null;
                // The standard wiring did not choose a name: a hand-made resource for the same target keeps its own.
                if (spec.Origin.IsStandardWiring && sameTarget is not null && !live.Any(r => SameName(r.Name, settings.Name))
                    && live.FirstOrDefault(r => SameImplementation(r, settings) && sameTarget(r)) is { } adopted)
                    settings = Renamed(settings, adopted.Name);

                var provider = await ProviderPlanner.PlanAsync(client, live, settings, session.Options.RotateSecrets, cancellationToken, sameTarget).ConfigureAwait(false);
                if (provider.Current is not null) matched.Add(provider.Current.Id);
                planned.Add(new PlannedProvider(settings, provider, spec.Origin));
            }
            catch (StarrException ex)
            {
                plan.Problem(ex, StarrResourceTypes.FromProviderKind(kind), spec.Name, spec.Origin);
            }
        }
        foreach (var provider in await CheckStoredSecretsAsync(session, client, kind, planned, plan, cancellationToken).ConfigureAwait(false))
            plan.Add(ToChange(target, provider, ProviderStage, session.Options.ForceSave, client));
        if (!deleteUnmanaged) return;
        foreach (var resource in live.Where(r => !matched.Contains(r.Id) && !Ignored(target.Config.DeleteUnmanaged, r.Name)))
            plan.Add(DeleteChange(target, client, resource, DeleteStage, session.Options.ForceSave)); // applications are planned (and pruned) by PlanApplicationsAsync
    }

    private static ReconcileChange DeleteChange(InstanceSession target, ArrClient client, ProviderResource resource, int stage, bool forceSave)
    {
        var planned = new ProviderPlan(target.Name, resource.Kind, resource.Name, ChangeAction.Delete, []) { Current = resource };
        return new ReconcileChange(target.Name, StarrResourceTypes.FromProviderKind(resource.Kind), resource.Name, ChangeAction.Delete,
            [new FieldChange("implementation", resource.Implementation, null, false)])
        {
            Stage = stage,
            Execute = (_, token) => ProviderPlanner.ApplyAsync(client, planned, forceSave, token),
        };
    }

    /// <summary>Stored secrets are tested unless -RotateSecrets re-sends them anyway.</summary>
    private static Task<IReadOnlyList<PlannedProvider>> CheckStoredSecretsAsync(ReconcileSession session, ArrClient client, ProviderKind kind,
        IReadOnlyList<PlannedProvider> planned, InstancePlanBuilder plan, CancellationToken cancellationToken) =>
        session.Options.RotateSecrets
            ? Task.FromResult(planned)
            : StaleSecrets.CheckAsync(client, kind, planned, plan, session.Relay.Host, cancellationToken);

    /// <summary>Turns a provider plan into a change: secrets masked, tag ids shown as labels, the send step attached.</summary>
    private static ReconcileChange ToChange(InstanceSession target, PlannedProvider provider, int stage, bool forceSave, ArrClient client)
    {
        var (settings, planned, origin, dependsOn) = provider;
        var shown = planned.Changes.Select(c => Shown(target, c, settings)).ToList();
        if (planned.Action == ChangeAction.Create)
        {
            if (settings.Enable is { } enable) shown.Insert(0, new FieldChange("enable", null, enable, false));
            foreach (var (name, value) in settings.Properties)
                shown.Add(value is Secret ? new FieldChange(name, null, null, true) : Shown(target, new FieldChange(name, null, ProviderResource.ToPlain(ProviderEditor.ToNode(value)), false), settings));
            if (settings.Tags is { Count: > 0 } tags) shown.Add(new FieldChange("tags", null, tags.Select(target.TagLabel).ToArray(), false));
        }
        return new ReconcileChange(target.Name, StarrResourceTypes.FromProviderKind(settings.Kind), planned.Desired?.Name ?? settings.Name, planned.Action, shown)
        {
            Stage = stage,
            DependsOn = dependsOn,
            Origin = origin.ToString(),
            Execute = planned.Action == ChangeAction.NoChange ? null : async (context, token) =>
            {
                ResolvePendingTags(context.Instance, planned.Desired);
                await ProviderPlanner.ApplyAsync(client, planned, forceSave, token).ConfigureAwait(false);
            },
        };
    }

    /// <summary>Masks values that are secrets (declared as Secret, or holding a known secret) and shows tag ids as labels.</summary>
    private static FieldChange Shown(InstanceSession target, FieldChange change, ProviderSettings settings)
    {
        if (change.IsSecret) return change;
        if ((settings.Fields.TryGetValue(change.Field, out var value) && value is Secret)
            || (settings.Properties.TryGetValue(change.Field, out var property) && property is Secret)
            || HoldsSecret(change.OldValue) || HoldsSecret(change.NewValue))
            return new FieldChange(change.Field, null, null, true);
        if (change.Field == "tags")
            return change with { OldValue = Labels(target, change.OldValue), NewValue = Labels(target, change.NewValue) };
        return change;
    }

    private static object? Labels(InstanceSession target, object? ids) =>
        ids is System.Collections.IEnumerable list and not string
            ? list.Cast<object?>().Select(i => i is int id ? target.TagLabel(id) : i?.ToString()).ToArray()
            : ids;

    private static bool HoldsSecret(object? value) => value switch
    {
        string s => s.Length > 0 && SecretRegistry.Redact(s) != s,
        System.Collections.IEnumerable list => list.Cast<object?>().Any(HoldsSecret),
        _ => false,
    };

    // ---- Prowlarr indexers ----

    /// <summary>Prowlarr's app profiles, read only when an indexer names one or is to be created (each needs one).</summary>
    private static async Task<IReadOnlyList<AppProfile>?> AppProfilesAsync(ProwlarrClient client, IReadOnlyList<ProviderSpec> specs, IReadOnlyList<ProviderResource> live,
        CancellationToken cancellationToken) =>
        specs.Any(s => s.AppProfile is not null || !live.Any(r => SameName(r.Name, s.Name)))
            ? await client.GetAppProfilesAsync(cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>An indexer's properties with appProfileId: the named profile, or the first one for an indexer to be created.</summary>
    private static IReadOnlyDictionary<string, object?> IndexerProperties(string instance, ProviderSpec spec, IReadOnlyList<ProviderResource> live,
        IReadOnlyList<AppProfile>? profiles)
    {
        var creating = !live.Any(r => SameName(r.Name, spec.Name));
        if (spec.Properties.ContainsKey("appProfileId") || profiles is null || (spec.AppProfile is null && !creating)) return spec.Properties;
        return new Dictionary<string, object?>(spec.Properties, StringComparer.Ordinal) { ["appProfileId"] = AppProfile.Choose(profiles, spec.AppProfile, instance).Id };
    }

    // ---- Prowlarr applications ----

    private static async Task PlanApplicationsAsync(ReconcileSession session, InstanceSession target, ProwlarrClient client, IReadOnlyList<ProviderResource> live,
        InstancePlanBuilder plan, CancellationToken cancellationToken)
    {
        var matched = new HashSet<int>();
        var planned = new List<PlannedProvider>();
        foreach (var spec in target.Config.Applications)
        {
            try
            {
                var (settings, dependsOn) = ApplicationSettings(session, target, spec);
                var sameTarget = ProwlarrApplications.SameTarget(settings);
                if (spec.Name is null && !live.Any(r => SameName(r.Name, settings.Name))
                    && live.FirstOrDefault(r => SameImplementation(r, settings) && sameTarget(r)) is { } adopted)
                    settings = Renamed(settings, adopted.Name);
                var provider = await ProviderPlanner.PlanAsync(client, live, settings, session.Options.RotateSecrets, cancellationToken, sameTarget).ConfigureAwait(false);
                if (provider.Current is not null) matched.Add(provider.Current.Id);
                planned.Add(new PlannedProvider(settings, provider, spec.Origin, dependsOn));
            }
            catch (StarrException ex)
            {
                plan.Problem(ex, StarrResourceType.ProwlarrApplication, spec.Name ?? spec.App ?? "?", spec.Origin);
            }
        }
        foreach (var provider in await CheckStoredSecretsAsync(session, client, ProviderKind.Application, planned, plan, cancellationToken).ConfigureAwait(false))
            plan.Add(ToChange(target, provider, ApplicationStage, session.Options.ForceSave, client));
        if (target.Config.DeleteUnmanaged.Applications)
        {
            foreach (var resource in live.Where(r => !matched.Contains(r.Id) && !Ignored(target.Config.DeleteUnmanaged, r.Name)))
                plan.Add(DeleteChange(target, client, resource, ApplicationStage, session.Options.ForceSave));
        }
    }

    private static (ProviderSettings Settings, string? DependsOn) ApplicationSettings(ReconcileSession session, InstanceSession target, ApplicationSpec spec)
    {
        var prowlarr = target.Instance;
        var tags = TagIds(target, spec.Tags);
        ProviderSettings settings;
        string? dependsOn = null;
        if (spec.App is not null)
        {
            var app = session.State.FindInstance(spec.App)
                      ?? throw new StarrConfigurationException($"{prowlarr.Name}: application '{spec.App}' names no known instance.");
            settings = ProwlarrApplications.Desired(prowlarr, app, spec.SyncLevel ?? SyncLevel.FullSync, spec.Name ?? StandardWiring.DisplayName(app),
                spec.ProwlarrUrl ?? session.State.InternalUrl(prowlarr), spec.AppUrl ?? session.State.InternalUrl(app), spec.SyncCategories, tags);
            dependsOn = app.Name;
        }
        else
        {
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal) { ["prowlarrUrl"] = (spec.ProwlarrUrl ?? session.State.InternalUrl(prowlarr)).AbsoluteUri.TrimEnd('/') };
            if (spec.AppUrl is not null) fields["baseUrl"] = spec.AppUrl.AbsoluteUri.TrimEnd('/');
            if (spec.SyncCategories is { Count: > 0 } categories) fields["syncCategories"] = categories.Cast<object?>().ToArray();
            settings = new ProviderSettings(ProviderKind.Application, spec.Name!, spec.Implementation!)
            {
                Fields = fields,
                Properties = new Dictionary<string, object?> { ["syncLevel"] = (spec.SyncLevel ?? SyncLevel.FullSync).ToApi() },
                Tags = tags,
            };
        }
        var mergedFields = new Dictionary<string, object?>(settings.Fields, StringComparer.Ordinal);
        foreach (var (key, value) in spec.Fields) mergedFields[key] = value;
        var mergedProperties = new Dictionary<string, object?>(settings.Properties, StringComparer.Ordinal);
        foreach (var (key, value) in spec.Properties) mergedProperties[key] = value;
        return (new ProviderSettings(ProviderKind.Application, settings.Name, settings.Implementation)
        {
            Enable = spec.Enable ?? settings.Enable,
            Fields = mergedFields,
            Properties = mergedProperties,
            Tags = settings.Tags,
        }, dependsOn);
    }

    /// <summary>Prowlarr pushes its indexers into the apps once, after its applications or indexers changed (only if one was actually saved).</summary>
    private static ReconcileChange IndexerSync(ReconcileSession session, InstanceSession target, ProwlarrClient client) =>
        new(target.Name, StarrResourceType.IndexerSync, ProwlarrClient.IndexerSyncCommand, ChangeAction.Create, [])
        {
            Stage = IndexerSyncStage,
            Execute = async (context, token) =>
            {
                var saved = context.Outcomes.Any(o => o.Status == ChangeStatus.Applied && o.Change.ResourceType is StarrResourceType.ProwlarrApplication or StarrResourceType.Indexer
                                                       && string.Equals(o.Change.Instance, target.Name, StringComparison.OrdinalIgnoreCase));
                if (!saved) throw new ChangeSkippedException("no application or indexer was saved", nothingToDo: true);
                if (session.Options.IndexerSyncTimeout is { } timeout) await client.SyncIndexersAsync(timeout, token).ConfigureAwait(false);
                else await client.RunCommandAsync(ProwlarrClient.IndexerSyncCommand, new JsonObject { ["forceSync"] = true }, null, token).ConfigureAwait(false);
            },
        };

    // ---- helpers ----

    /// <summary>A download client pointing at the same host and port (the standard wiring's way to recognise a hand-made one).</summary>
    private static Func<ProviderResource, bool> SameHost(ProviderSettings desired) => resource =>
        desired.Fields.TryGetValue("host", out var host) && host is string wantedHost
        && string.Equals(resource.FieldValue("host")?.ToString(), wantedHost, StringComparison.OrdinalIgnoreCase)
        && (!desired.Fields.TryGetValue("port", out var port) || string.Equals(resource.FieldValue("port")?.ToString(), Convert.ToString(port, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    private static bool SameName(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool SameImplementation(ProviderResource resource, ProviderSettings settings) =>
        string.Equals(resource.Implementation, settings.Implementation, StringComparison.OrdinalIgnoreCase);

    private static ProviderSettings Renamed(ProviderSettings settings, string name) => new(settings.Kind, name, settings.Implementation)
    {
        Enable = settings.Enable,
        Fields = settings.Fields,
        Properties = settings.Properties,
        Tags = settings.Tags,
    };

    private static bool Ignored(UnmanagedPolicy policy, string name) => policy.Ignore.Any(pattern => Wildcard.IsMatch(name, pattern));
}
