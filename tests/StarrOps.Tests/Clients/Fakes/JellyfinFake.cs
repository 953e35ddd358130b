using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace StarrOps.Tests.Clients.Fakes;

/// <summary>
/// A fake Jellyfin 10.11 in the shapes recorded in reference/recorded/real/jellyfin/10.11.11: anonymous
/// /System/Info/Public, AuthenticateByName with the MediaBrowser client header (401 "Error processing request." as text),
/// tokens in <c>Authorization: MediaBrowser … Token="…"</c> or X-Emby-Token (401 empty otherwise), /Auth/Keys (POST 204), libraries.
/// </summary>
internal sealed partial class JellyfinFake : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "adminadmin";
    public const string UserToken = "c59376ec72104fff8bcfa96f88aa31ce";
    public const string ExistingKey = "674caa178f6346d7a93d93110275e076";
    private readonly object _gate = new();
    private readonly List<(string App, string Token, DateTimeOffset Created)> _keys = [];

    private JellyfinFake(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    public bool WizardCompleted { get; set; } = true;

    public IReadOnlyList<string> KeyApps
    {
        get
        {
            lock (_gate) return _keys.Select(k => k.App).ToList();
        }
    }

    public static async Task<JellyfinFake> StartAsync()
    {
        JellyfinFake? fake = null;
        var server = await LoopbackServer.StartAsync((context, request) => fake!.HandleAsync(context, request));
        fake = new JellyfinFake(server);
        return fake;
    }

    public void AddKey(string app, string token, DateTimeOffset created)
    {
        lock (_gate) _keys.Add((app, token, created));
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        switch (request.Method, request.Path)
        {
            case ("GET", "/System/Info/Public"):
                return LoopbackServer.Json(context, 200, PublicInfo());
            case ("POST", "/Users/AuthenticateByName"):
                return AuthenticateAsync(context, request);
        }

        var token = TokenOf(request);
        var valid = token == UserToken || (token is not null && KeyTokens().Contains(token));
        if (!valid) return LoopbackServer.Empty(context, 401);

        switch (request.Method, request.Path)
        {
            case ("GET", "/System/Info"):
                var info = PublicInfo();
                info["OperatingSystemDisplayName"] = "Linux";
                info["HasPendingRestart"] = false;
                info["HasUpdateAvailable"] = false;
                info["SystemArchitecture"] = "X64";
                info["ProgramDataPath"] = "/config/data";
                return LoopbackServer.Json(context, 200, info);
            case ("GET", "/Auth/Keys"):
                lock (_gate)
                {
                    var items = new JsonArray(_keys.Select((k, i) => (JsonNode)new JsonObject
                    {
                        ["Id"] = i,
                        ["AccessToken"] = k.Token,
                        ["DeviceId"] = "",
                        ["AppName"] = k.App,
                        ["AppVersion"] = "",
                        ["DeviceName"] = "",
                        ["UserId"] = "00000000000000000000000000000000",
                        ["IsActive"] = false,
                        ["DateCreated"] = k.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff'Z'"),
                        ["DateLastActivity"] = "0001-01-01T00:00:00.0000000Z",
                    }).ToArray());
                    return LoopbackServer.Json(context, 200, new JsonObject { ["Items"] = items, ["TotalRecordCount"] = items.Count, ["StartIndex"] = 0 });
                }
            case ("POST", "/Auth/Keys"):
                var app = request.QueryValue("app");
                if (string.IsNullOrEmpty(app)) return LoopbackServer.Empty(context, 400);
                AddKey(app, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
                return LoopbackServer.Empty(context, 204);
            case ("GET", "/Library/VirtualFolders"):
                return LoopbackServer.Json(context, 200, VirtualFolders);
            default:
                return LoopbackServer.Empty(context, 404);
        }
    }

    private Task AuthenticateAsync(HttpContext context, RecordedRequest request)
    {
        if (ClientHeader(request) is null) return LoopbackServer.Text(context, 400, "Error processing request.");
        var body = request.Json;
        if (body?["Username"]?.GetValue<string>() != AdminUser || body["Pw"]?.GetValue<string>() != AdminPassword)
            return LoopbackServer.Text(context, 401, "Error processing request.");
        return LoopbackServer.Json(context, 200, new JsonObject
        {
            ["User"] = new JsonObject
            {
                ["Name"] = AdminUser,
                ["ServerId"] = "3ff83877d4cd422d8d5efc9d1f05200b",
                ["Id"] = "6d8d9d2cca40434d9f89e6ff7e0eb68c",
                ["HasPassword"] = true,
                ["Policy"] = new JsonObject { ["IsAdministrator"] = true, ["IsDisabled"] = false },
            },
            ["SessionInfo"] = new JsonObject { ["Client"] = "StarrOps", ["DeviceId"] = "x" },
            ["AccessToken"] = UserToken,
            ["ServerId"] = "3ff83877d4cd422d8d5efc9d1f05200b",
        });
    }

    /// <summary>The parsed <c>MediaBrowser Client="…", Device="…", DeviceId="…", Version="…"</c> header, or null.</summary>
    public static IReadOnlyDictionary<string, string>? ClientHeader(RecordedRequest request)
    {
        var header = request.Header("Authorization") ?? request.Header("X-Emby-Authorization");
        if (header is null || !header.StartsWith("MediaBrowser ", StringComparison.Ordinal)) return null;
        var values = HeaderPart().Matches(header).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        return values.ContainsKey("Client") && values.ContainsKey("Device") && values.ContainsKey("DeviceId") && values.ContainsKey("Version") ? values : null;
    }

    private static string? TokenOf(RecordedRequest request) =>
        request.Header("X-Emby-Token") ?? (request.Header("Authorization") is { } header && HeaderPart().Matches(header).FirstOrDefault(m => m.Groups[1].Value == "Token") is { } token
            ? token.Groups[2].Value
            : null);

    private HashSet<string> KeyTokens()
    {
        lock (_gate) return _keys.Select(k => k.Token).ToHashSet();
    }

    private JsonObject PublicInfo() => new()
    {
        ["LocalAddress"] = Server.Url.ToString().TrimEnd('/'),
        ["ServerName"] = "starrops-jellyfin",
        ["Version"] = "10.11.11",
        ["ProductName"] = "Jellyfin Server",
        ["OperatingSystem"] = "",
        ["Id"] = "3ff83877d4cd422d8d5efc9d1f05200b",
        ["StartupWizardCompleted"] = WizardCompleted,
    };

    [GeneratedRegex(@"(\w+)=""([^""]*)""")]
    private static partial Regex HeaderPart();

    private const string VirtualFolders = """
        [
          {"Name": "Movies", "Locations": ["/media/movies"], "CollectionType": "movies",
           "LibraryOptions": {"Enabled": true, "PathInfos": [{"Path": "/media/movies"}], "SeasonZeroDisplayName": "Specials"},
           "ItemId": "f137a2dd21bbc1b99aa5c0f6bf02a805", "RefreshStatus": "Idle"},
          {"Name": "TV Shows", "Locations": ["/media/tv"], "CollectionType": "tvshows",
           "LibraryOptions": {"Enabled": true, "PathInfos": [{"Path": "/media/tv"}], "SeasonZeroDisplayName": "Specials"},
           "ItemId": "767bffe4f11c93ef34b805451a696a4e", "RefreshStatus": "Idle"}
        ]
        """;
}
