using StarrOps.HelpBuilder;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Docs;

/// <summary>The help pages in docs/en-US, read with the HelpBuilder's own reader (what Get-Help will show).</summary>
public static class HelpPages
{
    public static string Folder { get; } = RepoPaths.File("docs", "en-US");

    public static string PathOf(string command) => Path.Combine(Folder, command + ".md");

    public static CommandHelp Read(string command)
    {
        var path = PathOf(command);
        Assert.True(File.Exists(path), $"{command} has no help page: write docs/en-US/{command}.md (PlatyPS format; copy a sibling page).");
        return MarkdownHelpReader.ReadFile(path);
    }

    /// <summary>Verb-Noun.md files: the command pages (about_ topics live in module/en-US).</summary>
    public static IReadOnlyList<string> CommandPageNames() =>
        Directory.EnumerateFiles(Folder, "*-*.md").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order().ToList();
}
