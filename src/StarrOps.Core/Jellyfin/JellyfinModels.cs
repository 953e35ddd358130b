using StarrOps.Core.Instances;

namespace StarrOps.Core.Jellyfin;

// Typed subsets of Jellyfin's answers (PascalCase on the wire). Each carries the instance it came from.

/// <summary>GET /System/Info/Public, answered without authentication.</summary>
public sealed record JellyfinPublicInfo
{
    public string Instance { get; init; } = "";
    public string ServerName { get; init; } = "";
    public string Version { get; init; } = "";
    public string ProductName { get; init; } = "";
    public string Id { get; init; } = "";
    public string? LocalAddress { get; init; }
    /// <summary>False on a fresh server: the first-run wizard (admin user, language) has not been completed.</summary>
    public bool StartupWizardCompleted { get; init; }
}

/// <summary>GET /System/Info (needs a token or API key).</summary>
public sealed record JellyfinSystemInfo
{
    public string Instance { get; init; } = "";
    public string ServerName { get; init; } = "";
    public string Version { get; init; } = "";
    public string Id { get; init; } = "";
    public string? OperatingSystemDisplayName { get; init; }
    public string? SystemArchitecture { get; init; }
    public bool HasPendingRestart { get; init; }
    public bool HasUpdateAvailable { get; init; }
    public bool StartupWizardCompleted { get; init; }
}

/// <summary>A successful login: the user and the access token the client now uses.</summary>
public sealed record JellyfinSession
{
    public string Instance { get; init; } = "";
    public string UserName { get; init; } = "";
    public string UserId { get; init; } = "";
    public string ServerId { get; init; } = "";
    public bool IsAdministrator { get; init; }
    public required Secret AccessToken { get; init; }
}

/// <summary>One API key (Dashboard > API Keys). The key itself is a <see cref="Secret"/>.</summary>
public sealed record JellyfinApiKey
{
    public string Instance { get; init; } = "";
    public string AppName { get; init; } = "";
    public required Secret AccessToken { get; init; }
    public DateTimeOffset? DateCreated { get; init; }
    public DateTimeOffset? DateLastActivity { get; init; }
}

/// <summary>A library (virtual folder) and the folders it scans.</summary>
public sealed record JellyfinLibrary
{
    public string Instance { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>movies, tvshows, music … (null for mixed content).</summary>
    public string? CollectionType { get; init; }
    public IReadOnlyList<string> Locations { get; init; } = [];
    public string ItemId { get; init; } = "";
    public string? RefreshStatus { get; init; }
}
