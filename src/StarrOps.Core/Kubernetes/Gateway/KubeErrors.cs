using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;

namespace StarrOps.Core.Kubernetes.Gateway;

/// <summary>
/// KubernetesClient's failures to the core's typed exceptions: an <see cref="HttpOperationException"/> carries the
/// API's meta/v1 Status in its response body, which becomes a <see cref="KubernetesException"/> naming the verb,
/// resource and namespace; a failed connection, a timeout and a failing credential plugin get their own. The
/// library's exception is never kept as the inner exception: its request wrapper holds the request headers.
/// </summary>
internal static class KubeErrors
{
    public static KubernetesStatus? ParseStatus(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(body);
            return status is null || (status.Kind is not null && status.Kind != "Status") ? null : Status(status);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static KubernetesStatus Status(V1Status status) => new(status.Status, status.Message, status.Reason, status.Code, status.Details?.Name,
        status.Details?.Kind, status.Details?.Group,
        status.Details?.Causes?.Select(c => new KubernetesStatusCause(c.Reason, c.Message, c.Field)).ToList() ?? []);

    /// <summary>The exception to throw instead of <paramref name="ex"/>; null when it is not KubernetesClient's to translate.</summary>
    public static Exception? Translate(Exception ex, KubernetesOperation operation, KubernetesConnection connection, TimeSpan timeout,
        CancellationToken cancellationToken) => ex switch
        {
            HttpOperationException { Response: { } response } => KubernetesException.FromResponse(operation, response.StatusCode, ParseStatus(response.Content),
                connection.Server.ToString()),
            HttpRequestException request => Unreachable(operation, request, connection),
            OperationCanceledException when !cancellationToken.IsCancellationRequested => TimedOut(operation, connection, timeout),
            KubeConfigException config => new StarrConfigurationException($"{operation}: the credentials of {connection.Source} could not be obtained: {KubeConfigBuilder.FirstLine(config.Message)}"),
            JsonException or System.Runtime.Serialization.SerializationException => new KubernetesException(
                $"{operation}: the answer of {connection.Server} was not JSON (is it a Kubernetes API server?).", operation, KubernetesFailure.ApiError),
            _ => null,
        };

    public static KubernetesException Unreachable(KubernetesOperation operation, HttpRequestException ex, KubernetesConnection connection)
    {
        var reason = ex.InnerException switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "host name not found",
            SocketException { SocketErrorCode: SocketError.TimedOut } => "connection timed out",
            SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable } => "network unreachable",
            AuthenticationException auth => $"TLS failed: {auth.Message} (is the cluster's certificate authority in the kubeconfig right?)",
            { } inner => inner.Message,
            null => ex.Message,
        };
        return new KubernetesException($"{operation}: the Kubernetes API server at {connection.Server} is unreachable ({reason}). Check the server address in {connection.Source} and that the cluster is running.",
            operation, KubernetesFailure.Unreachable, inner: ex)
        { RecommendedAction = $"Check that {connection.Server} answers from where StarrOps runs (kubectl cluster-info)." };
    }

    public static KubernetesException TimedOut(KubernetesOperation operation, KubernetesConnection connection, TimeSpan timeout) =>
        new($"{operation}: the Kubernetes API server at {connection.Server} did not answer within {timeout.TotalSeconds:0.#} s.", operation, KubernetesFailure.TimedOut);

    public static KubernetesException Refused(KubernetesOperation operation, HttpStatusCode status, string? body, KubernetesConnection connection) =>
        KubernetesException.FromResponse(operation, status, ParseStatus(body), connection.Server.ToString());
}
