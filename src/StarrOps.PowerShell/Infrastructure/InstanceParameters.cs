using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StarrOps.Core.Instances;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>
/// Lets -Instance take an instance object, or a name ("sonarr", "sonarr-4k") looked up among the
/// session's and the environment's instances — which is also what makes the Instance property of
/// output objects bind down a pipeline.
/// </summary>
public sealed class StarrInstanceTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => Convert(inputData);

    internal static object Convert(object? input) => Unwrap(input) switch
    {
        StarrInstance instance => instance,
        string name => InstanceRegistry.Resolve(name),
        IEnumerable items and not string => items.Cast<object?>().Select(Convert).ToArray(),
        var other => other!,
    };

    private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
}

/// <summary>Tab completion of instance names.</summary>
public sealed class StarrInstanceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        IReadOnlyList<StarrInstance> all;
        try { all = InstanceRegistry.All(); }
        catch (StarrOps.Core.StarrException) { yield break; } // a malformed variable must not break the shell's completion
        foreach (var instance in all.Where(i => i.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            yield return new CompletionResult(instance.Name, instance.Name, CompletionResultType.ParameterValue, $"{instance.Kind} at {instance.Url}");
    }
}
