using System.Net;
using System.Text;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>How a Kubernetes call failed: the API answered an error, the server was not reached, or an exec'd command failed.</summary>
public enum KubernetesFailure
{
    ApiError,
    Unreachable,
    TimedOut,
    CommandFailed,
}

/// <summary>
/// A failed Kubernetes call. The message names the verb, resource, namespace and name, explains the
/// status (401 credentials, 403 the missing Role rule, 404 what was not found) and never holds a token.
/// </summary>
public sealed class KubernetesException : StarrException
{
    public KubernetesException(string message, KubernetesOperation operation, KubernetesFailure failure,
        HttpStatusCode? statusCode = null, KubernetesStatus? status = null, Exception? inner = null)
        : base(SecretRegistry.Redact(message), inner)
    {
        Operation = operation;
        Failure = failure;
        StatusCode = statusCode;
        Status = status;
    }

    public KubernetesOperation Operation { get; }
    public KubernetesFailure Failure { get; }
    public string Verb => Operation.Verb;
    /// <summary>"secrets", "pods/exec".</summary>
    public string Resource => Operation.ResourceName;
    public string? Namespace => Operation.Namespace;
    public string? Name => Operation.Name;
    public HttpStatusCode? StatusCode { get; }
    /// <summary>The API's Status body, when it sent one.</summary>
    public KubernetesStatus? Status { get; }
    public string? Reason => Status?.Reason;
    public string? ApiMessage => Status?.Message is { } message ? SecretRegistry.Redact(message) : null;
    /// <summary>For <see cref="KubernetesFailure.CommandFailed"/>: the command's exit code, when it ran at all.</summary>
    public int? ExitCode { get; init; }

    public override string ErrorId => Failure switch
    {
        KubernetesFailure.Unreachable => "KubernetesUnreachable",
        KubernetesFailure.TimedOut => "KubernetesTimeout",
        KubernetesFailure.CommandFailed => "KubernetesCommandFailed",
        _ => StatusCode switch
        {
            HttpStatusCode.Unauthorized => "KubernetesUnauthorized",
            HttpStatusCode.Forbidden => "KubernetesForbidden",
            HttpStatusCode.NotFound => "KubernetesNotFound",
            HttpStatusCode.Conflict => "KubernetesConflict",
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => "KubernetesInvalid",
            _ => "KubernetesApiError",
        },
    };

    public override StarrErrorCategory Category => Failure switch
    {
        KubernetesFailure.Unreachable => StarrErrorCategory.ConnectionError,
        KubernetesFailure.TimedOut => StarrErrorCategory.OperationTimeout,
        KubernetesFailure.CommandFailed => StarrErrorCategory.InvalidOperation,
        _ => StatusCode switch
        {
            HttpStatusCode.Unauthorized => StarrErrorCategory.AuthenticationError,
            HttpStatusCode.Forbidden => StarrErrorCategory.PermissionDenied,
            HttpStatusCode.NotFound => StarrErrorCategory.ObjectNotFound,
            HttpStatusCode.Conflict => StarrErrorCategory.ResourceExists,
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => StarrErrorCategory.InvalidData,
            _ => StarrErrorCategory.NotSpecified,
        },
    };

    /// <summary>Builds the exception for an error answer of the API server.</summary>
    internal static KubernetesException FromResponse(KubernetesOperation operation, HttpStatusCode statusCode, KubernetesStatus? status, string server)
    {
        var apiMessage = status?.Message?.Trim();
        var text = new StringBuilder().Append(operation).Append(": ");
        string? action = null;
        switch (statusCode)
        {
            case HttpStatusCode.Unauthorized:
                text.Append($"the credentials were rejected (expired token?) by the Kubernetes API server at {server} (401 Unauthorized).");
                action = "Renew the token or log in to the cluster again (for a kubeconfig: refresh the context's credentials; in a pod: check the service account token).";
                break;
            case HttpStatusCode.Forbidden:
                text.Append("permission denied (403 Forbidden)");
                if (!string.IsNullOrEmpty(apiMessage)) text.Append(": ").Append(apiMessage.TrimEnd('.'));
                text.Append($". The Role bound to this account lacks verb \"{operation.Verb}\" on \"{operation.ResourceName}\"");
                if (operation.Namespace is not null) text.Append($" in namespace \"{operation.Namespace}\"");
                text.Append(": add it to the Role.");
                action = $"Add the rule {operation.RequiredRule} to the Role{(operation.Namespace is null ? "" : $" in namespace \"{operation.Namespace}\"")} bound to the account StarrOps uses.";
                break;
            case HttpStatusCode.NotFound:
                text.Append(NotFoundText(operation, status, apiMessage));
                break;
            case HttpStatusCode.Conflict when string.Equals(status?.Reason, "AlreadyExists", StringComparison.Ordinal):
                text.Append($"{operation.Resource.Singular} \"{status?.DetailsName ?? operation.Name}\" already exists")
                    .Append(operation.Namespace is null ? "." : $" in namespace \"{operation.Namespace}\".");
                break;
            default:
                text.Append($"the API server answered {(int)statusCode} {status?.Reason ?? statusCode.ToString()}");
                text.Append(string.IsNullOrEmpty(apiMessage) ? "." : $": {apiMessage}");
                if (status is not null)
                {
                    foreach (var cause in status.Causes.Where(c => c.Message is not null))
                        text.Append(Environment.NewLine).Append("  ").Append(cause.Field is null ? "" : cause.Field + ": ").Append(cause.Message);
                }
                break;
        }
        return new KubernetesException(text.ToString(), operation, KubernetesFailure.ApiError, statusCode, status) { RecommendedAction = action };
    }

    private static string NotFoundText(KubernetesOperation operation, KubernetesStatus? status, string? apiMessage)
    {
        // The namespace itself may be what is missing ("namespaces \"media\" not found").
        if (status?.DetailsKind == "namespaces" && operation.Resource != KubernetesApiResource.Namespaces)
            return $"namespace \"{status.DetailsName}\" not found.";
        if (operation.Name is not null && (status?.DetailsName is null || status.DetailsName == operation.Name))
            return operation.Namespace is null
                ? $"{operation.Resource.Singular} \"{operation.Name}\" not found."
                : $"{operation.Resource.Singular} \"{operation.Name}\" not found in namespace \"{operation.Namespace}\".";
        if (operation.Name is null && status?.DetailsName is null)
            return $"the API server does not serve {operation.Resource.QualifiedPlural} ({operation.Resource.ApiVersion}): {apiMessage ?? "not found"}.";
        return (apiMessage ?? "not found") + ".";
    }
}
