using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace StarrOps.HelpBuilder;

/// <summary>docs/en-US/*.md in, one MAML help file out.</summary>
public static class MamlHelpBuilder
{
    /// <summary>Reads every Verb-Noun.md page of <paramref name="docsDirectory"/> (about_*.md and README.md are not command help).</summary>
    public static IReadOnlyList<CommandHelp> ReadFolder(string docsDirectory)
    {
        if (!Directory.Exists(docsDirectory)) throw new DirectoryNotFoundException($"The docs folder '{docsDirectory}' does not exist.");
        var pages = Directory.EnumerateFiles(docsDirectory, "*.md")
            .Where(IsCommandPage)
            .OrderBy(p => p, StringComparer.OrdinalIgnoreCase)
            .Select(MarkdownHelpReader.ReadFile)
            .ToList();
        if (pages.Count == 0) throw new InvalidDataException($"'{docsDirectory}' has no Verb-Noun.md help pages.");
        return pages;
    }

    public static XDocument Build(string docsDirectory) => MamlWriter.Write(ReadFolder(docsDirectory));

    /// <summary>Builds the MAML file and returns the commands it holds.</summary>
    public static IReadOnlyList<CommandHelp> BuildFile(string docsDirectory, string outputFile)
    {
        var commands = ReadFolder(docsDirectory);
        var document = MamlWriter.Write(commands);
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (folder is not null) Directory.CreateDirectory(folder);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), NewLineChars = "\n" };
        using (var writer = XmlWriter.Create(outputFile, settings)) document.Save(writer);
        return commands;
    }

    private static bool IsCommandPage(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return name.Contains('-', StringComparison.Ordinal) && !name.StartsWith("about_", StringComparison.OrdinalIgnoreCase);
    }
}
