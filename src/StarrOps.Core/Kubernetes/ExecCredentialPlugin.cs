using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using StarrOps.Core.Instances;

namespace StarrOps.Core.Kubernetes;

/// <summary>The <c>users[].user.exec</c> entry of a kubeconfig: a command that prints an ExecCredential.</summary>
internal sealed record ExecPluginConfig(
    string UserName,
    string Command,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string ApiVersion,
    string? InstallHint,
    bool ProvideClusterInfo,
    string? BaseDirectory);

/// <summary>
/// Credentials from a client-go exec plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin, ...):
/// runs the command with its arguments and environment plus <c>KUBERNETES_EXEC_INFO</c>, reads the
/// ExecCredential JSON it prints (<c>status.token</c> or <c>status.clientCertificateData</c> +
/// <c>clientKeyData</c>), and keeps the result until <c>status.expirationTimestamp</c> or a 401.
/// </summary>
internal sealed class ExecCredentialPlugin(ExecPluginConfig config, JsonObject? clusterInfo) : KubernetesCredentials
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private KubernetesCredential? _cached;
    private DateTimeOffset? _expiresAt;

    public override string Description => $"exec plugin {Path.GetFileName(config.Command)}";

    /// <summary>How many times the command ran (tests check caching with it).</summary>
    internal int Runs { get; private set; }

    public override async ValueTask<KubernetesCredential> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is not null && (_expiresAt is null || DateTimeOffset.UtcNow < _expiresAt.Value - ExpiryMargin)) return _cached;
            (_cached, _expiresAt) = await RunAsync(cancellationToken).ConfigureAwait(false);
            return _cached;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override bool Invalidate()
    {
        _cached = null;
        return true;
    }

    private async Task<(KubernetesCredential, DateTimeOffset?)> RunAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ResolveCommand())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in config.Arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in config.Environment) start.Environment[name] = value;
        start.Environment["KUBERNETES_EXEC_INFO"] = ExecInfo().ToJsonString();

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
        }
        catch (Win32Exception ex)
        {
            throw Fail($"could not be started ({ex.Message}).{(config.InstallHint is null ? "" : " " + config.InstallHint.Trim())}");
        }

        using (process)
        {
            Runs++;
            process.StandardInput.Close(); // never interactive: a plugin that prompts gets end of input
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(RunTimeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                if (cancellationToken.IsCancellationRequested) throw;
                throw Fail($"did not finish within {RunTimeout.TotalSeconds:0} s.");
            }
            var output = await stdout.ConfigureAwait(false);
            var errors = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw Fail($"exited with code {process.ExitCode}{(string.IsNullOrWhiteSpace(errors) ? "." : ": " + Truncate(errors.Trim()))}");
            return Parse(output);
        }
    }

    private (KubernetesCredential, DateTimeOffset?) Parse(string output)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(output) as JsonObject;
        }
        catch (JsonException)
        {
            root = null; // the output may hold a token: it is never quoted
        }
        if (root is null || KubeJson.String(root, "kind") != "ExecCredential")
            throw Fail("did not print an ExecCredential JSON object.");
        var apiVersion = KubeJson.String(root, "apiVersion");
        if (apiVersion != config.ApiVersion)
            throw Fail($"printed an ExecCredential of apiVersion \"{apiVersion}\", but the kubeconfig asks for \"{config.ApiVersion}\".");

        var status = root["status"] as JsonObject;
        var token = KubeJson.String(status, "token");
        var certificatePem = KubeJson.String(status, "clientCertificateData");
        var keyPem = KubeJson.String(status, "clientKeyData");
        X509Certificate2? certificate = null;
        if (certificatePem is not null || keyPem is not null)
        {
            if (certificatePem is null || keyPem is null) throw Fail("returned only one of clientCertificateData and clientKeyData.");
            certificate = KubernetesPem.LoadClientCertificate(certificatePem, keyPem, $"the credential plugin of user \"{config.UserName}\"");
        }
        if (string.IsNullOrEmpty(token) && certificate is null) throw Fail("returned neither a token nor a client certificate.");
        var expires = KubeJson.Time(status, "expirationTimestamp");
        return (new KubernetesCredential(Secret.FromNullable(token), certificate), expires);
    }

    private JsonObject ExecInfo()
    {
        var spec = new JsonObject { ["interactive"] = false };
        if (config.ProvideClusterInfo && clusterInfo is not null) spec["cluster"] = clusterInfo.DeepClone();
        return new JsonObject { ["apiVersion"] = config.ApiVersion, ["kind"] = "ExecCredential", ["spec"] = spec };
    }

    // Like client-go: a command with a directory part is relative to the kubeconfig that named it; a bare name is looked up on PATH.
    private string ResolveCommand() =>
        config.BaseDirectory is not null && !Path.IsPathRooted(config.Command) && config.Command.Contains('/')
            ? Path.GetFullPath(Path.Combine(config.BaseDirectory, config.Command))
            : config.Command;

    private StarrConfigurationException Fail(string what) =>
        new(SecretRegistry.Redact($"The Kubernetes credential plugin \"{config.Command}\" of kubeconfig user \"{config.UserName}\" {what}"));

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500] + "…";
}

/// <summary>PEM helpers for client certificates and CA bundles.</summary>
internal static class KubernetesPem
{
    /// <summary>A client certificate with its private key (PEM: RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY).</summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePem, string keyPem, string origin)
    {
        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // SslStream on some platforms needs a key it can persist: round-trip through PKCS#12.
            return new X509Certificate2(ephemeral.Export(X509ContentType.Pkcs12));
        }
        catch (CryptographicException ex)
        {
            throw new StarrConfigurationException($"The client certificate or key of {origin} is not valid PEM: {ex.Message}");
        }
    }

    /// <summary>One or more CA certificates from a PEM bundle.</summary>
    public static X509Certificate2Collection LoadCertificates(string pem, string origin)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new StarrConfigurationException($"The certificate authority of {origin} is not valid PEM: {ex.Message}");
        }
        if (certificates.Count == 0) throw new StarrConfigurationException($"The certificate authority of {origin} holds no PEM certificate.");
        return certificates;
    }
}
