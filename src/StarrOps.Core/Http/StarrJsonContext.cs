using System.Text.Json;
using System.Text.Json.Serialization;
using StarrOps.Core.Arr;

namespace StarrOps.Core.Http;

/// <summary>
/// Source-generated JSON metadata for the typed reads: without it the first typed read of a process builds the
/// metadata by reflection (every built-in converter, emitted accessors), which an hourly, short-lived CronJob pays on every
/// run. Types not listed here still work through the reflection resolver that <see cref="JsonDefaults"/> falls back to.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SystemStatus))]
[JsonSerializable(typeof(List<HealthItem>))]
[JsonSerializable(typeof(List<StarrTag>))]
[JsonSerializable(typeof(StarrTag))]
[JsonSerializable(typeof(List<QualityProfile>))]
[JsonSerializable(typeof(List<RootFolder>))]
[JsonSerializable(typeof(RootFolder))]
[JsonSerializable(typeof(CommandStatus))]
[JsonSerializable(typeof(List<Prowlarr.AppProfile>))]
[JsonSerializable(typeof(Jellyseerr.JellyseerrStatus))]
[JsonSerializable(typeof(Jellyseerr.JellyseerrPublicSettings))]
[JsonSerializable(typeof(Jellyfin.JellyfinPublicInfo))]
[JsonSerializable(typeof(Jellyfin.JellyfinSystemInfo))]
[JsonSerializable(typeof(Gluetun.GluetunPublicIp))]
[JsonSerializable(typeof(Gluetun.GluetunVpnStatus))]
internal sealed partial class StarrJsonContext : JsonSerializerContext;
