using System.Security;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
namespace StarrOps.TestKit;

/// <summary>
/// A Torznab/Newznab feed (Jackett's per-indexer endpoint, an *arr-compatible tracker API) that the emulated Prowlarr
/// queries when it tests an indexer pointing at it: GET {ApiPath}?t=search&amp;apikey=… answers an RSS channel with
/// <see cref="Results"/> items, or &lt;error code="100"/&gt; for a wrong key (what Prowlarr reports as ApiKey "Invalid API Key").
/// </summary>
public sealed class EmulatedTorznabFeed : EmulatedServer
{
    public EmulatedTorznabFeed(string name = "torznab", string? apiKey = null, EmulatedNetwork? network = null)
        : base(name, apiKey, null, network)
    {
    }

    public override string AppName => "Torznab";

    /// <summary>The feed's API path (Jackett: /api/v2.0/indexers/{id}/results/torznab/api); default "/api".</summary>
    public string ApiPath { get; init; } = "/api";

    /// <summary>How many items a search answers; 0 makes Prowlarr's test fail with "no results".</summary>
    public int Results { get; set; } = 3;

    /// <summary>The categories t=caps announces (TV, TV/HD, Movies, Movies/HD, Audio): what Prowlarr syncs to which app.</summary>
    public IReadOnlyList<int> Categories { get; init; } = [5000, 5040, 2000, 2040, 3000];

    /// <summary>The indexer's "capabilities" as Prowlarr stores them after reading t=caps.</summary>
    public System.Text.Json.Nodes.JsonObject Capabilities() => new()
    {
        ["categories"] = new System.Text.Json.Nodes.JsonArray(Categories.Select(c => (System.Text.Json.Nodes.JsonNode?)new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = c, ["name"] = c.ToString(System.Globalization.CultureInfo.InvariantCulture), ["subCategories"] = new System.Text.Json.Nodes.JsonArray(),
        }).ToArray()),
    };

    public static Task<EmulatedTorznabFeed> StartAsync(EmulatedNetwork network, string name = "torznab", CancellationToken cancellationToken = default) =>
        EmulatedArr.StartNewAsync(new EmulatedTorznabFeed(name, network: network), cancellationToken);

    protected override void MapRoutes(IEndpointRouteBuilder endpoints) => Map(endpoints, "GET", ApiPath, AnswerAsync);

    private Task AnswerAsync(HttpContext context)
    {
        context.Response.ContentType = "application/rss+xml; charset=utf-8";
        if (context.Request.Query["t"] == "caps")
            return context.Response.WriteAsync($"""<?xml version="1.0" encoding="UTF-8"?><caps><searching><search available="yes" supportedParams="q"/></searching><categories>{string.Concat(Categories.Select(c => $"<category id=\"{c}\" name=\"{c}\"/>"))}</categories></caps>""");
        if (!string.Equals(context.Request.Query["apikey"].ToString(), ApiKey, StringComparison.Ordinal))
            return context.Response.WriteAsync("""<?xml version="1.0" encoding="UTF-8"?><error code="100" description="Incorrect user credentials" />""");
        var items = new StringBuilder();
        for (var i = 1; i <= Results; i++)
            items.Append($"<item><title>{SecurityElement.Escape($"Example.Release.S01E{i:00}.1080p")}</title><guid>{Name}-{i}</guid>" +
                         $"<link>{BaseAddress}/dl/{i}.torrent</link><size>{i * 1_000_000_000L}</size><category>5000</category></item>");
        return context.Response.WriteAsync($"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed"><channel><title>{Name}</title>{items}</channel></rss>""");
    }
}
