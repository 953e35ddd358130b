using System.Collections;
using StarrOps.TestKit;

namespace StarrOps.Tests.Support;

/// <summary>The environment a reconcile of an emulated stack reads (its URLs and keys), as the table the loader takes; tests add to it.</summary>
internal static class StackEnvironment
{
    public static Hashtable Of(EmulatedStack stack)
    {
        var table = new Hashtable();
        foreach (var (name, value) in stack.Environment()) table[name] = value;
        return table;
    }

    /// <summary>A Sonarr, Radarr and Prowlarr by Service name (nothing listens: for tests that only read a declaration), plus <paramref name="more"/>.</summary>
    public static Hashtable Declared(params (string Name, string Value)[] more)
    {
        var table = new Hashtable
        {
            ["SONARR_URL"] = "http://sonarr:8989", ["SONARR_API_KEY"] = "sonarr-key-0123456789",
            ["RADARR_URL"] = "http://radarr:7878", ["RADARR_API_KEY"] = "radarr-key-0123456789",
            ["PROWLARR_URL"] = "http://prowlarr:9696", ["PROWLARR_API_KEY"] = "prowlarr-key-0123456789",
        };
        foreach (var (name, value) in more) table[name] = value;
        return table;
    }
}
