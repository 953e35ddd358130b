using System.Xml.Linq;
using StarrOps.HelpBuilder;
using static StarrOps.Tests.Contract.CmdletMetadata;

namespace StarrOps.Tests.Docs;

public sealed class HelpBuilderTests : IDisposable
{
    private static readonly XNamespace Maml = MamlWriter.Maml;
    private static readonly XNamespace Command = MamlWriter.Command;
    private static readonly XNamespace Dev = MamlWriter.Dev;

    private readonly string _folder = Directory.CreateTempSubdirectory("starrops-help-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Line endings are fixed to LF so the tests read the same on a Windows checkout.
    private static readonly string Page = Lf("""
        ---
        external help file: StarrOps.dll-Help.xml
        Module Name: StarrOps
        online version:
        schema: 2.0.0
        ---

        # Remove-StarrThing

        ## SYNOPSIS
        Removes things.

        ## SYNTAX

        ### ById (Default)
        ```
        Remove-StarrThing [-Instance] <StarrInstance> -Id <Int32[]> [-Force] [<CommonParameters>]
        ```

        ### ByName
        ```
        Remove-StarrThing [-Instance] <StarrInstance> [-Name] <String[]> [-Force] [<CommonParameters>]
        ```

        ## DESCRIPTION
        Removes things from an instance.

        It never touches files.

        ## EXAMPLES

        ### Example 1: Remove by name
        ```powershell
        Remove-StarrThing sonarr -Name 'Old *' | Where-Object { $_.Id -lt 3 -and $_.Name -ne "<none>" }
        ```

        Removes the old things & more.

        ## PARAMETERS

        ### -Force
        Do it.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: f, Yes

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Id
        The ids.

        ```yaml
        Type: Int32[]
        Parameter Sets: ById
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: False
        ```

        ### -Instance
        The instance.

        ```yaml
        Type: StarrInstance
        Parameter Sets: (All)
        Aliases:
        Accepted values: sonarr, radarr

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: True (ByPropertyName, ByValue)
        Accept wildcard characters: False
        ```

        ### -Name
        The names.

        ```yaml
        Type: String[]
        Parameter Sets: ByName
        Aliases:

        Required: True
        Position: 1
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: True
        ```

        ### CommonParameters
        This cmdlet supports the common parameters.

        ## INPUTS

        ### StarrOps.Core.Arr.StarrProvider
        Things from Get-StarrThing.

        ## OUTPUTS

        ### None
        Nothing.

        ## NOTES
        Asks first.

        ## RELATED LINKS

        [Get-StarrThing](Get-StarrThing.md)

        [Project site](https://example.org/starrops)
        """);

    private static string Lf(string text) => text.ReplaceLineEndings("\n");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private XElement BuildOne(string markdown)
    {
        Write("Remove-StarrThing.md", markdown);
        var document = MamlHelpBuilder.Build(_folder);
        return Assert.Single(document.Root!.Elements(Command + "command"));
    }

    [Fact]
    public void Real_docs_build_into_MAML_with_every_cmdlet_and_its_examples()
    {
        var output = Path.Combine(_folder, "en-US", "StarrOps.dll-Help.xml");
        var written = MamlHelpBuilder.BuildFile(HelpPages.Folder, output);

        var document = XDocument.Load(output); // throws if the file is not well-formed
        Assert.Equal("helpItems", document.Root!.Name.LocalName);
        Assert.Equal("maml", document.Root.Attribute("schema")?.Value);
        var commands = document.Root.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value);
        Assert.Equal(written.Count, commands.Count);
        foreach (var cmdlet in CmdletTypes.Select(FullName))
        {
            Assert.True(commands.TryGetValue(cmdlet, out var command), $"the MAML has no command:command for {cmdlet}");
            var (verb, noun) = (cmdlet.Split('-')[0], cmdlet.Split('-')[1]);
            Assert.Equal(verb, command.Element(Command + "details")!.Element(Command + "verb")!.Value);
            Assert.Equal(noun, command.Element(Command + "details")!.Element(Command + "noun")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(command.Element(Command + "details")!.Element(Maml + "description")!.Value));
            var examples = command.Element(Command + "examples")!.Elements(Command + "example").ToList();
            Assert.True(examples.Count >= 2, $"{cmdlet}: {examples.Count} examples in the MAML");
            Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Element(Dev + "code")?.Value)));
            Assert.Contains(examples, e => e.Element(Dev + "code")!.Value.Contains(cmdlet, StringComparison.OrdinalIgnoreCase));
            Assert.NotEmpty(command.Element(Command + "syntax")!.Elements(Command + "syntaxItem"));
        }
    }

    [Fact]
    public void Each_parameter_set_becomes_a_syntax_item_with_only_its_parameters()
    {
        var command = BuildOne(Page);
        var items = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        string[] Names(XElement item) => item.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value).ToArray();
        // In the order the page's syntax line shows them.
        Assert.Equal(["Instance", "Id", "Force"], Names(items[0]));
        Assert.Equal(["Instance", "Name", "Force"], Names(items[1]));
        Assert.All(items, i => Assert.Equal("Remove-StarrThing", i.Element(Maml + "name")!.Value));
    }

    [Fact]
    public void Parameter_attributes_carry_required_position_pipeline_globbing_and_aliases()
    {
        var command = BuildOne(Page);
        var parameters = command.Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value);
        Assert.Equal(["Force", "Id", "Instance", "Name"], parameters.Keys.Order());

        var instance = parameters["Instance"];
        Assert.Equal("true", instance.Attribute("required")!.Value);
        Assert.Equal("0", instance.Attribute("position")!.Value);
        Assert.Equal("True (ByPropertyName, ByValue)", instance.Attribute("pipelineInput")!.Value);
        Assert.Equal("StarrInstance", instance.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("The instance.", instance.Element(Maml + "Description")!.Value);

        var name = parameters["Name"];
        Assert.Equal("true", name.Attribute("globbing")!.Value);
        Assert.Equal("1", name.Attribute("position")!.Value);
        Assert.Equal("False", name.Attribute("pipelineInput")!.Value);

        var force = parameters["Force"];
        Assert.Equal("false", force.Attribute("required")!.Value);
        Assert.Equal("named", force.Attribute("position")!.Value);
        Assert.Equal("f, Yes", force.Attribute("aliases")!.Value);
        Assert.Equal("none", parameters["Id"].Attribute("aliases")!.Value);
    }

    [Fact]
    public void Switches_show_without_a_value_in_the_syntax_and_accepted_values_as_a_group()
    {
        var command = BuildOne(Page);
        var syntax = command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").First().Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value);
        Assert.Null(syntax["Force"].Element(Command + "parameterValue"));
        Assert.Equal("Int32[]", syntax["Id"].Element(Command + "parameterValue")!.Value);
        Assert.Equal(["sonarr", "radarr"], syntax["Instance"].Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value));
    }

    [Fact]
    public void Text_sections_examples_and_links_reach_the_MAML_intact()
    {
        var command = BuildOne(Page);
        Assert.Equal("Removes things.", command.Element(Command + "details")!.Element(Maml + "description")!.Value);
        Assert.Equal(["Removes things from an instance.", "It never touches files."],
            command.Element(Maml + "description")!.Elements(Maml + "para").Select(p => p.Value));

        var example = Assert.Single(command.Element(Command + "examples")!.Elements(Command + "example"));
        Assert.Contains("Example 1: Remove by name", example.Element(Maml + "title")!.Value);
        // Markup characters survive the round trip through XML.
        Assert.Equal("""Remove-StarrThing sonarr -Name 'Old *' | Where-Object { $_.Id -lt 3 -and $_.Name -ne "<none>" }""", example.Element(Dev + "code")!.Value);
        Assert.Equal("Removes the old things & more.", example.Element(Dev + "remarks")!.Element(Maml + "para")!.Value);

        Assert.Equal("StarrOps.Core.Arr.StarrProvider", command.Element(Command + "inputTypes")!.Element(Command + "inputType")!.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("None", command.Element(Command + "returnValues")!.Element(Command + "returnValue")!.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("Asks first.", command.Element(Maml + "alertSet")!.Element(Maml + "alert")!.Element(Maml + "para")!.Value);

        var links = command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value)).ToList();
        Assert.Equal([("Get-StarrThing", ""), ("Project site", "https://example.org/starrops")], links);
    }

    [Fact]
    public void A_page_without_a_synopsis_is_rejected_naming_the_file()
    {
        Write("Remove-StarrThing.md", Page.Replace("## SYNOPSIS\nRemoves things.\n", "", StringComparison.Ordinal));
        var error = Assert.Throws<HelpFormatException>(() => MamlHelpBuilder.Build(_folder));
        Assert.Equal("Remove-StarrThing.md", error.File);
        Assert.StartsWith("Remove-StarrThing.md", error.Message, StringComparison.Ordinal);
        Assert.Contains("SYNOPSIS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_synopsis_is_rejected_with_its_line()
    {
        Write("Remove-StarrThing.md", Page.Replace("## SYNOPSIS\nRemoves things.\n", "## SYNOPSIS\n\n", StringComparison.Ordinal));
        var error = Assert.Throws<HelpFormatException>(() => MamlHelpBuilder.Build(_folder));
        Assert.Equal(10, error.Line);
        Assert.Contains("Remove-StarrThing.md:10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_without_its_yaml_block_is_rejected_naming_the_parameter()
    {
        var broken = Page.Replace(Lf("""
            ### -Id
            The ids.

            ```yaml
            Type: Int32[]
            """), Lf("""
            ### -Id
            The ids.

            ```
            Type: Int32[]
            """), StringComparison.Ordinal);
        Assert.NotEqual(Page, broken);
        Write("Remove-StarrThing.md", broken);
        var error = Assert.Throws<HelpFormatException>(() => MamlHelpBuilder.Build(_folder));
        Assert.Contains("-Id", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Remove-StarrThing.md:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_whose_title_is_another_command_is_rejected()
    {
        Write("Get-StarrThing.md", Page);
        var error = Assert.Throws<HelpFormatException>(() => MamlHelpBuilder.Build(_folder));
        Assert.Contains("Remove-StarrThing", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Get-StarrThing.md", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_code_block_is_rejected_with_the_line_it_opens_on()
    {
        var lines = Page.Split('\n').ToList();
        var fence = lines.FindLastIndex(l => l == "```");
        lines.RemoveAt(fence);
        Write("Remove-StarrThing.md", string.Join('\n', lines));
        var error = Assert.Throws<HelpFormatException>(() => MamlHelpBuilder.Build(_folder));
        Assert.Contains("never closed", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Bad_yaml_values_are_rejected()
    {
        Write("Remove-StarrThing.md", Page.Replace("Position: 1", "Position: first", StringComparison.Ordinal));
        var error = Assert.Throws<HelpFormatException>(() => MamlHelpBuilder.Build(_folder));
        Assert.Contains("-Name", error.Message, StringComparison.Ordinal);
        Assert.Contains("Position", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_writes_the_help_file_and_reports_success()
    {
        Write("Remove-StarrThing.md", Page);
        var output = Path.Combine(_folder, "out", "en-US", "StarrOps.dll-Help.xml");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(0, Program.Run([_folder, output], stdout, stderr));
        Assert.Equal("", stderr.ToString());
        Assert.Contains("1 commands", stdout.ToString(), StringComparison.Ordinal);
        Assert.Single(XDocument.Load(output).Root!.Elements(Command + "command"));
    }

    [Fact]
    public void Command_line_fails_with_the_file_name_for_a_malformed_page()
    {
        Write("Remove-StarrThing.md", Page.Replace("## SYNOPSIS\nRemoves things.\n", "", StringComparison.Ordinal));
        var output = Path.Combine(_folder, "StarrOps.dll-Help.xml");
        var stderr = new StringWriter();
        Assert.Equal(1, Program.Run([_folder, output], new StringWriter(), stderr));
        Assert.Contains("Remove-StarrThing.md", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Command_line_explains_its_usage_and_a_missing_folder()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, Program.Run([], new StringWriter(), stderr));
        Assert.Contains("Usage", stderr.ToString(), StringComparison.Ordinal);

        stderr = new StringWriter();
        Assert.Equal(1, Program.Run([Path.Combine(_folder, "nope"), Path.Combine(_folder, "x.xml")], new StringWriter(), stderr));
        Assert.Contains("nope", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void About_topics_and_other_markdown_are_not_read_as_commands()
    {
        Write("Remove-StarrThing.md", Page);
        Write("about_StarrThing.md", "# about_StarrThing\nno synopsis here");
        Write("README.md", "# Docs");
        var document = MamlHelpBuilder.Build(_folder);
        Assert.Single(document.Root!.Elements(Command + "command"));
    }
}
