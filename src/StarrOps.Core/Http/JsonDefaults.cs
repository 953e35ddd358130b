using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace StarrOps.Core.Http;

/// <summary>JSON settings shared by every client: camelCase like the apps, case-insensitive reads, enums as strings.</summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        // Generated metadata first (no reflection for the common reads), reflection for everything else.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(StarrJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}
