namespace StarrOps.Core;

/// <summary>
/// A username/password login was refused: qBittorrent answered "Fails." (or banned the address after too many
/// failures), Jellyfin answered 401 to AuthenticateByName. Distinct from <see cref="StarrApiException"/> with 401,
/// whose message is about API keys. The message names the instance and the user, never the password.
/// </summary>
// Lives here because StarrExceptions.cs belongs to another part of the core; it is app-neutral and can move there.
public sealed class StarrLoginException(string instance, string message, bool banned = false) : StarrException(message)
{
    public string Instance { get; } = instance;
    /// <summary>True when the service refuses every login from this address for a while (qBittorrent's ban after repeated failures).</summary>
    public bool Banned { get; } = banned;
    public override string ErrorId => Banned ? "StarrLoginBanned" : "StarrLoginRejected";
    public override StarrErrorCategory Category => Banned ? StarrErrorCategory.PermissionDenied : StarrErrorCategory.AuthenticationError;
}
