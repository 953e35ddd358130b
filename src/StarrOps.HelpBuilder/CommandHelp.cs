namespace StarrOps.HelpBuilder;

/// <summary>One cmdlet's help page as PlatyPS's markdown describes it. Text is kept as paragraphs, code as written.</summary>
public sealed record CommandHelp(string Name, string Synopsis)
{
    /// <summary>The markdown file it was read from (for messages).</summary>
    public string SourceFile { get; init; } = "";
    /// <summary>The YAML front matter: "external help file", "Module Name", "online version" …</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Description { get; init; } = [];
    public IReadOnlyList<SyntaxBlock> Syntax { get; init; } = [];
    public IReadOnlyList<ExampleHelp> Examples { get; init; } = [];
    public IReadOnlyList<ParameterHelp> Parameters { get; init; } = [];
    /// <summary>True when the page has the "### CommonParameters" section.</summary>
    public bool HasCommonParameters { get; init; }
    public IReadOnlyList<TypeHelp> Inputs { get; init; } = [];
    public IReadOnlyList<TypeHelp> Outputs { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<RelatedLink> RelatedLinks { get; init; } = [];

    public string Verb => Name.Split('-', 2)[0];
    public string Noun => Name.Split('-', 2) is [_, var noun] ? noun : "";

    public ParameterHelp? Parameter(string name) =>
        Parameters.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A syntax block: the parameter set it shows (null when the page has a single, unnamed one) and the syntax line.</summary>
public sealed record SyntaxBlock(string? SetName, bool IsDefault, string Text)
{
    /// <summary>The parameter names in the order the syntax line shows them.</summary>
    public IReadOnlyList<string> ParameterNames =>
        System.Text.RegularExpressions.Regex.Matches(Text, @"(?<![\w-])-(?<name>[A-Za-z][A-Za-z0-9]*)")
            .Select(m => m.Groups["name"].Value)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
}

public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks)
{
    /// <summary>Language of the first code block ("powershell"), or "" when it had none.</summary>
    public string Language { get; init; } = "";
}

/// <summary>A "### -Name" section: the description and one metadata block per distinct set of attributes (usually one).</summary>
public sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterAttributes> Blocks)
{
    /// <summary>The metadata that applies in <paramref name="setName"/>, or null when the parameter is not in that set.</summary>
    public ParameterAttributes? For(string? setName) =>
        Blocks.FirstOrDefault(b => b.AppliesTo(setName));
}

/// <summary>The ```yaml block of a parameter, as PlatyPS writes it.</summary>
public sealed record ParameterAttributes
{
    public const string AllSets = "(All)";

    public string Type { get; init; } = "";
    /// <summary>"(All)" or the set names.</summary>
    public IReadOnlyList<string> ParameterSets { get; init; } = [AllSets];
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public IReadOnlyList<string> AcceptedValues { get; init; } = [];
    public bool Required { get; init; }
    /// <summary>"Named", or the position as a number.</summary>
    public string Position { get; init; } = "Named";
    public string DefaultValue { get; init; } = "None";
    /// <summary>"False", "True (ByValue)", "True (ByPropertyName)" or "True (ByPropertyName, ByValue)".</summary>
    public string PipelineInput { get; init; } = "False";
    public bool AcceptsWildcards { get; init; }

    public bool InAllSets => ParameterSets.Contains(AllSets, StringComparer.OrdinalIgnoreCase);
    public bool ByValue => PipelineInput.Contains("ByValue", StringComparison.OrdinalIgnoreCase);
    public bool ByPropertyName => PipelineInput.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase);
    public int? PositionNumber => int.TryParse(Position, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    public bool IsSwitch => Type is "SwitchParameter" or "System.Management.Automation.SwitchParameter";

    /// <summary>Whether this block describes the parameter in <paramref name="setName"/> (null or "__AllParameterSets": the only set).</summary>
    public bool AppliesTo(string? setName) =>
        InAllSets || setName is null or "__AllParameterSets" || ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase);
}

/// <summary>An INPUTS or OUTPUTS entry: a type name and what it means.</summary>
public sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

public sealed record RelatedLink(string Text, string Uri);

/// <summary>A help page that cannot be converted. The message starts with the file (and line) so the author finds it.</summary>
public sealed class HelpFormatException(string file, int line, string problem)
    : Exception(line > 0 ? $"{file}:{line}: {problem}" : $"{file}: {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
