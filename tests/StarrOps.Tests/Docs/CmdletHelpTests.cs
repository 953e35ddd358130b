using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using StarrOps.HelpBuilder;
using StarrOps.Tests.Support;
using static StarrOps.Tests.Contract.CmdletMetadata;

namespace StarrOps.Tests.Docs;

/// <summary>
/// Every cmdlet class (found by reflection, so new cmdlets are held to it at once) has a help page whose
/// parameters, parameter sets, pipeline input and outputs say what the code declares.
/// </summary>
public sealed class CmdletHelpTests
{
    public static TheoryData<string> Cmdlets()
    {
        var data = new TheoryData<string>();
        foreach (var type in CmdletTypes) data.Add(FullName(type));
        return data;
    }

    private static Type CmdletType(string command) => CmdletTypes.Single(t => FullName(t) == command);

    private const string AllSets = "__AllParameterSets";

    private static bool SupportsShouldProcess(Type type) =>
        Named(Attribute<CmdletAttribute>(type)!, nameof(CmdletAttribute.SupportsShouldProcess)) as bool? == true;

    /// <summary>The parameter sets the class declares: those its parameters name, and its default set, which exists even when no parameter names it.</summary>
    private static IReadOnlySet<string> DeclaredSets(Type type)
    {
        var sets = Parameters(type).SelectMany(Attributes<ParameterAttribute>)
            .Select(a => Named(a, nameof(ParameterAttribute.ParameterSetName)) as string ?? AllSets)
            .Where(s => s != AllSets)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (Named(Attribute<CmdletAttribute>(type)!, nameof(CmdletAttribute.DefaultParameterSetName)) is string defaultSet && sets.Count > 0) sets.Add(defaultSet);
        return sets;
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_page_has_front_matter_synopsis_and_description(string command)
    {
        var help = HelpPages.Read(command);
        Assert.Equal(command, help.Name);
        Assert.Equal("StarrOps.dll-Help.xml", help.Metadata.GetValueOrDefault("external help file"));
        Assert.Equal("StarrOps", help.Metadata.GetValueOrDefault("Module Name"));
        Assert.False(string.IsNullOrWhiteSpace(help.Synopsis), $"{command}: empty SYNOPSIS");
        Assert.NotEmpty(help.Description);
        Assert.True(help.HasCommonParameters, $"{command}: the PARAMETERS section needs '### CommonParameters'");
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_page_has_powershell_examples_that_call_the_cmdlet(string command)
    {
        var help = HelpPages.Read(command);
        Assert.True(help.Examples.Count >= 2, $"{command}: at least two examples, please (it has {help.Examples.Count})");
        Assert.All(help.Examples, e =>
        {
            Assert.Equal("powershell", e.Language);
            Assert.Matches(@"^Example \d+: \S", e.Title);
            Assert.NotEmpty(e.Remarks);
        });
        Assert.Contains(help.Examples, e => Regex.IsMatch(e.Code, $@"(?<![\w-]){Regex.Escape(command)}(?![\w-])", RegexOptions.IgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_page_documents_exactly_the_declared_parameters(string command)
    {
        var type = CmdletType(command);
        var help = HelpPages.Read(command);
        var declared = Parameters(type).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (SupportsShouldProcess(type)) declared.UnionWith(["WhatIf", "Confirm"]);
        var documented = help.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.True(declared.SetEquals(documented),
            $"{command}: undocumented parameters [{string.Join(", ", declared.Except(documented))}], " +
            $"documented but not declared [{string.Join(", ", documented.Except(declared))}]");
        Assert.All(help.Parameters, p => Assert.True(p.Description.Count > 0, $"{command} -{p.Name} has no description"));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Documented_parameter_metadata_matches_the_code(string command)
    {
        var help = HelpPages.Read(command);
        foreach (var property in Parameters(CmdletType(command)))
        {
            var page = help.Parameter(property.Name);
            Assert.True(page is not null, $"{command}: -{property.Name} is not documented");
            var where = $"{command} -{property.Name}";

            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Assert.All(page.Blocks, b => Assert.True(b.Type == type.Name || b.Type == type.FullName, $"{where}: Type is {b.Type}, the code says {type.Name}"));

            foreach (var parameter in Attributes<ParameterAttribute>(property))
            {
                var set = Named(parameter, nameof(ParameterAttribute.ParameterSetName)) as string ?? AllSets;
                var block = set == AllSets ? page.Blocks.FirstOrDefault(b => b.InAllSets) : page.For(set);
                Assert.True(block is not null, $"{where}: no yaml block for parameter set {(set == AllSets ? "(All)" : set)}");
                var mandatory = Named(parameter, nameof(ParameterAttribute.Mandatory)) as bool? == true;
                Assert.True(mandatory == block.Required, $"{where}: 'Required: {block.Required}', the code says Mandatory={mandatory}");
                var position = Named(parameter, nameof(ParameterAttribute.Position)) as int?;
                Assert.True(position == block.PositionNumber, $"{where}: Position is {block.Position}, the code says {position?.ToString() ?? "Named"}");
                var byValue = Named(parameter, nameof(ParameterAttribute.ValueFromPipeline)) as bool? == true;
                var byName = Named(parameter, nameof(ParameterAttribute.ValueFromPipelineByPropertyName)) as bool? == true;
                Assert.True(byValue == block.ByValue && byName == block.ByPropertyName,
                    $"{where}: 'Accept pipeline input: {block.PipelineInput}', the code says ByValue={byValue}, ByPropertyName={byName}");
                Assert.Equal(!byValue && !byName, block.PipelineInput == "False");
            }

            var wildcards = Attribute<SupportsWildcardsAttribute>(property) is not null;
            Assert.All(page.Blocks, b => Assert.True(b.AcceptsWildcards == wildcards, $"{where}: 'Accept wildcard characters: {b.AcceptsWildcards}'"));

            var aliases = Attribute<AliasAttribute>(property) is { } alias ? Strings(alias) : [];
            Assert.All(page.Blocks, b => Assert.True(aliases.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(b.Aliases), $"{where}: Aliases [{string.Join(", ", b.Aliases)}], the code says [{string.Join(", ", aliases)}]"));

            if (Attribute<ValidateSetAttribute>(property) is { } validateSet)
            {
                var values = Strings(validateSet);
                Assert.All(page.Blocks, b => Assert.True(values.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(b.AcceptedValues),
                    $"{where}: 'Accepted values: {string.Join(", ", b.AcceptedValues)}', the code says {string.Join(", ", values)}"));
            }
            var element = type.IsArray ? type.GetElementType()! : type;
            if (element.IsEnum)
            {
                Assert.All(page.Blocks, b => Assert.True(b.AcceptedValues.Count == 0 || Enum.GetNames(element).ToHashSet().SetEquals(b.AcceptedValues),
                    $"{where}: 'Accepted values' must list the enum's names: {string.Join(", ", Enum.GetNames(element))}"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void WhatIf_and_Confirm_are_documented_as_switches_where_they_exist(string command)
    {
        var help = HelpPages.Read(command);
        if (!SupportsShouldProcess(CmdletType(command))) return;
        Assert.Equal(["wi"], help.Parameter("WhatIf")!.Blocks.Single().Aliases);
        Assert.Equal(["cf"], help.Parameter("Confirm")!.Blocks.Single().Aliases);
        Assert.All(new[] { "WhatIf", "Confirm" }, n => Assert.True(help.Parameter(n)!.Blocks.Single().IsSwitch));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Syntax_shows_each_parameter_set_with_its_parameters(string command)
    {
        var type = CmdletType(command);
        var help = HelpPages.Read(command);
        Assert.NotEmpty(help.Syntax);
        var sets = DeclaredSets(type);
        if (sets.Count > 1)
        {
            Assert.True(sets.SetEquals(help.Syntax.Select(s => s.SetName ?? "")), $"{command}: SYNTAX shows sets [{string.Join(", ", help.Syntax.Select(s => s.SetName))}], the code has [{string.Join(", ", sets)}]");
            var defaultSet = Named(Attribute<CmdletAttribute>(type)!, nameof(CmdletAttribute.DefaultParameterSetName)) as string;
            Assert.Equal(defaultSet, help.Syntax.Single(s => s.IsDefault).SetName);
        }
        else Assert.Single(help.Syntax);

        foreach (var property in Parameters(type))
        {
            var inSets = Attributes<ParameterAttribute>(property).Select(a => Named(a, nameof(ParameterAttribute.ParameterSetName)) as string ?? AllSets).ToList();
            var blocks = help.Syntax.Where(s => inSets.Contains(AllSets) || s.SetName is null || inSets.Contains(s.SetName, StringComparer.OrdinalIgnoreCase));
            Assert.All(blocks, s => Assert.True(s.ParameterNames.Contains(property.Name, StringComparer.OrdinalIgnoreCase),
                $"{command}: the syntax of set {s.SetName ?? "(only)"} does not show -{property.Name}"));
        }
        Assert.All(help.Syntax, s => Assert.StartsWith(command + " ", s.Text, StringComparison.Ordinal));
        Assert.All(help.Syntax, s => Assert.True(s.ParameterNames.All(n => help.Parameter(n) is not null), $"{command}: the syntax shows a parameter that is not documented"));
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Outputs_name_the_declared_output_types(string command)
    {
        var help = HelpPages.Read(command);
        var declared = Attributes<OutputTypeAttribute>(CmdletType(command))
            .SelectMany(a => a.ConstructorArguments.SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : [arg.Value]))
            .OfType<Type>()
            .ToList();
        var outputs = help.Outputs.Select(o => o.TypeName).ToList();
        Assert.NotEmpty(outputs);
        foreach (var type in declared)
        {
            if (type == typeof(void)) Assert.Contains("None", outputs);
            else Assert.Contains(type.FullName!, outputs);
        }
        Assert.NotEmpty(help.Inputs);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Related_links_point_at_commands_and_topics_that_exist(string command)
    {
        var help = HelpPages.Read(command);
        Assert.NotEmpty(help.RelatedLinks);
        var commands = CmdletTypes.Select(FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var link in help.RelatedLinks)
        {
            if (link.Text.StartsWith("about_", StringComparison.Ordinal))
                Assert.True(File.Exists(RepoPaths.File("module", "en-US", link.Text + ".help.txt")), $"{command} links to {link.Text}, which does not exist");
            else if (link.Uri.Length == 0)
                Assert.True(commands.Contains(link.Text), $"{command} links to {link.Text}, which is not a cmdlet of the module");
        }
    }

    [Fact]
    public void Every_help_page_belongs_to_a_cmdlet()
    {
        var commands = CmdletTypes.Select(FullName).ToHashSet(StringComparer.Ordinal);
        var stale = HelpPages.CommandPageNames().Where(p => !commands.Contains(p)).ToList();
        Assert.True(stale.Count == 0, $"help pages without a cmdlet (renamed or removed?): {string.Join(", ", stale)}");
    }

    [Fact]
    public void Examples_never_hold_a_key_or_password()
    {
        var files = Directory.EnumerateFiles(HelpPages.Folder, "*.md").Append(RepoPaths.File("module", "en-US", "about_StarrOps.help.txt"));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            // Servarr API keys are 32 hex digits; Jellyfin tokens too.
            Assert.DoesNotMatch(@"\b[0-9a-fA-F]{32}\b", text);
            // A key or password given as a literal instead of Read-Host -AsSecureString or $env:…
            Assert.DoesNotMatch(@"(?i)-(Plain)?ApiKey\s+['""]", text);
            Assert.DoesNotMatch(@"(?i)(api_?key|password|token)\s*[=:]\s*['""][^'""$\s]{6,}['""]", text);
        }
    }

    private static IReadOnlyList<string> Strings(CustomAttributeData attribute) =>
        attribute.ConstructorArguments.SelectMany(a => a.Value switch
        {
            ReadOnlyCollection<CustomAttributeTypedArgument> many => many.Select(m => m.Value as string),
            string one => [one],
            _ => [],
        }).OfType<string>().ToList();
}
