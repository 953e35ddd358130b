using System.Text.RegularExpressions;

namespace StarrOps.HelpBuilder;

/// <summary>
/// Reads one help page in PlatyPS's markdown format: YAML front matter, "# Verb-Noun", then the
/// "## SYNOPSIS", "## SYNTAX", "## DESCRIPTION", "## EXAMPLES", "## PARAMETERS", "## INPUTS",
/// "## OUTPUTS", "## NOTES" and "## RELATED LINKS" sections. Only what Get-Help shows is read; a page
/// that would lose information (no synopsis, a parameter without its yaml block, an unclosed code
/// fence) is rejected with the file and line.
/// </summary>
public static partial class MarkdownHelpReader
{
    public static CommandHelp ReadFile(string path) =>
        Read(File.ReadAllText(path), Path.GetFileName(path), Path.GetFileNameWithoutExtension(path));

    /// <param name="file">The file name, for messages.</param>
    /// <param name="expectedName">The command the page must describe (its file name); null to accept any.</param>
    public static CommandHelp Read(string markdown, string file, string? expectedName = null)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var (metadata, bodyStart) = ReadFrontMatter(lines, file);
        var elements = Tokenize(lines, bodyStart, file);

        var titles = elements.OfType<Heading>().Where(h => h.Level == 1).ToList();
        if (titles.Count == 0) throw new HelpFormatException(file, 0, "no '# Verb-Noun' title: the page must start (after its front matter) with the command's name.");
        if (titles.Count > 1) throw new HelpFormatException(file, titles[1].Line, $"a second '# ' title ('{titles[1].Text}'): a page documents one command.");
        var name = titles[0].Text.Trim();
        if (!CommandName().IsMatch(name)) throw new HelpFormatException(file, titles[0].Line, $"'{name}' is not a Verb-Noun command name.");
        if (expectedName is not null && !string.Equals(name, expectedName, StringComparison.OrdinalIgnoreCase))
            throw new HelpFormatException(file, titles[0].Line, $"the page documents '{name}' but its file name says '{expectedName}'.");

        var sections = SplitSections(elements);
        var synopsis = sections.TryGetValue("SYNOPSIS", out var synopsisSection) ? string.Join(" ", Paragraphs(synopsisSection)).Trim() : "";
        if (synopsis.Length == 0)
            throw new HelpFormatException(file, synopsisSection is null ? 0 : synopsisSection.Line,
                synopsisSection is null ? "missing '## SYNOPSIS' section: Get-Help shows it first, every page needs one." : "the '## SYNOPSIS' section is empty.");

