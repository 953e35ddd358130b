using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>One request the fake API server answered (for assertions).</summary>
public sealed record FakeApiRequest(string Method, string PathAndQuery, string? User, string? ContentType, string? Accept, string? Body, int StatusCode);

/// <summary>
/// A Kubernetes API server on https://127.0.0.1:{random port}, honest enough for the real kubectl:
/// its own CA and server certificate, bearer-token and client-certificate authentication, RBAC-style
/// rights per user with kube-apiserver's exact 401/403/404/409 Status bodies, discovery, in-memory
/// namespaces, secrets, configmaps, services, pods, deployments and statefulsets (+ /scale), jobs,
/// cronjobs and ingresses, label selectors, server-side Table printing, pod exec over WebSocket
/// (v5/v4 channel protocols, a pluggable <see cref="ExecHandler"/> per pod) and pod logs (with follow).
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    public const string KubernetesVersion = "v1.32.4";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeUser> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeUser> _certificateUsers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), ExecHandler> _execHandlers = new();
    private readonly ConcurrentDictionary<(string, string, string), byte[]> _files = new();
    private readonly ConcurrentDictionary<(string, string, string), FakePodLog> _logs = new();
    private readonly ConcurrentQueue<FakeApiRequest> _requests = new();
    private readonly ConcurrentQueue<Exception> _errors = new();

    private FakeKubernetesApiServer(WebApplication app, TestCertificateAuthority authority)
    {
        _app = app;
        Authority = authority;
        AdminToken = NewToken();
        AddToken(AdminToken, "kubernetes-admin", "*");
    }

    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var authority = new TestCertificateAuthority();
        var serverCertificate = authority.IssueServerCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.AllowAnyClientCertificate(); // checked against our CA per request, like the API server's --client-ca-file
            });
        }));
        var app = builder.Build();
        var server = new FakeKubernetesApiServer(app, authority);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        server.AddNamespace("default");
        server.AddNamespace("kube-system");
        return server;
    }

    public Uri Url { get; private set; } = null!;
    public TestCertificateAuthority Authority { get; }
    public string CertificateAuthorityPem => Authority.CertificatePem;
    public FakeObjectStore Objects { get; } = new();
    /// <summary>A token with every right (user "kubernetes-admin").</summary>
    public string AdminToken { get; }
    public IReadOnlyList<FakeApiRequest> Requests => [.. _requests];
    /// <summary>Exceptions the server itself hit (answered as 500): a test can assert there were none.</summary>
    public IReadOnlyList<Exception> Errors => [.. _errors];

    /// <summary>The exec protocols the server accepts, best first (an older cluster: only v4.channel.k8s.io).</summary>
    public IReadOnlyList<string> ExecProtocols { get; set; } = [FakeExecSession.V5, FakeExecSession.V4];

    /// <summary>Runs when a Job is created: return whether it succeeds and what its pod logs. Null leaves Jobs active forever.</summary>
    public Func<JsonObject, (bool Succeeded, string Log)>? JobRunner { get; set; }

    // ---- Identities ----

    /// <summary>
    /// Registers a bearer token for <paramref name="user"/> with RBAC-like rights, each "verb resource"
    /// ("get secrets", "list pods", "create pods/exec", "patch statefulsets/scale"), "*" for all; a verb
    /// or resource of "*" matches any. Returns the token.
    /// </summary>
    public string AddToken(string token, string user, params string[] rights)
    {
        _tokens[token] = new FakeUser(user, rights);
        return token;
    }

    /// <summary>A new random token for a service account, as a projected token would be.</summary>
    public string AddServiceAccountToken(string @namespace, string serviceAccount, params string[] rights) =>
        AddToken(NewToken(), $"system:serviceaccount:{@namespace}:{serviceAccount}", rights);

    /// <summary>The token stops working (401), like an expired one.</summary>
    public void ExpireToken(string token)
    {
        if (_tokens.TryGetValue(token, out var user)) _tokens[token] = user with { Expired = true };
    }

    /// <summary>A client certificate signed by the cluster CA for <paramref name="user"/> (its CN), with rights.</summary>
    public (string CertificatePem, string KeyPem) AddClientCertificateUser(string user, bool rsa, params string[] rights)
    {
        _certificateUsers[user] = new FakeUser(user, rights);
        return Authority.IssueClientCertificate(user, rsa);
    }

    // ---- Objects ----

    /// <summary>Stores an object as if created through the API; throws when it exists.</summary>
    public JsonObject Add(JsonObject obj)
    {
        var type = FakeResourceCatalog.ForKind(obj["apiVersion"]?.GetValue<string>() ?? "", obj["kind"]?.GetValue<string>() ?? "")
                   ?? throw new ArgumentException($"The fake API server does not serve {obj["apiVersion"]} {obj["kind"]}.");
        if (!Objects.TryCreate(type, obj, out var stored)) throw new InvalidOperationException($"{type.QualifiedPlural} \"{obj["metadata"]?["name"]}\" already exists");
        return stored;
    }

    public JsonObject AddNamespace(string name) => Add(FakeKubernetesObjects.NewNamespace(name));

    public JsonObject? Get(FakeResourceType type, string? @namespace, string name) => Objects.Get(type, @namespace, name);

    // ---- Exec, files, logs ----

    /// <summary>Handles every exec into this pod (any container: <see cref="ExecRequest.Container"/> says which).</summary>
    public void SetExecHandler(string @namespace, string pod, ExecHandler handler) => _execHandlers[(@namespace, pod)] = handler;

    /// <summary>Execs into this pod run for real inside network namespace <paramref name="networkNamespace"/> (<see cref="NetworkNamespaceExec"/>).</summary>
    public void RunExecsInNetworkNamespace(string @namespace, string pod, string networkNamespace, TimeSpan? timeout = null) =>
        SetExecHandler(@namespace, pod, NetworkNamespaceExec.Handler(networkNamespace, timeout));

    /// <summary>A file the default commands (<c>cat</c>) of the pod's containers can read.</summary>
    public void SetFile(string @namespace, string pod, string path, string content) => _files[(@namespace, pod, path)] = Encoding.UTF8.GetBytes(content);

    public void AppendPodLog(string @namespace, string pod, string container, string text) => Log(@namespace, pod, container).Append(text);

    /// <summary>The container ended: followers of its log get the end of the stream.</summary>
    public void CompletePodLog(string @namespace, string pod, string container) => Log(@namespace, pod, container).Complete();

    // ---- kubeconfig ----

    /// <summary>
    /// Writes a kubeconfig for this server (CA embedded as certificate-authority-data) with one context;
    /// the user authenticates with <paramref name="token"/> (default: the admin token) or the given client certificate.
    /// </summary>
    public string WriteKubeconfig(string path, string? token = null, string context = "fake", string @namespace = "media",
        (string CertificatePem, string KeyPem)? clientCertificate = null)
    {
        var user = clientCertificate is { } cert
            ? $"""
                  client-certificate-data: {Base64(cert.CertificatePem)}
                  client-key-data: {Base64(cert.KeyPem)}
              """
            : $"""
                  token: {token ?? AdminToken}
              """;
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {context}-cluster
              cluster:
                server: {Url.AbsoluteUri.TrimEnd('/')}
                certificate-authority-data: {Base64(CertificateAuthorityPem)}
            users:
            - name: {context}-user
              user:
            {user}
            contexts:
            - name: {context}
              context:
                cluster: {context}-cluster
                user: {context}-user
                namespace: {@namespace}
            current-context: {context}

            """;
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A boolean query parameter as the API server reads it (Go's strconv.ParseBool): kubectl sends "true", KubernetesClient "1".</summary>
    private static bool IsTrue(string? value) => value is "1" or "t" or "T" or "true" or "TRUE" or "True";

    public async ValueTask DisposeAsync()
    {
        foreach (var log in _logs.Values) log.Complete();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Authority.Dispose();
    }

    // ---- Request handling ----

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            var bytes = buffer.ToArray();
            if (FakeProtobuf.IsProtobuf(request.ContentType))
            {
                // Kept as JSON for assertions; an unreadable body is answered 415 below.
                var decoded = FakeProtobuf.TryDecode(bytes, out var error);
                body = decoded?.ToJsonString();
                if (decoded is null) _errors.Enqueue(new InvalidDataException($"protobuf body not understood: {error}"));
            }
            else
            {
                body = Encoding.UTF8.GetString(bytes);
            }
        }
        var user = Authenticate(context);
        try
        {
            if (user is null) await WriteJsonAsync(context, 401, FakeStatus.Unauthorized());
            else await RouteAsync(context, user, body);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _errors.Enqueue(ex);
            if (!context.Response.HasStarted)
                await WriteJsonAsync(context, 500, FakeStatus.Failure(500, "InternalError", $"Internal error occurred: {ex.Message}"));
        }
        finally
        {
            _requests.Enqueue(new FakeApiRequest(request.Method, request.Path + request.QueryString, user?.Name, request.ContentType,
                request.Headers.Accept.ToString(), body, context.Response.StatusCode));
        }
    }

    private FakeUser? Authenticate(HttpContext context)
    {
        if (context.Connection.ClientCertificate is { } certificate && Authority.Issued(certificate))
        {
            var name = certificate.GetNameInfo(X509NameType.SimpleName, false);
            return _certificateUsers.TryGetValue(name, out var certificateUser) ? certificateUser : new FakeUser(name, []);
        }
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return null;
        return _tokens.TryGetValue(header["Bearer ".Length..].Trim(), out var user) && !user.Expired ? user : null;
    }

    private async Task RouteAsync(HttpContext context, FakeUser user, string? body)
    {
        var path = context.Request.Path.Value ?? "/";
        switch (path.TrimEnd('/'))
        {
            case "/version":
                await WriteJsonAsync(context, 200, VersionInfo());
                return;
            case "/api":
                await WriteJsonAsync(context, 200, FakeResourceCatalog.CoreVersions($"{Url.Host}:{Url.Port}"));
                return;
            case "/apis":
                await WriteJsonAsync(context, 200, FakeResourceCatalog.Groups());
                return;
        }

        var route = FakeRoute.Parse(path);
        if (route is { Type: null, Resources: { } resources })
        {
            await WriteJsonAsync(context, 200, resources);
            return;
        }
        if (route?.Type is not { } type)
        {
            await WriteJsonAsync(context, 404, FakeStatus.NoSuchResource());
            return;
        }

        var verb = Verb(context.Request, route);
        if (!user.Allows(verb, route.Subresource is null ? type.Plural : $"{type.Plural}/{route.Subresource}"))
        {
            await WriteJsonAsync(context, 403, FakeStatus.Forbidden(type, route.Subresource, route.Name, route.Namespace, user.Name, verb));
            return;
        }
        if (type.Namespaced && route.Namespace is not null && verb == "create" && route.Subresource is null
            && Objects.Get(FakeResourceCatalog.Namespaces, null, route.Namespace) is null)
        {
            await WriteJsonAsync(context, 404, FakeStatus.NotFound(FakeResourceCatalog.Namespaces, route.Namespace));
            return;
        }

        switch (route.Subresource, context.Request.Method)
        {
            case (null, "GET") when route.Name is null:
                await ListAsync(context, type, route.Namespace);
                break;
            case (null, "GET"):
                await GetAsync(context, type, route.Namespace, route.Name);
                break;
            case (null, "POST") when route.Name is null:
                await CreateAsync(context, type, route.Namespace, body);
                break;
            case (null, "PATCH"):
                await PatchAsync(context, type, route.Namespace, route.Name!, body);
                break;
            case (null, "PUT"):
                await ReplaceAsync(context, type, route.Namespace, route.Name!, body);
                break;
            case (null, "DELETE") when route.Name is not null:
                var deleted = Objects.Delete(type, route.Namespace, route.Name);
                await (deleted is null
                    ? WriteJsonAsync(context, 404, FakeStatus.NotFound(type, route.Name))
                    : WriteJsonAsync(context, 200, FakeStatus.Success(type, route.Name, deleted["metadata"]?["uid"]?.GetValue<string>())));
                break;
            case ("scale", _):
                await ScaleAsync(context, type, route.Namespace, route.Name!, body);
                break;
            case ("exec", "GET" or "POST"):
                await ExecAsync(context, route.Namespace!, route.Name!);
                break;
            case ("log", "GET"):
                await LogAsync(context, route.Namespace!, route.Name!);
                break;
            default:
                await WriteJsonAsync(context, 405, FakeStatus.Failure(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"));
                break;
        }
    }

    private static string Verb(HttpRequest request, FakeRoute route) => route.Subresource switch
    {
        // Since Kubernetes 1.30 an exec over WebSocket (a GET) also needs "create" on pods/exec.
        "exec" => "create",
        "log" => "get",
        _ => request.Method switch
        {
            "GET" when route.Name is null => request.Query["watch"] == "true" ? "watch" : "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when route.Name is null => "deletecollection",
            "DELETE" => "delete",
            _ => request.Method.ToLowerInvariant(),
        },
    };

    private async Task ListAsync(HttpContext context, FakeResourceType type, string? @namespace)
    {
        var selector = FakeLabelSelector.TryParse(context.Request.Query["labelSelector"], out var error);
        if (selector is null)
        {
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest(error!));
            return;
        }
        var items = Objects.List(type, type.Namespaced ? @namespace : null, selector);
        if (WantsTable(context.Request))
        {
            await WriteJsonAsync(context, 200, FakeTablePrinter.Table(type, items, Objects.CurrentResourceVersion));
            return;
        }
        var list = new JsonArray();
        foreach (var item in items)
        {
            item.Remove("apiVersion"); // items of a typed list carry no apiVersion/kind on the wire
            item.Remove("kind");
            list.Add(item);
        }
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = Objects.CurrentResourceVersion },
            ["items"] = list,
        });
    }

    private async Task GetAsync(HttpContext context, FakeResourceType type, string? @namespace, string name)
    {
        var obj = Objects.Get(type, @namespace, name);
        if (obj is null) await WriteJsonAsync(context, 404, FakeStatus.NotFound(type, name));
        else await WriteJsonAsync(context, 200, WantsTable(context.Request) ? FakeTablePrinter.Table(type, [obj], Objects.CurrentResourceVersion) : obj);
    }

    private async Task CreateAsync(HttpContext context, FakeResourceType type, string? @namespace, string? body)
    {
        if (!IsJson(context.Request))
        {
            await WriteJsonAsync(context, 415, UnsupportedMediaType());
            return;
        }
        if (ParseObject(body) is not { } obj)
        {
            await (FakeProtobuf.IsProtobuf(context.Request.ContentType)
                ? WriteJsonAsync(context, 415, UnsupportedMediaType())
                : WriteJsonAsync(context, 400, FakeStatus.BadRequest("Object 'Kind' is missing in the request body")));
            return;
        }
        (obj["metadata"] as JsonObject)?.Remove("uid"); // the server, not the client, stamps these
        (obj["metadata"] as JsonObject)?.Remove("creationTimestamp");
        var metadata = obj["metadata"] as JsonObject ?? [];
        obj["metadata"] = metadata;
        if (metadata["name"] is null && metadata["generateName"]?.GetValue<string>() is { } prefix) metadata["name"] = prefix + RandomSuffix();
        var name = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            await WriteJsonAsync(context, 422, FakeStatus.Failure(422, "Invalid", $"{type.Kind} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                type.Details("")));
            return;
        }
        if (type.Namespaced)
        {
            if (metadata["namespace"]?.GetValue<string>() is { } given && given != @namespace)
            {
                await WriteJsonAsync(context, 400, FakeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request"));
                return;
            }
            metadata["namespace"] = @namespace;
        }
        if (obj["kind"]?.GetValue<string>() is { } kind && kind != type.Kind)
        {
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest($"the API version in the data ({obj["apiVersion"]}) does not match the expected API version ({type.ApiVersion})"));
            return;
        }
        if (type == FakeResourceCatalog.Jobs) FakeKubernetesObjects.DefaultJob(obj);
        if (!Objects.TryCreate(type, obj, out var stored))
        {
            await WriteJsonAsync(context, 409, FakeStatus.AlreadyExists(type, name));
            return;
        }
        await WriteJsonAsync(context, 201, stored);
        if (type == FakeResourceCatalog.Jobs && JobRunner is { } runner) RunJob(stored, runner);
    }

    private async Task PatchAsync(HttpContext context, FakeResourceType type, string? @namespace, string name, string? body)
    {
        var patch = ParseObject(body);
        var contentType = context.Request.ContentType ?? "";
        if (patch is null || !(contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal)
                               || contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal)))
        {
            await WriteJsonAsync(context, 415, FakeStatus.Failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"));
            return;
        }
        var updated = Objects.Update(type, @namespace, name, obj => MergePatch(obj, patch));
        if (updated is null) await WriteJsonAsync(context, 404, FakeStatus.NotFound(type, name));
        else
        {
            if (type == FakeResourceCatalog.Deployments || type == FakeResourceCatalog.StatefulSets) updated = SettleReplicas(type, @namespace, name) ?? updated;
            await WriteJsonAsync(context, 200, updated);
        }
    }

    private async Task ReplaceAsync(HttpContext context, FakeResourceType type, string? @namespace, string name, string? body)
    {
        if (!IsJson(context.Request))
        {
            await WriteJsonAsync(context, 415, UnsupportedMediaType());
            return;
        }
        if (ParseObject(body) is not { } replacement)
        {
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest("Object 'Kind' is missing in the request body"));
            return;
        }
        var current = Objects.Get(type, @namespace, name);
        if (current is null)
        {
            await WriteJsonAsync(context, 404, FakeStatus.NotFound(type, name));
            return;
        }
        if (replacement["metadata"]?["resourceVersion"]?.GetValue<string>() is { } version && version != current["metadata"]?["resourceVersion"]?.GetValue<string>())
        {
            await WriteJsonAsync(context, 409, FakeStatus.Conflict(type, name));
            return;
        }
        var updated = Objects.Update(type, @namespace, name, obj =>
        {
            foreach (var key in obj.Select(p => p.Key).Where(k => k is not ("apiVersion" or "kind" or "metadata" or "status")).ToList()) obj.Remove(key);
            foreach (var (key, value) in replacement)
            {
                if (key is "spec" or "data" or "stringData" or "type") obj[key] = value?.DeepClone();
            }
            if (replacement["metadata"]?["labels"] is { } labels) obj["metadata"]!["labels"] = labels.DeepClone();
            if (replacement["metadata"]?["annotations"] is { } annotations) obj["metadata"]!["annotations"] = annotations.DeepClone();
        });
        await WriteJsonAsync(context, 200, updated!);
    }

    private async Task ScaleAsync(HttpContext context, FakeResourceType type, string? @namespace, string name, string? body)
    {
        if (Objects.Get(type, @namespace, name) is null)
        {
            await WriteJsonAsync(context, 404, FakeStatus.NotFound(type, name));
            return;
        }
        if (context.Request.Method is "PATCH" or "PUT")
        {
            var replicas = ParseObject(body)?["spec"]?["replicas"];
            if (replicas is not JsonValue value || !value.TryGetValue<int>(out var count) || count < 0)
            {
                await WriteJsonAsync(context, 422, FakeStatus.Failure(422, "Invalid", $"Scale.autoscaling \"{name}\" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0",
                    new JsonObject { ["name"] = name, ["group"] = "autoscaling", ["kind"] = "Scale" }));
                return;
            }
            Objects.Update(type, @namespace, name, obj => obj["spec"]!["replicas"] = count);
            SettleReplicas(type, @namespace, name);
        }
        var workload = Objects.Get(type, @namespace, name)!;
        var selector = workload["spec"]?["selector"]?["matchLabels"] as JsonObject;
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = @namespace,
                ["uid"] = workload["metadata"]?["uid"]?.DeepClone(),
                ["resourceVersion"] = workload["metadata"]?["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = workload["metadata"]?["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = workload["spec"]?["replicas"]?.DeepClone() },
            ["status"] = new JsonObject
            {
                ["replicas"] = workload["status"]?["replicas"]?.DeepClone() ?? 0,
                ["selector"] = selector is null ? "" : string.Join(',', selector.Select(p => $"{p.Key}={p.Value}")),
            },
        });
    }

    // A controller that keeps up at once: status follows spec.replicas.
    private JsonObject? SettleReplicas(FakeResourceType type, string? @namespace, string name) =>
        Objects.Update(type, @namespace, name, obj =>
        {
            var replicas = obj["spec"]?["replicas"]?.GetValue<int>() ?? 1;
            var status = obj["status"] as JsonObject ?? [];
            obj["status"] = status;
            status["observedGeneration"] = obj["metadata"]?["generation"]?.DeepClone();
            status["replicas"] = replicas;
            status["readyReplicas"] = replicas;
            status["availableReplicas"] = replicas;
            status["updatedReplicas"] = replicas;
            if (type == FakeResourceCatalog.StatefulSets) status["currentReplicas"] = replicas;
        });

    private async Task ExecAsync(HttpContext context, string @namespace, string podName)
    {
        var pod = Objects.Get(FakeResourceCatalog.Pods, @namespace, podName);
        if (pod is null)
        {
            await WriteJsonAsync(context, 404, FakeStatus.NotFound(FakeResourceCatalog.Pods, podName));
            return;
        }
        var query = context.Request.Query;
        var container = ResolveContainer(pod, podName, query["container"]);
        if (container.Error is { } error)
        {
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest(error));
            return;
        }
        var command = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (command.Count == 0)
        {
            await WriteJsonAsync(context, 422, FakeStatus.Failure(422, "Invalid", "PodExecOptions \"\" is invalid: command: Required value", new JsonObject { ["kind"] = "PodExecOptions" }));
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // kubectl falls back to SPDY when the WebSocket upgrade fails; this server speaks WebSockets only.
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest("Upgrade request required"));
            return;
        }
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = ExecProtocols.FirstOrDefault(offered.Contains);
        if (protocol is null)
        {
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest($"unable to upgrade: requested protocols [{string.Join(' ', offered)}] are not supported"));
            return;
        }
        var request = new ExecRequest(@namespace, podName, container.Name!, command, IsTrue(query["stdin"]) || query["input"] == "1", protocol);
        var handler = _execHandlers.TryGetValue((@namespace, podName), out var custom)
            ? custom
            : (r, _, stdout, stderr) => FakeContainerCommands.RunAsync(r, path => ReadFile(@namespace, podName, path), stdout, stderr);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        await FakeExecSession.RunAsync(socket, request, handler, context.RequestAborted);
    }

    private byte[]? ReadFile(string @namespace, string pod, string path) =>
        _files.TryGetValue((@namespace, pod, path), out var content) ? content
        : path == "/etc/hostname" ? Encoding.UTF8.GetBytes(pod + "\n")
        : null;

    private async Task LogAsync(HttpContext context, string @namespace, string podName)
    {
        var pod = Objects.Get(FakeResourceCatalog.Pods, @namespace, podName);
        if (pod is null)
        {
            await WriteJsonAsync(context, 404, FakeStatus.NotFound(FakeResourceCatalog.Pods, podName));
            return;
        }
        var container = ResolveContainer(pod, podName, context.Request.Query["container"]);
        if (container.Error is { } error)
        {
            await WriteJsonAsync(context, 400, FakeStatus.BadRequest(error));
            return;
        }
        var log = Log(@namespace, podName, container.Name!);
        var follow = context.Request.Query["follow"] == "true";
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var offset = 0;
        while (true)
        {
            var (text, completed, changed) = log.Read(offset);
            if (text.Length > 0)
            {
                await context.Response.WriteAsync(text, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                offset += text.Length;
            }
            if (!follow || completed || context.RequestAborted.IsCancellationRequested) return;
            try
            {
                await changed.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static (string? Name, string? Error) ResolveContainer(JsonObject pod, string podName, string? requested)
    {
        var names = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => c?["name"]?.GetValue<string>() ?? "").ToList();
        if (string.IsNullOrEmpty(requested))
        {
            return names.Count == 1 ? (names[0], null)
                : (null, $"a container name must be specified for pod {podName}, choose one of: [{string.Join(' ', names)}]");
        }
        return names.Contains(requested) ? (requested, null) : (null, $"container {requested} is not valid for pod {podName}");
    }

    private FakePodLog Log(string @namespace, string pod, string container) => _logs.GetOrAdd((@namespace, pod, container), _ => new FakePodLog());

    private void RunJob(JsonObject job, Func<JsonObject, (bool Succeeded, string Log)> runner)
    {
        var (succeeded, logText) = runner(job);
        var name = job["metadata"]!["name"]!.GetValue<string>();
        var ns = job["metadata"]!["namespace"]!.GetValue<string>();
        var pod = FakeKubernetesObjects.NewJobPod(job, name + "-" + RandomSuffix(), succeeded);
        Objects.TryCreate(FakeResourceCatalog.Pods, pod, out var storedPod);
        var podName = storedPod["metadata"]!["name"]!.GetValue<string>();
        var container = storedPod["spec"]?["containers"]?[0]?["name"]?.GetValue<string>() ?? name;
        AppendPodLog(ns, podName, container, logText);
        CompletePodLog(ns, podName, container);
        Objects.Update(FakeResourceCatalog.Jobs, ns, name, obj => FakeKubernetesObjects.FinishJob(obj, succeeded));
    }

    private static JsonObject VersionInfo() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = KubernetesVersion,
        ["gitCommit"] = "59526cd4867447956156ae3a602fcbac5b6a9a1c",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-04-22T16:03:33Z",
        ["goVersion"] = "go1.23.6",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    // Protobuf bodies arrive here already decoded to JSON (see FakeProtobuf); anything else is refused.
    private static bool IsJson(HttpRequest request) =>
        (request.ContentType ?? "application/json").StartsWith("application/json", StringComparison.Ordinal) || FakeProtobuf.IsProtobuf(request.ContentType);

    private static JsonObject UnsupportedMediaType() =>
        FakeStatus.Failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");

    // kubectl get asks for "application/json;as=Table;v=v1;g=meta.k8s.io" to print server-side columns.
    private static bool WantsTable(HttpRequest request) => request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static JsonObject? ParseObject(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces.</summary>
    internal static void MergePatch(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null) target.Remove(key);
            else if (value is JsonObject patchObject && target[key] is JsonObject targetObject) MergePatch(targetObject, patchObject);
            else target[key] = value.DeepClone();
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789"; // the API server's generateName alphabet
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        });
    }

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private sealed record FakeUser(string Name, string[] Rights, bool Expired = false)
    {
        public bool Allows(string verb, string resource) => Rights.Any(right =>
        {
            if (right == "*") return true;
            var parts = right.Split(' ', 2);
            return parts.Length == 2 && (parts[0] == "*" || parts[0] == verb) && (parts[1] == "*" || parts[1] == resource);
        });
    }
}

/// <summary>A request path taken apart: group, version, namespace, resource type, name, subresource; or a discovery document.</summary>
internal sealed record FakeRoute(FakeResourceType? Type, string? Namespace, string? Name, string? Subresource, JsonObject? Resources)
{
    public static FakeRoute? Parse(string path)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group, version;
        string[] rest;
        if (segments.Length >= 2 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], segments[2..]);
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            return null;
        }
        if (rest.Length == 0) return FakeResourceCatalog.Resources(group, version) is { } resources ? new FakeRoute(null, null, null, null, resources) : null;

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3)
        {
            ns = rest[1];
            rest = rest[2..];
        }
        var type = FakeResourceCatalog.Find(group, version, rest[0]);
        if (type is null || (type.Namespaced && ns is null && rest.Length > 1)) return null;
        var name = rest.Length > 1 ? rest[1] : null;
        var subresource = rest.Length > 2 ? rest[2] : null;
        if (rest.Length > 3 || (subresource is not null && !type.Subresources.Contains(subresource))) return null;
        return new FakeRoute(type, ns, name, subresource, null);
    }
}
