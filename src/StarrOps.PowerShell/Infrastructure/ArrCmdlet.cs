using System.Collections;
using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>Shared plumbing of cmdlets that work on *arr instances: which instances, a client per instance, PowerShell values to plain values.</summary>
public abstract class ArrCmdlet : StarrCmdlet
{
    /// <summary>The given instances, or — for read-only commands called without any — every *arr instance known to the session.</summary>
    /// <remarks>
    /// Piped instances of a kind the command does not apply to (Get-StarrInstance | Get-StarrIndexer passes qBittorrent too)
    /// are skipped with a verbose note; named ones are kept, so asking for them explicitly still explains why not.
    /// </remarks>
    protected IEnumerable<StarrInstance> InstancesOrAll(StarrInstance[]? given, Func<StarrInstance, bool>? filter = null)
    {
        var applies = (StarrInstance i) => i.Kind.IsArr() && (filter?.Invoke(i) ?? true);
        if (given is { Length: > 0 })
        {
            if (!MyInvocation.ExpectingInput) return given;
            foreach (var skipped in given.Where(i => !applies(i))) WriteVerbose($"{skipped.Name}: skipped, {MyInvocation.MyCommand.Name} does not apply to {skipped.Kind}");
            return given.Where(applies).ToList();
        }
        var all = InstanceRegistry.All().Where(applies).ToList();
        if (all.Count == 0)
            Fail(new StarrConfigurationException("No instance given and none defined: pipe one from Get-StarrInstance / New-StarrInstance, or set SONARR_URL and SONARR_API_KEY (and the like)."), null);
        return all;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a client for the instance, then hands its result to <paramref name="write"/> on the
    /// pipeline thread (the only thread that may call WriteObject). A failure is this instance's error; the pipeline goes on.
    /// </summary>
    protected void WithClient<T>(StarrInstance instance, Func<ArrClient, CancellationToken, Task<T>> work, Action<ArrClient, T> write) =>
        TryRun(instance.Name, () =>
        {
            using var client = ArrClientFactory.Create(instance, Reporter);
            var result = Run(token => work(client, token));
            write(client, result);
        });

    /// <summary>Runs a query against the instance and writes what it returns (a list is written item by item).</summary>
    protected void WriteFrom<T>(StarrInstance instance, Func<ArrClient, CancellationToken, Task<T>> query) =>
        WithClient(instance, query, (_, result) => WriteObject(result, enumerateCollection: true));

    /// <summary>Turns a hashtable from PowerShell into plain .NET values (PSObject unwrapped, SecureString to Secret).</summary>
    internal static Dictionary<string, object?> ToPlainDictionary(IDictionary? table)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (table is null) return result;
        foreach (DictionaryEntry entry in table) result[System.Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)!] = ToPlain(entry.Value);
        return result;
    }

    internal static object? ToPlain(object? value) => value switch
    {
        PSObject ps => ToPlain(ps.BaseObject),
        System.Security.SecureString secure => new Secret(new System.Net.NetworkCredential("", secure).Password),
        IDictionary dictionary => ToPlainDictionary(dictionary),
        string s => s,
        IEnumerable items => items.Cast<object?>().Select(ToPlain).ToArray(),
        _ => value,
    };
}
