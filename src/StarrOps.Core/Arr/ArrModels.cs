using StarrOps.Core.Http;

namespace StarrOps.Core.Arr;

// Typed records for the small, stable Servarr shapes. Each carries the instance it came from, so
// that it binds to -Instance of the next cmdlet in a pipeline.

public sealed record SystemStatus
{
    public string Instance { get; init; } = "";
    public string AppName { get; init; } = "";
    public string InstanceName { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Branch { get; init; }
    public string? UrlBase { get; init; }
    public string? OsName { get; init; }
    public bool IsDocker { get; init; }
    public string? Authentication { get; init; }
    public DateTimeOffset? StartTime { get; init; }
}

public sealed record HealthItem
{
    public string Instance { get; init; } = "";
    public string Source { get; init; } = "";
    /// <summary>ok, notice, warning or error, as the app says.</summary>
    public string Type { get; init; } = "";
    public string Message { get; init; } = "";
    public string? WikiUrl { get; init; }
}

public sealed record StarrTag
{
    public string Instance { get; init; } = "";
    public int Id { get; init; }
    public string Label { get; init; } = "";

    internal static StarrTag Read(JsonFields f) => new() { Id = f.Int("id"), Label = f.String("label") };
}

public sealed record RootFolder
{
    public string Instance { get; init; } = "";
    public int Id { get; init; }
    public string Path { get; init; } = "";
    public string? Name { get; init; }
    public bool Accessible { get; init; }
    public long? FreeSpace { get; init; }
    public int? DefaultQualityProfileId { get; init; }
    public int? DefaultMetadataProfileId { get; init; }

    internal static RootFolder Read(JsonFields f) => new()
    {
        Id = f.Int("id"),
        Path = f.String("path"),
        Name = f.StringOrNull("name"),
        Accessible = f.Bool("accessible"),
        FreeSpace = f.LongOrNull("freeSpace"),
        DefaultQualityProfileId = f.IntOrNull("defaultQualityProfileId"),
        DefaultMetadataProfileId = f.IntOrNull("defaultMetadataProfileId"),
    };
}

public sealed record QualityProfile
{
    public int Id { get; init; }
    public string Name { get; init; } = "";
}

public sealed record CommandStatus
{
    public string Instance { get; init; } = "";
    public int Id { get; init; }
    public string Name { get; init; } = "";
    /// <summary>queued, started, completed, failed, aborted, cancelled.</summary>
    public string Status { get; init; } = "";
    public string? Result { get; init; }
    public string? Message { get; init; }
    public DateTimeOffset? Queued { get; init; }
    public DateTimeOffset? Ended { get; init; }

    public bool IsFinished => Status is "completed" or "failed" or "aborted" or "cancelled" or "orphaned";
    public bool Succeeded => Status == "completed";
}
