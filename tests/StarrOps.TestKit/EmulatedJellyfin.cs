using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StarrOps.TestKit;

/// <summary>Settings for an emulated Jellyfin.</summary>
public sealed class EmulatedJellyfinOptions
{
    public string? Name { get; set; }

    /// <summary>An API key that exists from the start (app "starrops"); default random.</summary>
    public string? ApiKey { get; set; }

    public string AdminUserName { get; set; } = "admin";

    public string AdminPassword { get; set; } = "adminadmin";

    public string ServerName { get; set; } = "starrops-jellyfin";

    public EmulatedNetwork? Network { get; set; }
}

/// <summary>
/// The parts of Jellyfin 10.11 that StarrOps and Jellyseerr's setup use (recorded in
/// reference/recorded/real/jellyfin/10.11.11): GET /System/Info/Public (anonymous), POST /Users/AuthenticateByName
/// (wrong password → 401 empty), /System/Info, /Users/Me, /Users, POST/GET /Auth/Keys, /Library/MediaFolders,
/// GET/POST /Library/VirtualFolders. Tokens: Authorization/X-Emby-Authorization <c>MediaBrowser Token="…"</c>,
/// X-Emby-Token, or ?api_key=. A wrong or missing token → 401 with an empty body.
/// </summary>
public sealed class EmulatedJellyfin : EmulatedServer
{
    private static readonly Regex TokenPart = new("Token=\"([^\"]*)\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly object _gate = new();
    private readonly HashSet<string> _userTokens = new(StringComparer.Ordinal);
    private readonly List<JsonObject> _apiKeys = [];
    private readonly List<JsonObject> _virtualFolders;

    public EmulatedJellyfin(EmulatedJellyfinOptions? options = null)
        : base(options?.Name ?? "jellyfin", options?.ApiKey, null, options?.Network)
    {
        AdminUserName = options?.AdminUserName ?? "admin";
        AdminPassword = options?.AdminPassword ?? "adminadmin";
        ServerName = options?.ServerName ?? "starrops-jellyfin";
        _apiKeys.Add(NewKey("starrops", ApiKey));
        _virtualFolders = Fixtures.Array("jellyfin/library_virtualfolders.json").OfType<JsonObject>().ToList();
    }

    public override string AppName => "Jellyfin";

    public string AdminUserName { get; }

    public string AdminPassword { get; }

    public string ServerName { get; }

    public string ServerId { get; } = JsonHttp.RandomHex(16);

    public string AdminUserId { get; } = JsonHttp.RandomHex(16);

    /// <summary>API keys as GET /Auth/Keys lists them (AppName, AccessToken, ...).</summary>
    public IReadOnlyList<JsonObject> ApiKeys
    {
        get { lock (_gate) return _apiKeys.Select(k => (JsonObject)k.DeepClone()).ToArray(); }
    }

    protected override ValueTask<bool> AuthorizeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.Equals("/System/Info/Public", StringComparison.OrdinalIgnoreCase) ||
            path.Equals("/Users/AuthenticateByName", StringComparison.OrdinalIgnoreCase)) return ValueTask.FromResult(true);
        var token = Token(context.Request);
        bool valid;
        lock (_gate) valid = token is not null && (_userTokens.Contains(token) || _apiKeys.Any(k => k.GetString("AccessToken") == token));
        if (valid) return ValueTask.FromResult(true);
        return new ValueTask<bool>(Unauthorized(context));

