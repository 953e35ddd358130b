using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>meta/v1 Status bodies worded exactly as kube-apiserver words them.</summary>
public static class FakeStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject Unauthorized() => Failure(401, "Unauthorized", "Unauthorized");

    /// <summary><c>secrets "x" is forbidden: User "u" cannot get resource "secrets" in API group "" in the namespace "media"</c>.</summary>
    public static JsonObject Forbidden(FakeResourceType type, string? subresource, string? name, string? @namespace, string user, string verb)
    {
        var subject = name is null ? type.QualifiedPlural : $"{type.QualifiedPlural} \"{name}\"";
        var resource = subresource is null ? type.Plural : $"{type.Plural}/{subresource}";
        var scope = @namespace is null ? "at the cluster scope" : $"in the namespace \"{@namespace}\"";
        return Failure(403, "Forbidden",
            $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{type.Group}\" {scope}",
            type.Details(name));
    }

    public static JsonObject NotFound(FakeResourceType type, string name) =>
        Failure(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", type.Details(name));

    public static JsonObject NoSuchResource() =>
        Failure(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static JsonObject AlreadyExists(FakeResourceType type, string name) =>
        Failure(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", type.Details(name));

    public static JsonObject Conflict(FakeResourceType type, string name) =>
        Failure(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            type.Details(name));

    public static JsonObject BadRequest(string message) => Failure(400, "BadRequest", message);

    public static JsonObject Success(FakeResourceType type, string name, string? uid)
    {
        var details = type.Details(name);
        if (uid is not null) details["uid"] = uid;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }
}
