using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StarrOps.TestKit;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 (Kestrel, minimal APIs) that imitates one app. Shared plumbing:
/// start/stop on a fixed loopback port, URL base, request log, fault injection, authentication hook,
/// and Servarr-style 500 bodies for unexpected exceptions. Subclasses only map their routes.
/// </summary>
public abstract class EmulatedServer : IAsyncDisposable
{
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly bool _ownsNetwork;
    private WebApplication? _app;
    private volatile bool _running;
    private int _port;

    protected EmulatedServer(string name, string? apiKey, string? urlBase, EmulatedNetwork? network)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        ApiKey = apiKey ?? JsonHttp.NewApiKey();
        UrlBase = NormalizeUrlBase(urlBase);
        _ownsNetwork = network is null;
        Network = network ?? new EmulatedNetwork();
    }

    /// <summary>Instance name, e.g. "sonarr" or "sonarr-4k".</summary>
    public string Name { get; }

    /// <summary>The app this server imitates: "Sonarr", "Prowlarr", "Jellyseerr", ...</summary>
    public abstract string AppName { get; }

    /// <summary>The key clients must send ("" when the server has no key, e.g. Gluetun without auth).</summary>
    public string ApiKey { get => _apiKey; private set => _apiKey = value; }

    private volatile string _apiKey = "";

    /// <summary>
    /// A new key, as after "Regenerate API key" in the UI or a redeploy with a fresh config volume: the old key gets 401 from
    /// now on, and whatever stored the old key (a Prowlarr application, Bazarr, Jellyseerr) is stale.
    /// </summary>
    public string RegenerateApiKey(string? newKey = null)
    {
        ApiKey = newKey ?? JsonHttp.NewApiKey();
        return ApiKey;
    }

    /// <summary>"" or a base path such as "/sonarr" (no trailing slash).</summary>
    public string UrlBase { get; }

    /// <summary>The loopback port; fixed after the first start so a restart keeps the URL.</summary>
    public int Port => _port;

    /// <summary>Base URL including the URL base, e.g. <c>http://127.0.0.1:41234/sonarr</c> (no trailing slash in <see cref="BaseAddress"/>).</summary>
    public Uri Url => new(BaseAddress);

    public string BaseAddress => _port == 0
        ? throw new InvalidOperationException($"{Name} has not been started.")
        : $"http://127.0.0.1:{_port}{UrlBase}";

    public bool IsRunning => _running;

    public RequestLog Requests { get; } = new();

    public FaultInjection Faults { get; } = new();

    public EmulatedNetwork Network { get; }

    /// <summary>Starts listening (again): the first start picks a free port, later starts reuse it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is not null) return;
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                // No appsettings file watchers: 50 servers in one process must stay cheap.
                Args = ["--hostBuilder:reloadConfigOnChange=false"],
                ContentRootPath = AppContext.BaseDirectory,
                EnvironmentName = "Production",
            });
            builder.Logging.ClearProviders();
            // No console lifetime: no Ctrl+C/SIGTERM hooks per server (they would also fire inside pwsh), no status lines.
            builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Loopback, _port);
            });
            ConfigureServices(builder.Services);
            var app = builder.Build();
            app.Use(HandleAsync);
            app.UseRouting();
            MapRoutes(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (_port == 0)
            {
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                _port = new Uri(address).Port;
            }
            _app = app;
            _running = true;
            Network.Register(this);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops listening: connections are refused until <see cref="StartAsync"/>. State is kept.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is null) return;
            _running = false;
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Network.Unregister(this);
        if (_ownsNetwork) Network.Dispose();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => _port == 0 ? $"{AppName} '{Name}' (not started)" : $"{AppName} '{Name}' at {BaseAddress}";

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Maps the app's endpoints; paths are relative to <see cref="UrlBase"/>.</summary>
    protected abstract void MapRoutes(IEndpointRouteBuilder endpoints);

    /// <summary>Runs before routing; return false after writing the response to stop the request.</summary>
    protected virtual ValueTask<bool> AuthorizeAsync(HttpContext context) => ValueTask.FromResult(true);

    /// <summary>The body written for an unexpected exception (Servarr: 500 {message, description}).</summary>
    protected virtual Task WriteUnhandledExceptionAsync(HttpContext context, Exception exception) =>
        context.WriteJsonAsync(500, new JsonObject { ["message"] = exception.Message, ["description"] = exception.ToString() });

    /// <summary>Maps a handler without minimal-API parameter binding (no reflection, fast start).</summary>
    protected static void Map(IEndpointRouteBuilder endpoints, string method, string pattern, Func<HttpContext, Task> handler) =>
        endpoints.MapMethods(pattern, [method], new RequestDelegate(handler));

    private async Task HandleAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var method = request.Method;
        var fullPath = request.Path.Value ?? "/";
        var relativePath = fullPath;
        var query = request.QueryString.Value ?? "";
        string? body = null;
        var dropped = false;
        try
        {
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
                body = await context.ReadBodyTextAsync().ConfigureAwait(false);
            if (UrlBase.Length > 0)
            {
                if (!request.Path.StartsWithSegments(UrlBase, StringComparison.OrdinalIgnoreCase, out var rest))
                {
                    await context.WriteEmptyAsync(404).ConfigureAwait(false);
                    return;
                }
                request.PathBase = UrlBase;
                request.Path = rest.HasValue ? rest : "/";
                relativePath = request.Path.Value ?? "/";
            }
            var delay = Faults.Delay;
            if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            if (Faults.Down)
            {
                dropped = true;
                context.Abort();
                return;
            }
            if (Faults.Match(method, relativePath, fullPath) is { } rule)
            {
                if (rule.Body is null) await context.WriteEmptyAsync(rule.Status).ConfigureAwait(false);
                else await context.WriteRawJsonAsync(rule.Status, rule.Body).ConfigureAwait(false);
                return;
            }
            if (!await AuthorizeAsync(context).ConfigureAwait(false)) return;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !context.Response.HasStarted)
            {
                context.Response.Clear();
                await WriteUnhandledExceptionAsync(context, ex).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            dropped = true;
        }
        finally
        {
            Requests.Add(new RequestRecord(DateTimeOffset.UtcNow, method, relativePath, query, dropped ? 0 : context.Response.StatusCode, string.IsNullOrEmpty(body) ? null : body, fullPath,
                context.Request.Headers.UserAgent.ToString()));
        }
    }

    private static string NormalizeUrlBase(string? urlBase)
    {
        if (string.IsNullOrWhiteSpace(urlBase)) return "";
        var trimmed = urlBase.Trim().Trim('/');
        return trimmed.Length == 0 ? "" : "/" + trimmed;
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
