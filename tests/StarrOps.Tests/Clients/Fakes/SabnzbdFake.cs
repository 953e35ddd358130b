using Microsoft.AspNetCore.Http;

namespace StarrOps.Tests.Clients.Fakes;

/// <summary>How a fake SABnzbd reports a bad API key: old versions 200 JSON, newer ones 403 text.</summary>
public enum SabnzbdKeyErrorStyle
{
    JsonStatusFalse,
    Forbidden403Text,
}

/// <summary>
/// A fake SABnzbd <c>/api</c> in the shapes SABnzbd 4.x answers with <c>output=json</c>: version without a key,
/// queue/get_config/get_cats with <c>apikey=</c>, and its error styles for a missing or wrong key.
/// </summary>
internal sealed class SabnzbdFake : IAsyncDisposable
{
    public const string ApiKey = "5ab0000000000000000000000000cafe";
    public const string NzbKey = "5ab0000000000000000000000000beef";

    private SabnzbdFake(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }
    public SabnzbdKeyErrorStyle KeyErrorStyle { get; set; } = SabnzbdKeyErrorStyle.JsonStatusFalse;

    public static async Task<SabnzbdFake> StartAsync()
    {
        SabnzbdFake? fake = null;
        var server = await LoopbackServer.StartAsync((context, request) => fake!.HandleAsync(context, request));
        fake = new SabnzbdFake(server);
        return fake;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private Task HandleAsync(HttpContext context, RecordedRequest request)
    {
        if (request.Path != "/api") return LoopbackServer.Empty(context, 404);
        var mode = request.QueryValue("mode");
        if (mode == "version") return LoopbackServer.Json(context, 200, """{"version": "4.3.3"}""");

        var key = request.QueryValue("apikey");
        if (key != ApiKey)
        {
            var message = string.IsNullOrEmpty(key) ? "API Key Required" : "API Key Incorrect";
            return KeyErrorStyle == SabnzbdKeyErrorStyle.JsonStatusFalse
                ? LoopbackServer.Json(context, 200, $$"""{"status": false, "error": "{{message}}"}""")
                : LoopbackServer.Text(context, 403, message);
        }

        return mode switch
        {
            "queue" => LoopbackServer.Json(context, 200, Queue),
            "get_config" => LoopbackServer.Json(context, 200, Config),
            "get_cats" => LoopbackServer.Json(context, 200, """{"categories": ["*", "movies", "tv"]}"""),
            _ => LoopbackServer.Json(context, 200, """{"status": false, "error": "not implemented"}"""),
        };
    }

    private const string Queue = """
        {"queue": {"version": "4.3.3", "paused": false, "pause_int": "0", "paused_all": false, "diskspace1": "48.31",
          "diskspace2": "48.31", "diskspacetotal1": "97.87", "diskspacetotal2": "97.87", "speedlimit": "100", "speedlimit_abs": "",
          "have_warnings": "0", "finishaction": null, "quota": "0 ", "have_quota": false, "left_quota": "0 ", "cache_art": "0",
          "cache_size": "0 B", "kbpersec": "1024.50", "speed": "1.0 M", "mbleft": "1277.65", "mb": "1277.65", "sizeleft": "1.2 GB",
          "size": "1.2 GB", "noofslots_total": 1, "noofslots": 1, "start": 0, "limit": 0, "finish": 0, "status": "Downloading",
          "timeleft": "0:21:17",
          "slots": [{"index": 0, "nzo_id": "SABnzbd_nzo_p86tgx", "unpackopts": "3", "priority": "Normal", "script": "None",
            "filename": "Some.Show.S01E01.1080p", "labels": [], "password": "", "cat": "tv", "mbleft": "1277.65", "mb": "1277.65",
            "size": "1.2 GB", "sizeleft": "1.2 GB", "percentage": "0", "mbmissing": "0.0", "direct_unpack": null, "status": "Downloading",
            "timeleft": "0:21:17", "avg_age": "2d", "time_added": 1700000000}]}}
        """;

    private const string Config = $$"""
        {"config": {
          "misc": {"complete_dir": "/data/usenet/complete", "download_dir": "/data/usenet/incomplete", "host": "0.0.0.0",
                   "port": "8080", "url_base": "/sabnzbd", "api_key": "{{ApiKey}}", "nzb_key": "{{NzbKey}}", "password": "",
                   "username": "", "bypass_auth_subnet": "", "host_whitelist": "sabnzbd,"},
          "categories": [
            {"name": "*", "order": 0, "pp": "3", "script": "None", "dir": "", "newzbin": "", "priority": 0},
            {"name": "movies", "order": 1, "pp": "", "script": "Default", "dir": "movies", "newzbin": "", "priority": -100},
            {"name": "tv", "order": 2, "pp": "", "script": "Default", "dir": "tv", "newzbin": "", "priority": -100}],
          "servers": [
            {"name": "news.example.test", "displayname": "Example News", "host": "news.example.test", "port": 563,
             "timeout": 60, "username": "user", "password": "**********", "connections": 8, "ssl": 1, "ssl_verify": 2,
             "enable": 1, "optional": 0, "retention": 0, "priority": 0}]
        } }
        """;
}
