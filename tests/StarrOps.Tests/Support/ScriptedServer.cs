using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace StarrOps.Tests.Support;

/// <summary>A loopback HTTP server whose answers a test scripts, for the HTTP plumbing's own tests (timeouts, retries, error bodies).</summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task>> _script = new();

    private ScriptedServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Seen { get; } = new();
    public ConcurrentQueue<string> SeenHeaders { get; } = new();
    public Func<HttpContext, Task> Fallback { get; set; } = context => { context.Response.StatusCode = 404; return Task.CompletedTask; };
    public Uri Url { get; private set; } = null!;

    public static async Task<ScriptedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new ScriptedServer(app);
        app.Run(async context =>
        {
            server.Seen.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            server.SeenHeaders.Enqueue(string.Join("; ", context.Request.Headers.Select(h => $"{h.Key}={h.Value}")));
            var step = server._script.TryDequeue(out var next) ? next : server.Fallback;
            await step(context);
        });
        await app.StartAsync();
        server.Url = new Uri(app.Urls.First());
        return server;
    }

    public ScriptedServer Then(int status, string body = "", string contentType = "application/json")
    {
        _script.Enqueue(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            if (body.Length > 0) await context.Response.WriteAsync(body);
        });
        return this;
    }

    public ScriptedServer ThenHang()
    {
        _script.Enqueue(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
