using System.Xml.Linq;

namespace StarrOps.HelpBuilder;

/// <summary>
/// Writes command help as MAML, the XML that Get-Help reads for binary modules
/// (<c>&lt;module&gt;/en-US/&lt;Assembly&gt;.dll-Help.xml</c>), in the layout PlatyPS produces.
/// </summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    public static XDocument Write(IEnumerable<CommandHelp> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems",
                new XAttribute("schema", "maml"),
                commands.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(CommandElement)));

    private static XElement CommandElement(CommandHelp help) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description(Maml + "description", [help.Synopsis])),
            Description(Maml + "description", help.Description),
            new XElement(Command + "syntax", SyntaxItems(help)),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, p.Blocks[0], inSyntax: false))),
            new XElement(Command + "inputTypes", Types(help.Inputs, Command + "inputType")),
            new XElement(Command + "returnValues", Types(help.Outputs, Command + "returnValue")),
            new XElement(Maml + "alertSet",
                new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", Links(help)));

    /// <summary>
    /// One syntax item per parameter set. The parameters of a set are those whose yaml names the set (or "(All)"),
    /// in the order the page's syntax line shows them.
    /// </summary>
    private static IEnumerable<XElement> SyntaxItems(CommandHelp help)
    {
        var blocks = help.Syntax.Count > 0 ? help.Syntax : [new SyntaxBlock(null, true, "")];
        foreach (var block in blocks)
        {
            var shown = block.ParameterNames;
            var members = help.Parameters
                .Select(p => (Parameter: p, Attributes: p.For(block.SetName)))
                .Where(x => x.Attributes is not null)
                .OrderBy(x => Rank(shown, x.Parameter.Name, x.Attributes!))
                .ThenBy(x => x.Parameter.Name, StringComparer.OrdinalIgnoreCase);
            yield return new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", help.Name),
                members.Select(x => Parameter(x.Parameter, x.Attributes!, inSyntax: true)));
        }
    }

    private static int Rank(IReadOnlyList<string> shown, string name, ParameterAttributes attributes)
    {
        for (var i = 0; i < shown.Count; i++)
            if (string.Equals(shown[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        // Not on the syntax line: positional first, then required, then the rest.
        return 1000 + (attributes.PositionNumber ?? 100) * 10 + (attributes.Required ? 0 : 1);
    }

    private static XElement Parameter(ParameterHelp parameter, ParameterAttributes attributes, bool inSyntax)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", attributes.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", attributes.AcceptsWildcards ? "true" : "false"),
            new XAttribute("pipelineInput", attributes.PipelineInput),
            new XAttribute("position", attributes.PositionNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", attributes.Aliases.Count == 0 ? "none" : string.Join(", ", attributes.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(Maml + "Description", parameter.Description));
        if (inSyntax && attributes.AcceptedValues.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup",
                attributes.AcceptedValues.Select(v => new XElement(Command + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute(Command + "variableLength", "false"), v))));
        }
        // A switch shows as [-PassThru] in the syntax, not [-PassThru <SwitchParameter>].
        if (!(inSyntax && attributes.IsSwitch))
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", attributes.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", "false"),
                attributes.Type));
        }
        element.Add(
            new XElement(Dev + "type",
                new XElement(Maml + "name", attributes.Type),
                new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", attributes.DefaultValue));
        return element;
    }

    private static IEnumerable<XElement> Types(IReadOnlyList<TypeHelp> types, XName element)
    {
        var list = types.Count > 0 ? types : [new TypeHelp("None", [])];
        return list.Select(t => new XElement(element,
            new XElement(Dev + "type",
                new XElement(Maml + "name", t.TypeName)),
            Description(Maml + "description", t.Description)));
    }

    private static XElement Example(ExampleHelp example)
    {
        // Get-Help prints the title on a line of its own; PlatyPS frames it the same way.
        const string Rule = "--------------------------";
        return new XElement(Command + "example",
            new XElement(Maml + "title", $"{Rule} {example.Title} {Rule}"),
            new XElement(Dev + "code", example.Code),
            new XElement(Dev + "remarks", Paragraphs(example.Remarks)));
    }

    private static IEnumerable<XElement> Links(CommandHelp help)
    {
        if (help.Metadata.TryGetValue("online version", out var online) && online.Length > 0)
            yield return Link("Online Version:", online);
        foreach (var link in help.RelatedLinks) yield return Link(link.Text, link.Uri);
    }

    private static XElement Link(string text, string uri) =>
        new(Maml + "navigationLink",
            new XElement(Maml + "linkText", text),
            new XElement(Maml + "uri", uri));

    private static XElement Description(XName name, IReadOnlyList<string> paragraphs) => new(name, Paragraphs(paragraphs));

    private static IEnumerable<XElement> Paragraphs(IReadOnlyList<string> paragraphs) =>
        paragraphs.Count == 0 ? [new XElement(Maml + "para")] : paragraphs.Select(p => new XElement(Maml + "para", p));
}
