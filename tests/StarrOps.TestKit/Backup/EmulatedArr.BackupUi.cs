using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace StarrOps.TestKit;

/// <summary>
/// The web-UI side of backups, as a real Sonarr 4.0.19 answers it (reference sonarr more/README.md):
/// <c>POST /login</c> (form username, password, rememberMe) answers 302 with a <c>SonarrAuth</c> cookie
/// (<c>RadarrAuth</c>, …) or 302 to <c>/login?…&amp;loginFailed=true</c>; <c>GET /backup/{type}/{file}</c>
/// serves the zip to that cookie only, and 302s anyone else (an API key too) to /login.
/// </summary>
public abstract partial class EmulatedArr
{
    private readonly ConcurrentDictionary<string, byte[]> _backupFiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _uiSessions = new(StringComparer.Ordinal);
    private volatile UiLogin? _uiLogin;

    /// <summary>The Forms-authentication cookie: SonarrAuth, RadarrAuth, …</summary>
    public string AuthCookieName => AppName + "Auth";

    /// <summary>Turns on Forms authentication with this web-UI user (as PUT config/host with authenticationMethod forms does).</summary>
    public void SetUiLogin(string userName, string password) => _uiLogin = new UiLogin(userName, password);

    /// <summary>
    /// Makes the next backups the Backup command creates hold these bytes (a zip the test built); without it a
    /// listed backup has no file. The file is served by name to a logged-in session and read by <see cref="BackupFile"/>.
    /// </summary>
    public Func<byte[]>? BackupContent { get; set; }

    /// <summary>The bytes of a listed backup by file name (what /config/Backups/{type}/{name} holds in the pod), or null.</summary>
    public byte[]? BackupFile(string name)
    {
        if (_backupFiles.TryGetValue(name, out var bytes)) return bytes;
        // Backups are created by the Backup command in EmulatedArr.cs; their content is attached on first use.
        if (BackupContent is { } content && Backups.Any(b => b.GetString("name") == name)) return _backupFiles.GetOrAdd(name, _ => content());
        return null;
    }

    private void MapBackupUiRoutes(IEndpointRouteBuilder endpoints) => Map(endpoints, "POST", "/login", LoginAsync);

    private async Task LoginAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
        var returnUrl = context.Request.Query["returnUrl"].ToString();
        var login = _uiLogin;
        if (login is null || form is null || form["username"] != login.User || form["password"] != login.Password)
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"{UrlBase}/login?returnUrl={Uri.EscapeDataString(returnUrl)}&loginFailed=true";
            return;
        }
        var session = JsonHttp.RandomHex(24);
        _uiSessions[session] = true;
        context.Response.Cookies.Append(AuthCookieName, session, new CookieOptions { HttpOnly = true, Path = "/", SameSite = SameSiteMode.Strict });
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = returnUrl.Length > 0 ? returnUrl : $"{UrlBase}/";
    }

    private async Task ServeBackupFileAsync(HttpContext context)
    {
        var cookie = context.Request.Cookies[AuthCookieName];
        if (cookie is null || !_uiSessions.ContainsKey(cookie))
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = $"{UrlBase}/login?returnUrl={Uri.EscapeDataString(context.Request.PathBase + context.Request.Path)}";
            return;
        }
        var name = context.Request.RouteValues["file"]?.ToString() ?? "";
        if (BackupFile(name) is not { } bytes)
        {
            await context.WriteEmptyAsync(404).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-zip-compressed";
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record UiLogin(string User, string Password);
}
