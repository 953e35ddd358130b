using System.Text.Json.Nodes;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Bazarr;

/// <summary>The two apps Bazarr connects to.</summary>
public enum BazarrTarget
{
    Sonarr,
    Radarr,
}

/// <summary>How Bazarr sees one of its apps, from the version it reports in <c>/api/system/status</c>.</summary>
public enum BazarrLinkState
{
    /// <summary>use_sonarr/use_radarr is off (the version is "").</summary>
    Disabled,
    /// <summary>Enabled, but Bazarr could not reach the app (the version is "unknown").</summary>
    Unreachable,
    /// <summary>Enabled and answering.</summary>
    Connected,
}

public sealed record BazarrStatus
{
    public string Instance { get; init; } = "";
    public string BazarrVersion { get; init; } = "";
    /// <summary>"" when Sonarr is disabled, "unknown" when Bazarr cannot reach it.</summary>
    public string SonarrVersion { get; init; } = "";
    public string RadarrVersion { get; init; } = "";
    public string PythonVersion { get; init; } = "";
    public string OperatingSystem { get; init; } = "";
    public BazarrLinkState Sonarr => StateOf(SonarrVersion);
    public BazarrLinkState Radarr => StateOf(RadarrVersion);

    public static BazarrLinkState StateOf(string? version) => version switch
    {
        null or "" => BazarrLinkState.Disabled,
        _ when string.Equals(version, "unknown", StringComparison.OrdinalIgnoreCase) => BazarrLinkState.Unreachable,
        _ => BazarrLinkState.Connected,
    };
}

/// <summary>Where Bazarr finds Sonarr or Radarr: <c>sonarr.{ip, port, base_url, ssl, apikey}</c> in its settings.</summary>
public sealed record BazarrConnection
{
    /// <summary>Host name or address (in a cluster, the app's Service name).</summary>
    public string Ip { get; init; } = "";
    public int Port { get; init; }
    /// <summary>URL base ("" or "/sonarr"); Bazarr stores "/" for none and may read it back as "".</summary>
    public string BaseUrl { get; init; } = "";
    public bool Ssl { get; init; }
    /// <summary>The app's API key; null on input leaves the stored key alone.</summary>
    public Secret? ApiKey { get; init; }

    /// <summary>http(s)://ip:port/base, for messages.</summary>
    public string Url => $"{(Ssl ? "https" : "http")}://{Ip}:{Port}{BazarrSettings.NormaliseBaseUrl(BaseUrl)}";
}

/// <summary>The settings StarrOps manages, and the whole document (passwords and keys masked) in <see cref="Raw"/>.</summary>
public sealed record BazarrSettings
{
    public string Instance { get; init; } = "";
    public bool UseSonarr { get; init; }
    public bool UseRadarr { get; init; }
    public BazarrConnection Sonarr { get; init; } = new();
    public BazarrConnection Radarr { get; init; } = new();
    public JsonObject Raw { get; init; } = new();

    public bool Uses(BazarrTarget target) => target == BazarrTarget.Sonarr ? UseSonarr : UseRadarr;
    public BazarrConnection ConnectionOf(BazarrTarget target) => target == BazarrTarget.Sonarr ? Sonarr : Radarr;

    /// <summary>"/" and "" both mean no URL base; "/sonarr/" and "sonarr" mean "/sonarr".</summary>
    public static string NormaliseBaseUrl(string? baseUrl)
    {
        var trimmed = (baseUrl ?? "").Trim().Trim('/');
        return trimmed.Length == 0 ? "" : "/" + trimmed;
    }
}

/// <summary>One Bazarr setting to write: section and key as in the settings document (<c>sonarr</c>, <c>port</c>).</summary>
public sealed record BazarrSettingValue(string Section, string Key, object Value)
{
    /// <summary>The form field name Bazarr expects: settings-sonarr-port.</summary>
    public string FormName => $"settings-{Section}-{Key}";
    public override string ToString() => $"{Section}.{Key} = {(Value is Secret ? Secret.Display : Value)}";
}

/// <summary>One field that differs between Bazarr's settings and the desired connection; secrets are never shown.</summary>
public sealed record BazarrSettingChange(string Setting, string? OldValue, string? NewValue, bool IsSecret)
{
    public override string ToString() => IsSecret ? $"{Setting}: (secret) -> (secret)" : $"{Setting}: '{OldValue}' -> '{NewValue}'";
}

/// <summary>What Bazarr's own connection test (<c>/test/…</c>, the Settings page's Test button) says about an app.</summary>
public sealed record BazarrConnectionTest
{
    public string Instance { get; init; } = "";
    public BazarrTarget Target { get; init; }
    public string Url { get; init; } = "";
    /// <summary>True/false as Bazarr reported it; null when this Bazarr version has no usable test route.</summary>
    public bool? Reachable { get; init; }
    public string? Version { get; init; }
    public string? Error { get; init; }
}

/// <summary>The outcome of connecting Bazarr to Sonarr or Radarr.</summary>
public sealed record BazarrConnectResult
{
    public string Instance { get; init; } = "";
    public BazarrTarget Target { get; init; }
    public string Url { get; init; } = "";
    /// <summary>What differed (empty when Bazarr was already connected as desired).</summary>
    public IReadOnlyList<BazarrSettingChange> Changes { get; init; } = [];
    /// <summary>False when nothing had to change, or when ShouldProcess declined (-WhatIf).</summary>
    public bool Applied { get; init; }
    public BazarrLinkState State { get; init; }
    /// <summary>The app version Bazarr reports after the change ("" disabled, "unknown" unreachable).</summary>
    public string AppVersion { get; init; } = "";
}
