using System.Net;
using System.Text;

namespace StarrOps.Core;

/// <summary>Base of every error the core raises on purpose. The cmdlet base maps each to an ErrorRecord with <see cref="ErrorId"/> and <see cref="Category"/>.</summary>
public abstract class StarrException : Exception
{
    protected StarrException(string message, Exception? inner = null) : base(message, inner) { }
    public abstract string ErrorId { get; }
    public abstract StarrErrorCategory Category { get; }
    /// <summary>What the user can do about it, when we know.</summary>
    public string? RecommendedAction { get; init; }
}

/// <summary>Mirrors the PowerShell ErrorCategory values the design names, without referencing PowerShell.</summary>
public enum StarrErrorCategory
{
    NotSpecified,
    AuthenticationError,
    PermissionDenied,
    ObjectNotFound,
    ResourceExists,
    ConnectionError,
    InvalidData,
    InvalidArgument,
    InvalidOperation,
    OperationTimeout,
}

/// <summary>Bad configuration or input: unusable before anything is sent.</summary>
public sealed class StarrConfigurationException(string message) : StarrException(message)
{
    public override string ErrorId => "StarrConfigurationInvalid";
    public override StarrErrorCategory Category => StarrErrorCategory.InvalidData;
}

/// <summary>A field name or value that the implementation's schema does not have.</summary>
public sealed class StarrFieldException(string message, string implementation, string field, IReadOnlyList<string> validNames) : StarrException(message)
{
    public string Implementation { get; } = implementation;
    public string Field { get; } = field;
    public IReadOnlyList<string> ValidNames { get; } = validNames;
    public override string ErrorId => "StarrUnknownField";
    public override StarrErrorCategory Category => StarrErrorCategory.InvalidArgument;
}

/// <summary>The service could not be reached, or did not answer within the timeout.</summary>
public sealed class StarrConnectionException(string instance, Uri url, string message, bool timedOut, Exception? inner = null)
    : StarrException(message, inner)
{
    public string Instance { get; } = instance;
    public Uri Url { get; } = url;
    public bool TimedOut { get; } = timedOut;
    public override string ErrorId => TimedOut ? "StarrTimeout" : "StarrUnreachable";
    public override StarrErrorCategory Category => TimedOut ? StarrErrorCategory.OperationTimeout : StarrErrorCategory.ConnectionError;
}

/// <summary>One validation failure as the Servarr apps report it (400 array body) or as problem details list it.</summary>
public sealed record StarrValidationFailure(string PropertyName, string ErrorMessage, bool IsWarning = false, string? Detail = null)
{
    public override string ToString() =>
        $"{(IsWarning ? "warning" : "error")} {(PropertyName.Length == 0 ? "(request)" : PropertyName)}: {ErrorMessage}{(string.IsNullOrEmpty(Detail) ? "" : $" ({Detail})")}";
}

/// <summary>The API answered with a non-success status. The message names instance, method, path, status and each failure by field.</summary>
public sealed class StarrApiException : StarrException
{
    public StarrApiException(string instance, string method, string path, HttpStatusCode status, string? apiMessage, IReadOnlyList<StarrValidationFailure> failures, string? debugDetail)
        : base(BuildMessage(instance, method, path, status, apiMessage, failures))
    {
        Instance = instance;
        Method = method;
        Path = path;
        StatusCode = status;
        ApiMessage = apiMessage;
        Failures = failures;
        DebugDetail = debugDetail;
    }

    public string Instance { get; }
    public string Method { get; }
    public string Path { get; }
    public HttpStatusCode StatusCode { get; }
    public string? ApiMessage { get; }
    public IReadOnlyList<StarrValidationFailure> Failures { get; }
    /// <summary>Stack trace or raw body the server sent; shown at debug level only.</summary>
    public string? DebugDetail { get; }
    /// <summary>True when every failure is a warning: saving again with force-save would succeed.</summary>
    public bool OnlyWarnings => Failures.Count > 0 && Failures.All(f => f.IsWarning);

    public override string ErrorId => StatusCode switch
    {
        HttpStatusCode.Unauthorized => "StarrUnauthorized",
        HttpStatusCode.Forbidden => "StarrForbidden",
        HttpStatusCode.NotFound => "StarrNotFound",
        HttpStatusCode.Conflict => "StarrConflict",
        HttpStatusCode.BadRequest => "StarrValidationFailed",
        _ => "StarrApiError",
    };

    public override StarrErrorCategory Category => StatusCode switch
    {
        HttpStatusCode.Unauthorized => StarrErrorCategory.AuthenticationError,
        HttpStatusCode.Forbidden => StarrErrorCategory.PermissionDenied,
        HttpStatusCode.NotFound => StarrErrorCategory.ObjectNotFound,
        HttpStatusCode.Conflict => StarrErrorCategory.ResourceExists,
        HttpStatusCode.BadRequest => StarrErrorCategory.InvalidData,
        _ => StarrErrorCategory.NotSpecified,
    };

    private static string BuildMessage(string instance, string method, string path, HttpStatusCode status, string? apiMessage, IReadOnlyList<StarrValidationFailure> failures)
    {
        var text = new StringBuilder();
        text.Append(instance).Append(": ").Append(method).Append(' ').Append(path).Append(" failed with ")
            .Append((int)status).Append(' ').Append(status);
        if (status == HttpStatusCode.Unauthorized)
            text.Append(". The API key was rejected: check the instance's API key (Settings > General in the app, or <ApiKey> in config.xml).");
        else if (!string.IsNullOrWhiteSpace(apiMessage))
            text.Append(": ").Append(apiMessage.Trim());
        foreach (var failure in failures) text.Append(Environment.NewLine).Append("  ").Append(failure);
        if (failures.Count > 0 && failures.All(f => f.IsWarning))
            text.Append(Environment.NewLine).Append("  Only warnings were reported: save again with -Force to override them.");
        return text.ToString();
    }
}

/// <summary>
/// A username/password login was refused: qBittorrent answered "Fails." (or banned the address after too many
/// failures), Jellyfin answered 401 to AuthenticateByName. Distinct from <see cref="StarrApiException"/> with 401,
/// whose message is about API keys. The message names the instance and the user, never the password.
/// </summary>
public sealed class StarrLoginException(string instance, string message, bool banned = false) : StarrException(message)
{
    public string Instance { get; } = instance;
    /// <summary>True when the service refuses every login from this address for a while (qBittorrent's ban after repeated failures).</summary>
    public bool Banned { get; } = banned;
    public override string ErrorId => Banned ? "StarrLoginBanned" : "StarrLoginRejected";
    public override StarrErrorCategory Category => Banned ? StarrErrorCategory.PermissionDenied : StarrErrorCategory.AuthenticationError;
}

/// <summary>What the user named does not exist (no download client by that name, no such root folder).</summary>
public sealed class StarrNotFoundException(string message) : StarrException(message)
{
    public override string ErrorId => "StarrNotFound";
    public override StarrErrorCategory Category => StarrErrorCategory.ObjectNotFound;
}

/// <summary>An operation the app ran for us ended badly (a command that finished as failed).</summary>
public sealed class StarrOperationException(string message) : StarrException(message)
{
    public override string ErrorId => "StarrOperationFailed";
    public override StarrErrorCategory Category => StarrErrorCategory.InvalidOperation;
}
