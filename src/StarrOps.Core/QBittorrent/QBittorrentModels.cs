using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace StarrOps.Core.QBittorrent;

// Typed subsets of qBittorrent's WebUI API v2 answers. Each carries the instance it came from, so that it
// binds to -Instance of the next cmdlet in a pipeline.

/// <summary>The preferences StarrOps reads (the VPN kill-switch binding and the peer-discovery switches), plus all of them in <see cref="Raw"/>.</summary>
public sealed record QBittorrentPreferences
{
    public string Instance { get; init; } = "";
    /// <summary>The network interface the torrent session is bound to ("" = any). Binding it to the VPN tunnel (tun0, wg0) is the kill switch.</summary>
    [JsonPropertyName("current_network_interface")] public string CurrentNetworkInterface { get; init; } = "";
    /// <summary>The address on that interface ("" = all addresses).</summary>
    [JsonPropertyName("current_interface_address")] public string CurrentInterfaceAddress { get; init; } = "";
    [JsonPropertyName("listen_port")] public int ListenPort { get; init; }
    [JsonPropertyName("dht")] public bool Dht { get; init; }
    [JsonPropertyName("pex")] public bool Pex { get; init; }
    /// <summary>Local peer discovery.</summary>
    [JsonPropertyName("lsd")] public bool Lsd { get; init; }
    /// <summary>UPnP / NAT-PMP port forwarding.</summary>
    [JsonPropertyName("upnp")] public bool Upnp { get; init; }
    [JsonPropertyName("anonymous_mode")] public bool AnonymousMode { get; init; }
    [JsonPropertyName("save_path")] public string SavePath { get; init; } = "";
    [JsonPropertyName("web_ui_address")] public string? WebUiAddress { get; init; }
    [JsonPropertyName("web_ui_port")] public int? WebUiPort { get; init; }
    [JsonPropertyName("web_ui_username")] public string? WebUiUsername { get; init; }
    /// <summary>Every preference as qBittorrent sent it, with password values masked.</summary>
    [JsonIgnore] public JsonObject Raw { get; init; } = new();
}

/// <summary>Global transfer state: <see cref="ConnectionStatus"/> is connected, firewalled or disconnected.</summary>
public sealed record QBittorrentTransferInfo
{
    public string Instance { get; init; } = "";
    [JsonPropertyName("connection_status")] public string ConnectionStatus { get; init; } = "";
    [JsonPropertyName("dht_nodes")] public int DhtNodes { get; init; }
    /// <summary>Download speed in bytes per second.</summary>
    [JsonPropertyName("dl_info_speed")] public long DownloadSpeed { get; init; }
    /// <summary>Upload speed in bytes per second.</summary>
    [JsonPropertyName("up_info_speed")] public long UploadSpeed { get; init; }
    /// <summary>Bytes downloaded this session.</summary>
    [JsonPropertyName("dl_info_data")] public long Downloaded { get; init; }
    /// <summary>Bytes uploaded this session.</summary>
    [JsonPropertyName("up_info_data")] public long Uploaded { get; init; }
    /// <summary>Download limit in bytes per second (0 = none).</summary>
    [JsonPropertyName("dl_rate_limit")] public long DownloadLimit { get; init; }
    [JsonPropertyName("up_rate_limit")] public long UploadLimit { get; init; }
}

public sealed record QBittorrentCategory
{
    public string Instance { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>"" means the default save path.</summary>
    public string SavePath { get; init; } = "";
}
