namespace StarrOps.TestKit;

/// <summary>Settings for one emulated *arr server; everything is optional.</summary>
public sealed class EmulatedArrOptions
{
    /// <summary>Instance name (default: the app in lower case, e.g. "sonarr"); also used for environment variable names.</summary>
    public string? Name { get; set; }

    /// <summary>The API key (default: 32 random hex characters).</summary>
    public string? ApiKey { get; set; }

    /// <summary>URL base such as "/sonarr" (default none): the API then lives at /sonarr/api/v3.</summary>
    public string? UrlBase { get; set; }

    /// <summary>instanceName in system/status (default: the app name, "Sonarr").</summary>
    public string? InstanceName { get; set; }

    /// <summary>Network shared with other emulated servers (default: a private one).</summary>
    public EmulatedNetwork? Network { get; set; }

    /// <summary>Paths that "exist inside the pod" for root folders (default: <see cref="EmulatedArr.DefaultExistingPaths"/>).</summary>
    public IEnumerable<string>? ExistingPaths { get; set; }
}
