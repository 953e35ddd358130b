using System.Text.Json;
using System.Text.Json.Serialization;
using StarrOps.Core.Arr;

namespace StarrOps.Core.Http;

/// <summary>
/// Source-generated JSON metadata for the typed reads: without it the first typed read of a process builds the
/// metadata by reflection (every built-in converter, emitted accessors), which an hourly, short-lived CronJob pays on every
/// run. Types not listed here still work through the reflection resolver that <see cref="JsonDefaults"/> falls back to.
/// What every converged run reads (root folders, tags, app profiles, Jellyseerr's public settings) does not go through
/// the serializer at all: <see cref="JsonFields"/> reads it from the parsed node, which is cheaper still.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SystemStatus))]
[JsonSerializable(typeof(List<HealthItem>))]
[JsonSerializable(typeof(List<QualityProfile>))]
[JsonSerializable(typeof(CommandStatus))]
[JsonSerializable(typeof(Jellyseerr.JellyseerrStatus))]
[JsonSerializable(typeof(Jellyfin.JellyfinPublicInfo))]
[JsonSerializable(typeof(Jellyfin.JellyfinSystemInfo))]
[JsonSerializable(typeof(Gluetun.GluetunPublicIp))]
[JsonSerializable(typeof(Gluetun.GluetunVpnStatus))]
internal sealed partial class StarrJsonContext : JsonSerializerContext;