        static async Task<bool> Unauthorized(HttpContext context)
        {
            await context.WriteEmptyAsync(401).ConfigureAwait(false);
            return false;
        }
    }

    protected override void MapRoutes(IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "GET", "/System/Info/Public", context => context.WriteJsonAsync(200, SystemInfo("jellyfin/system_info_public.json")));
        Map(endpoints, "GET", "/System/Info", context => context.WriteJsonAsync(200, SystemInfo("jellyfin/system_info.json")));
        Map(endpoints, "POST", "/Users/AuthenticateByName", AuthenticateAsync);
        Map(endpoints, "GET", "/Users/Me", context => context.WriteJsonAsync(200, User()));
        Map(endpoints, "GET", "/Users", context => context.WriteJsonAsync(200, new JsonArray(User())));
        Map(endpoints, "POST", "/Auth/Keys", context =>
        {
            var app = context.Request.Query["app"].ToString();
            if (app.Length == 0) return context.WriteEmptyAsync(400);
            lock (_gate) _apiKeys.Add(NewKey(app, JsonHttp.RandomHex(16)));
            return context.WriteEmptyAsync(204);
        });
        Map(endpoints, "GET", "/Auth/Keys", context =>
        {
            JsonArray items;
            lock (_gate) items = new JsonArray(_apiKeys.Select(k => (JsonNode?)k.DeepClone()).ToArray());
            return context.WriteJsonAsync(200, new JsonObject { ["Items"] = items, ["TotalRecordCount"] = items.Count, ["StartIndex"] = 0 });
        });
        Map(endpoints, "GET", "/Library/VirtualFolders", context =>
        {
            lock (_gate) return context.WriteJsonAsync(200, new JsonArray(_virtualFolders.Select(f => (JsonNode?)f.DeepClone()).ToArray()));
        });
        Map(endpoints, "POST", "/Library/VirtualFolders", AddVirtualFolderAsync);
        Map(endpoints, "GET", "/Library/MediaFolders", context =>
        {
            var folders = Fixtures.Object("jellyfin/library_mediafolders.json");
            foreach (var item in (folders["Items"] as JsonArray ?? []).OfType<JsonObject>()) item["ServerId"] = ServerId;
            return context.WriteJsonAsync(200, folders);
        });
    }

    private JsonObject SystemInfo(string fixture)
    {
        var info = Fixtures.Object(fixture);
        info["LocalAddress"] = BaseAddress;
        info["ServerName"] = ServerName;
        info["Id"] = ServerId;
        return info;
    }

    private JsonObject User()
    {
        var user = (JsonObject)Fixtures.Object("jellyfin/authenticate_by_name.json")["User"]!.DeepClone();
        user["Name"] = AdminUserName;
        user["ServerId"] = ServerId;
        user["Id"] = AdminUserId;
        return user;
    }

    private async Task AuthenticateAsync(HttpContext context)
    {
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(await context.ReadBodyTextAsync().ConfigureAwait(false), JsonHttp.CaseInsensitive) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null || !string.Equals(body.GetString("Username"), AdminUserName, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(body.GetString("Pw"), AdminPassword, StringComparison.Ordinal))
        {
            // Recorded: 10_authenticate_wrong_password — 401, text/plain, empty.
            context.Response.StatusCode = 401;
            context.Response.ContentType = "text/plain";
            return;
        }
        var token = JsonHttp.RandomHex(16);
        lock (_gate) _userTokens.Add(token);
        var client = ClientPart(context.Request, "Client") ?? "";
        var answer = Fixtures.Object("jellyfin/authenticate_by_name.json");
        answer["User"] = User();
        if (answer["SessionInfo"] is JsonObject session)
        {
            session["UserId"] = AdminUserId;
            session["UserName"] = AdminUserName;
            session["Client"] = client;
            session["DeviceName"] = ClientPart(context.Request, "Device") ?? "";
            session["DeviceId"] = ClientPart(context.Request, "DeviceId") ?? "";
            session["ApplicationVersion"] = ClientPart(context.Request, "Version") ?? "";
            session["ServerId"] = ServerId;
        }
        answer["AccessToken"] = token;
        answer["ServerId"] = ServerId;
        await context.WriteJsonAsync(200, answer).ConfigureAwait(false);
    }

    private Task AddVirtualFolderAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var name = query["name"].ToString();
        if (name.Length == 0) return context.WriteEmptyAsync(400);
        var folder = new JsonObject
        {
            ["Name"] = name,
            ["Locations"] = new JsonArray(query["paths"].Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
            ["CollectionType"] = query["collectionType"].ToString(),
            ["LibraryOptions"] = new JsonObject(),
            ["ItemId"] = JsonHttp.RandomHex(16),
            ["RefreshStatus"] = "Idle",
        };
        lock (_gate) _virtualFolders.Add(folder);
        return context.WriteEmptyAsync(204);
    }

    private static JsonObject NewKey(string app, string token) => new()
    {
        ["Id"] = 0,
        ["AccessToken"] = token,
        ["DeviceId"] = "",
        ["AppName"] = app,
        ["AppVersion"] = "",
        ["DeviceName"] = "",
        ["UserId"] = "00000000000000000000000000000000",
        ["IsActive"] = false,
        ["DateCreated"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["DateLastActivity"] = "0001-01-01T00:00:00.0000000Z",
    };

    private static string? Token(HttpRequest request)
    {
        foreach (var header in (string[])["Authorization", "X-Emby-Authorization"])
        {
            var match = TokenPart.Match(request.Headers[header].ToString());
            if (match.Success) return match.Groups[1].Value;
        }
        var direct = request.Headers["X-Emby-Token"].ToString();
        if (direct.Length == 0) direct = request.Headers["X-MediaBrowser-Token"].ToString();
        if (direct.Length == 0) direct = request.Query["api_key"].ToString();
        if (direct.Length == 0) direct = request.Query["ApiKey"].ToString();
        return direct.Length == 0 ? null : direct;
    }

    private static string? ClientPart(HttpRequest request, string part)
    {
        var header = request.Headers["Authorization"].ToString();
        if (header.Length == 0) header = request.Headers["X-Emby-Authorization"].ToString();
        var match = Regex.Match(header, $"(?:^|[ ,]){part}=\"([^\"]*)\"", RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }
}
