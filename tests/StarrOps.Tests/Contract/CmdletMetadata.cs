using System.Management.Automation;
using System.Reflection;

namespace StarrOps.Tests.Contract;

/// <summary>
/// Reads cmdlet metadata with CustomAttributeData. PowerShellStandard.Library is a stub whose
/// attribute instances read as defaults, so attributes are never instantiated here.
/// </summary>
public static class CmdletMetadata
{
    public static Assembly ModuleAssembly { get; } = typeof(StarrOps.PowerShell.Infrastructure.StarrCmdlet).Assembly;

    public static IReadOnlyList<Type> CmdletTypes { get; } = ModuleAssembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && typeof(Cmdlet).IsAssignableFrom(t))
        .OrderBy(t => t.Name)
        .ToList();

    public static CustomAttributeData? Attribute<TAttribute>(MemberInfo member) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(TAttribute));

    public static IEnumerable<CustomAttributeData> Attributes<TAttribute>(MemberInfo member) =>
        member.GetCustomAttributesData().Where(a => a.AttributeType == typeof(TAttribute));

    public static object? Named(CustomAttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
            if (argument.MemberName == name) return argument.TypedValue.Value;
        return null;
    }

    public static (string Verb, string Noun) Name(Type cmdlet)
    {
        var attribute = Attribute<CmdletAttribute>(cmdlet) ?? throw new InvalidOperationException($"{cmdlet.Name} has no [Cmdlet]");
        return ((string)attribute.ConstructorArguments[0].Value!, (string)attribute.ConstructorArguments[1].Value!);
    }

    public static string FullName(Type cmdlet)
    {
        var (verb, noun) = Name(cmdlet);
        return $"{verb}-{noun}";
    }

    public static IReadOnlyList<PropertyInfo> Parameters(Type cmdlet) =>
        cmdlet.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => Attributes<ParameterAttribute>(p).Any()).ToList();

    public static IReadOnlySet<string> ApprovedVerbs { get; } = new[]
        {
            typeof(VerbsCommon), typeof(VerbsData), typeof(VerbsLifecycle), typeof(VerbsDiagnostic),
            typeof(VerbsCommunications), typeof(VerbsSecurity), typeof(VerbsOther),
        }
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);
}