        var hasCommonParameters = false;
        var parameters = sections.TryGetValue("PARAMETERS", out var parameterSection) ? ReadParameters(parameterSection, file, out hasCommonParameters) : [];
        return new CommandHelp(name, synopsis)
        {
            SourceFile = file,
            Metadata = metadata,
            Description = sections.TryGetValue("DESCRIPTION", out var description) ? Text(description.Body) : [],
            Syntax = sections.TryGetValue("SYNTAX", out var syntax) ? ReadSyntax(syntax, file) : [],
            Examples = sections.TryGetValue("EXAMPLES", out var examples) ? ReadExamples(examples, file) : [],
            Parameters = parameters,
            HasCommonParameters = hasCommonParameters,
            Inputs = sections.TryGetValue("INPUTS", out var inputs) ? ReadTypes(inputs) : [],
            Outputs = sections.TryGetValue("OUTPUTS", out var outputs) ? ReadTypes(outputs) : [],
            Notes = sections.TryGetValue("NOTES", out var notes) ? Text(notes.Body) : [],
            RelatedLinks = sections.TryGetValue("RELATED LINKS", out var links) ? ReadLinks(links) : [],
        };
    }

    // ---- tokenizing ----------------------------------------------------------------------------

    private abstract record Element(int Line);
    private sealed record Heading(int Line, int Level, string Text) : Element(Line);
    private sealed record Paragraph(int Line, string Text) : Element(Line);
    private sealed record Code(int Line, string Language, string Text) : Element(Line);
    private sealed record Section(int Line, string Name, IReadOnlyList<Element> Body);

    private static (IReadOnlyDictionary<string, string> Metadata, int BodyStart) ReadFrontMatter(string[] lines, string file)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var first = 0;
        while (first < lines.Length && lines[first].Trim().Length == 0) first++;
        if (first >= lines.Length || lines[first].Trim() != "---") return (metadata, 0);
        for (var i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Trim() == "---") return (metadata, i + 1);
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) metadata[lines[i][..colon].Trim()] = lines[i][(colon + 1)..].Trim();
        }
        throw new HelpFormatException(file, first + 1, "the front matter opened with '---' is never closed.");
    }

    private static List<Element> Tokenize(string[] lines, int start, string file)
    {
        var elements = new List<Element>();
        var paragraph = new List<string>();
        var paragraphLine = 0;

        void Flush()
        {
            if (paragraph.Count > 0) elements.Add(new Paragraph(paragraphLine, string.Join(" ", paragraph.Select(l => l.Trim()))));
            paragraph.Clear();
        }

        for (var i = start; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("```", StringComparison.Ordinal) && line.Length - trimmed.Length <= 3)
            {
                Flush();
                var opening = i;
                var language = trimmed[3..].Trim();
                var code = new List<string>();
                for (i++; i < lines.Length && lines[i].Trim() != "```"; i++) code.Add(lines[i]);
                if (i >= lines.Length) throw new HelpFormatException(file, opening + 1, "a code block opened with ``` is never closed.");
                elements.Add(new Code(opening + 1, language, string.Join("\n", code)));
                continue;
            }
            var heading = HeadingLine().Match(line);
            if (heading.Success)
            {
                Flush();
                elements.Add(new Heading(i + 1, heading.Groups["hashes"].Length, heading.Groups["text"].Value.Trim()));
                continue;
            }
            if (trimmed.Length == 0)
            {
                Flush();
                continue;
            }
            // A list item starts a paragraph of its own, so Get-Help shows one item a line.
            if (ListItem().IsMatch(trimmed)) Flush();
            if (paragraph.Count == 0) paragraphLine = i + 1;
            paragraph.Add(line);
        }
        Flush();
        return elements;
    }

    private static Dictionary<string, Section> SplitSections(List<Element> elements)
    {
        var sections = new Dictionary<string, Section>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < elements.Count; i++)
        {
            if (elements[i] is not Heading { Level: 2 } heading) continue;
            var body = new List<Element>();
            for (var j = i + 1; j < elements.Count && elements[j] is not Heading { Level: <= 2 }; j++) body.Add(elements[j]);
            sections.TryAdd(heading.Text.Trim().ToUpperInvariant(), new Section(heading.Line, heading.Text, body));
        }
        return sections;
    }

    /// <summary>The section's body split at its "### " headings: (heading or null for text before the first one, elements).</summary>
    private static IEnumerable<(Heading? Heading, List<Element> Body)> Subsections(Section section)
    {
        Heading? current = null;
        var body = new List<Element>();
        foreach (var element in section.Body)
        {
            if (element is Heading { Level: 3 } heading)
            {
                if (current is not null || body.Count > 0) yield return (current, body);
                current = heading;
                body = [];
            }
            else body.Add(element);
        }
        if (current is not null || body.Count > 0) yield return (current, body);
    }

    private static IEnumerable<string> Paragraphs(Section section) => section.Body.OfType<Paragraph>().Select(p => p.Text);

    /// <summary>Prose and code of a body as paragraphs; code keeps its line breaks.</summary>
    private static IReadOnlyList<string> Text(IEnumerable<Element> body) =>
        body.Select(e => e switch
            {
                Paragraph p => p.Text,
                Code c => c.Text,
                Heading h => h.Text,
                _ => "",
            })
            .Where(t => t.Trim().Length > 0)
            .ToList();

    // ---- sections -----------------------------------------------------------------------------

    private static IReadOnlyList<SyntaxBlock> ReadSyntax(Section section, string file)
    {
        var blocks = new List<SyntaxBlock>();
        foreach (var (heading, body) in Subsections(section))
        {
            string? setName = null;
            var isDefault = false;
            if (heading is not null)
            {
                var text = heading.Text.Trim();
                isDefault = text.EndsWith("(Default)", StringComparison.OrdinalIgnoreCase);
                setName = isDefault ? text[..^"(Default)".Length].Trim() : text;
                if (setName == "__AllParameterSets") setName = null;
            }
            var code = body.OfType<Code>().ToList();
            if (code.Count == 0)
            {
                if (heading is null) continue;
                throw new HelpFormatException(file, heading.Line, $"the syntax of parameter set '{heading.Text}' has no ``` code block.");
            }
            blocks.AddRange(code.Select(c => new SyntaxBlock(setName, isDefault, c.Text.Trim())));
        }
        return blocks;
    }

    private static IReadOnlyList<ExampleHelp> ReadExamples(Section section, string file)
    {
        var examples = new List<ExampleHelp>();
        foreach (var (heading, body) in Subsections(section))
        {
            if (heading is null) continue; // text before the first example introduces them; Get-Help has no place for it
            var code = body.OfType<Code>().ToList();
            if (code.Count == 0) throw new HelpFormatException(file, heading.Line, $"example '{heading.Text}' has no ``` code block.");
            examples.Add(new ExampleHelp(heading.Text.Trim(), string.Join("\n\n", code.Select(c => c.Text.TrimEnd())), Text(body.OfType<Paragraph>()))
            {
                Language = code[0].Language,
            });
        }
        return examples;
    }

    private static IReadOnlyList<ParameterHelp> ReadParameters(Section section, string file, out bool hasCommonParameters)
    {
        hasCommonParameters = false;
        var parameters = new List<ParameterHelp>();
        foreach (var (heading, body) in Subsections(section))
        {
            if (heading is null) continue;
            var title = heading.Text.Trim();
            if (title is "CommonParameters" or "WorkflowCommonParameters")
            {
                hasCommonParameters = true;
                continue;
            }
            if (!title.StartsWith('-') || title.Length < 2)
                throw new HelpFormatException(file, heading.Line, $"'### {title}' in PARAMETERS: parameter sections are named '### -Name' (or '### CommonParameters').");
            var name = title[1..].Trim();
            var yaml = body.OfType<Code>().Where(c => c.Language.Equals("yaml", StringComparison.OrdinalIgnoreCase)).ToList();
            if (yaml.Count == 0) throw new HelpFormatException(file, heading.Line, $"parameter -{name} has no ```yaml block (Type, Parameter Sets, Required, Position …).");
            if (parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new HelpFormatException(file, heading.Line, $"parameter -{name} is documented twice.");
            parameters.Add(new ParameterHelp(name, Text(body.OfType<Paragraph>()), yaml.Select(y => ReadAttributes(y, name, file)).ToList()));
        }
        return parameters;
    }

    private static ParameterAttributes ReadAttributes(Code yaml, string parameter, string file)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in yaml.Text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) values[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        string Get(string key, string fallback) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : fallback;
        bool Bool(string key)
        {
            var text = Get(key, "False");
            if (bool.TryParse(text, out var value)) return value;
            throw new HelpFormatException(file, yaml.Line, $"parameter -{parameter}: '{key}: {text}' must be True or False.");
        }
        static IReadOnlyList<string> List(string text) =>
            text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s != "None").ToList();

        var type = Get("Type", "");
        if (type.Length == 0) throw new HelpFormatException(file, yaml.Line, $"parameter -{parameter}: the yaml block has no 'Type:'.");
        var position = Get("Position", "Named");
        if (position != "Named" && !int.TryParse(position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            throw new HelpFormatException(file, yaml.Line, $"parameter -{parameter}: 'Position: {position}' must be Named or a number.");
        var sets = List(Get("Parameter Sets", ParameterAttributes.AllSets));
        return new ParameterAttributes
        {
            Type = type,
            ParameterSets = sets.Count == 0 ? [ParameterAttributes.AllSets] : sets,
            Aliases = List(Get("Aliases", "")),
            AcceptedValues = List(Get("Accepted values", "")),
            Required = Bool("Required"),
            Position = position,
            DefaultValue = Get("Default value", "None"),
            PipelineInput = Get("Accept pipeline input", "False"),
            AcceptsWildcards = Bool("Accept wildcard characters"),
        };
    }

    private static IReadOnlyList<TypeHelp> ReadTypes(Section section) =>
        Subsections(section).Where(s => s.Heading is not null)
            .Select(s => new TypeHelp(s.Heading!.Text.Trim(), Text(s.Body)))
            .ToList();

    private static IReadOnlyList<RelatedLink> ReadLinks(Section section)
    {
        var links = new List<RelatedLink>();
        foreach (var paragraph in section.Body.OfType<Paragraph>())
        {
            var matches = MarkdownLink().Matches(paragraph.Text);
            if (matches.Count == 0) links.Add(new RelatedLink(paragraph.Text.TrimStart('-', '*', ' '), ""));
            foreach (Match match in matches)
            {
                var uri = match.Groups["uri"].Value.Trim();
                // Links to sibling pages (Get-StarrInstance.md) mean "see that command": Get-Help lists the name alone.
                links.Add(new RelatedLink(match.Groups["text"].Value.Trim(), uri.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "" : uri));
            }
        }
        return links;
    }

    [GeneratedRegex(@"^[A-Za-z]+-[A-Za-z0-9]+$")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"^(?<hashes>#{1,6})\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"^([-*+]|\d+\.)\s")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)")]
    private static partial Regex MarkdownLink();
}
