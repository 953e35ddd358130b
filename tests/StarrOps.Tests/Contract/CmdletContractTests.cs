using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StarrOps.Tests.Support;
using static StarrOps.Tests.Contract.CmdletMetadata;

namespace StarrOps.Tests.Contract;

public sealed class CmdletContractTests
{
    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var type in CmdletTypes) data.Add(type.Name);
        return data;
    }

    private static Type CmdletType(string name) => CmdletTypes.Single(t => t.Name == name);

    [Fact]
    public void The_module_has_the_cmdlets_the_foundation_promises()
    {
        var names = CmdletTypes.Select(FullName).ToHashSet();
        string[] expected =
        [
            "New-StarrInstance", "Get-StarrInstance", "Test-StarrInstance", "Get-StarrSystemStatus", "Get-StarrHealth",
            "Get-StarrIndexer", "Get-StarrDownloadClient", "Set-StarrDownloadClient", "Remove-StarrDownloadClient",
            "Get-StarrRootFolder", "Add-StarrRootFolder", "Remove-StarrRootFolder", "Get-StarrNotification", "Set-StarrWebhook",
            "Get-StarrSchema", "Get-StarrProwlarrApp", "Set-StarrProwlarrApp", "Remove-StarrProwlarrApp", "Sync-StarrProwlarrIndexer",
        ];
        Assert.Empty(expected.Except(names));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Instance_parameters_bind_from_the_pipeline_and_complete_names(string cmdlet)
    {
        var instanceParameters = Parameters(CmdletType(cmdlet)).Where(p => p.PropertyType.Name.StartsWith("StarrInstance", StringComparison.Ordinal)).ToList();
        foreach (var instance in instanceParameters)
        {
            Assert.True(instance.GetCustomAttributesData().Any(a => a.AttributeType.Name == "StarrInstanceTransformationAttribute"), $"{cmdlet}.{instance.Name} must accept instance names");
            var completer = Attribute<ArgumentCompleterAttribute>(instance);
            Assert.NotNull(completer);
            Assert.Equal("StarrInstanceNameCompleter", ((Type)completer.ConstructorArguments[0].Value!).Name);
            if (instance.Name != "Instance") continue;
            var parameter = Attributes<ParameterAttribute>(instance).First();
            var fromPipeline = Named(parameter, nameof(ParameterAttribute.ValueFromPipeline)) as bool? == true
                               || Named(parameter, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) as bool? == true;
            Assert.True(fromPipeline, $"{cmdlet}.{instance.Name} must bind from the pipeline");
        }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Parameter_sets_are_consistent(string cmdlet)
    {
        var type = CmdletType(cmdlet);
        var declared = Parameters(type)
            .SelectMany(p => Attributes<ParameterAttribute>(p))
            .Select(a => Named(a, nameof(ParameterAttribute.ParameterSetName)) as string)
            .Where(s => s is not null)
            .ToHashSet();
        var defaultSet = Named(Attribute<CmdletAttribute>(type)!, nameof(CmdletAttribute.DefaultParameterSetName)) as string;
        if (declared.Count > 1) Assert.Contains(defaultSet, declared);
        // Two parameters may not claim the same position within one set.
        var positions = Parameters(type)
            .SelectMany(p => Attributes<ParameterAttribute>(p).Select(a => (Set: Named(a, nameof(ParameterAttribute.ParameterSetName)) as string ?? "__All", Position: Named(a, nameof(ParameterAttribute.Position)) as int?, p.Name)))
            .Where(x => x.Position is not null)
            .ToList();
        foreach (var group in positions.GroupBy(x => x.Position))
        {
            var sets = group.Select(x => x.Set).ToList();
            var clash = group.Count(x => x.Set == "__All") > 1 || sets.Where(s => s != "__All").GroupBy(s => s).Any(g => g.Count() > 1)
                        || (group.Any(x => x.Set == "__All") && group.Count() > 1);
            Assert.False(clash, $"{cmdlet}: position {group.Key} is claimed by {string.Join(", ", group.Select(x => x.Name))}");
        }
    }

    [Fact]
    public void Manifest_version_is_the_one_in_Directory_Build_props()
    {
        var props = XDocument.Load(RepoPaths.File("Directory.Build.props"));
        var version = props.Descendants("StarrOpsVersion").Single().Value;
        var manifest = File.ReadAllText(RepoPaths.File("StarrOps.psd1"));
        Assert.Matches($@"ModuleVersion\s*=\s*'{Regex.Escape(version)}'", manifest);
    }

    [Fact]
    public void Every_output_type_has_a_default_view()
    {
        var format = XDocument.Load(RepoPaths.File("module", "StarrOps.format.ps1xml"));
        var viewed = format.Descendants("TypeName").Select(e => e.Value).ToHashSet();
        var outputs = CmdletTypes.SelectMany(t => Attributes<OutputTypeAttribute>(t))
            .SelectMany(a => a.ConstructorArguments.SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : [arg.Value]))
            .OfType<Type>()
            .Where(t => t.Namespace?.StartsWith("System", StringComparison.Ordinal) != true) // PowerShell has views for its own types
            .Select(t => t.FullName!)
            .ToHashSet();
        Assert.Empty(outputs.Except(viewed));
    }

    [Fact]
    public void Core_does_not_reference_PowerShell()
    {
        var core = typeof(StarrOps.Core.Instances.StarrInstance).Assembly;
        Assert.DoesNotContain(core.GetReferencedAssemblies(), a => a.Name == "System.Management.Automation");
        var project = File.ReadAllText(RepoPaths.File("src", "StarrOps.Core", "StarrOps.Core.csproj"));
        Assert.DoesNotMatch(@"<(PackageReference|Reference|ProjectReference)[^>]*(PowerShell|Management\.Automation)", project);
    }

    [Fact]
    public void Cmdlet_classes_are_sealed()
    {
        Assert.All(CmdletTypes, t => Assert.True(t.IsSealed, $"{t.Name} should be sealed"));
    }

    [Fact]
    public void No_KubernetesClient_type_leaks_out_of_the_gateway()
    {
        var core = typeof(StarrOps.Core.Instances.StarrInstance).Assembly;
        var module = CmdletTypes[0].Assembly;
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var leaks = new List<string>();
        foreach (var type in module.GetTypes().Concat(core.GetTypes()).Where(t => t.Namespace != "StarrOps.Core.Kubernetes.Gateway"
            && !(t.DeclaringType?.Namespace == "StarrOps.Core.Kubernetes.Gateway")))
        {
            var used = new List<(string Where, Type Type)>();
            if (type.BaseType is { } baseType) used.Add(("base", baseType));
            used.AddRange(type.GetInterfaces().Select(i => ("interface", i)));
            used.AddRange(type.GetFields(all).Select(f => ("field " + f.Name, f.FieldType)));
            used.AddRange(type.GetProperties(all).Select(p => ("property " + p.Name, p.PropertyType)));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                if (method is MethodInfo info) used.Add(("method " + method.Name, info.ReturnType));
                used.AddRange(method.GetParameters().Select(p => ($"parameter {p.Name} of {method.Name}", p.ParameterType)));
            }
            leaks.AddRange(used.Where(u => FromKubernetesClient(u.Type)).Select(u => $"{type.FullName}: {u.Where} is {u.Type}"));
        }
        Assert.Empty(leaks);
        var sources = Directory.GetFiles(RepoPaths.File("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.Combine("Kubernetes", "Gateway") + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"^\s*using\s+k8s\b|(?<![\w.""/])k8s\.(?!io\b)", RegexOptions.Multiline))
            .ToList();
        Assert.Empty(sources);

        static bool FromKubernetesClient(Type type) =>
            type.Assembly.GetName().Name == "KubernetesClient" || (type.IsGenericType && type.GetGenericArguments().Any(FromKubernetesClient))
            || (type.HasElementType && FromKubernetesClient(type.GetElementType()!));
    }
}
