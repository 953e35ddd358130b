using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StarrOps.Core.Sabnzbd;

// Typed subsets of SABnzbd's /api answers (mode=queue, get_config, get_cats). Each carries its instance.

public sealed record SabnzbdQueue
{
    public string Instance { get; init; } = "";
    /// <summary>Idle, Downloading, Paused …</summary>
    public string Status { get; init; } = "";
    public bool Paused { get; init; }
    /// <summary>Current speed in KB/s.</summary>
    public double KilobytesPerSecond { get; init; }
    /// <summary>Speed limit as SABnzbd shows it (a percentage of the line speed, or "" when none).</summary>
    public string SpeedLimit { get; init; } = "";
    public string TimeLeft { get; init; } = "";
    public string SizeLeft { get; init; } = "";
    /// <summary>Jobs in the queue, all pages included.</summary>
    public int TotalSlots { get; init; }
    public IReadOnlyList<SabnzbdQueueItem> Items { get; init; } = [];
}

public sealed record SabnzbdQueueItem
{
    [JsonPropertyName("nzo_id")] public string Id { get; init; } = "";
    [JsonPropertyName("filename")] public string Name { get; init; } = "";
    [JsonPropertyName("cat")] public string Category { get; init; } = "";
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("percentage")] public string Percentage { get; init; } = "";
    [JsonPropertyName("timeleft")] public string TimeLeft { get; init; } = "";
    [JsonPropertyName("mb")] public string SizeMegabytes { get; init; } = "";
    [JsonPropertyName("mbleft")] public string LeftMegabytes { get; init; } = "";
}

/// <summary>The parts of SABnzbd's configuration StarrOps checks, plus the whole document (keys and passwords masked) in <see cref="Raw"/>.</summary>
public sealed record SabnzbdConfig
{
    public string Instance { get; init; } = "";
    public string CompleteDir { get; init; } = "";
    public string DownloadDir { get; init; } = "";
    public string Host { get; init; } = "";
    public string Port { get; init; } = "";
    public string UrlBase { get; init; } = "";
    public IReadOnlyList<SabnzbdCategory> Categories { get; init; } = [];
    public IReadOnlyList<SabnzbdServer> Servers { get; init; } = [];
    [JsonIgnore] public JsonObject Raw { get; init; } = new();
}

public sealed record SabnzbdCategory
{
    public string Name { get; init; } = "";
    /// <summary>Folder under the complete dir ("" = the complete dir itself).</summary>
    public string Dir { get; init; } = "";
    /// <summary>Post-processing level ("" = default, 0-3).</summary>
    public string PostProcessing { get; init; } = "";
    public string Script { get; init; } = "";
    public int Priority { get; init; }
}

public sealed record SabnzbdServer
{
    public string Name { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public bool Ssl { get; init; }
    public bool Enabled { get; init; }
    public int Connections { get; init; }
}
