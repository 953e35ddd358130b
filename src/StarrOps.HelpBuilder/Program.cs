namespace StarrOps.HelpBuilder;

/// <summary><c>StarrOps.HelpBuilder &lt;docsDir&gt; &lt;outputFile&gt;</c>: what build.ps1 runs to make en-US/StarrOps.dll-Help.xml.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <returns>0 when the help file was written, 1 when a page is malformed, 2 for wrong usage.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count != 2)
        {
            error.WriteLine("Usage: StarrOps.HelpBuilder <docsDir> <outputFile>");
            error.WriteLine("  Converts the PlatyPS markdown pages in <docsDir> (Verb-Noun.md) into one MAML file for Get-Help.");
            return 2;
        }
        try
        {
            var commands = MamlHelpBuilder.BuildFile(args[0], args[1]);
            output.WriteLine($"Wrote help for {commands.Count} commands to {args[1]}");
            return 0;
        }
        catch (Exception ex) when (ex is HelpFormatException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }
}
