using System.Text.Json;
using System.Text.RegularExpressions;

namespace StarrOps.TestKit;

/// <summary>
/// The instructions of a Dockerfile, continuation lines joined and comments dropped. Docker cannot run here, so the
/// tests check the image's promises from these, and the CronJob benchmark runs pwsh with the image's own ENV.
/// </summary>
public sealed partial record Dockerfile(IReadOnlyList<DockerInstruction> Instructions)
{
    public static Dockerfile Read(string path)
    {
        var instructions = new List<DockerInstruction>();
        var current = "";
        foreach (var raw in File.ReadAllText(path).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue; // a comment, also inside a continued instruction
            current += (current.Length == 0 ? "" : " ") + line.Trim().TrimEnd('\\').Trim();
            if (line.TrimEnd().EndsWith('\\')) continue;
            if (current.Length > 0)
            {
                var space = current.IndexOf(' ');
                instructions.Add(new DockerInstruction(current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            }
            current = "";
        }
        return new Dockerfile(instructions);
    }

    /// <summary>The instructions of the last stage: what the image is.</summary>
    public IReadOnlyList<DockerInstruction> FinalStage =>
        Instructions.Skip(Instructions.Select((i, index) => (i, index)).Last(x => x.i.Keyword == "FROM").index).ToList();

    /// <summary>The image's environment: the final stage's ENV pairs.</summary>
    public IReadOnlyDictionary<string, string> FinalEnvironment =>
        FinalStage.Where(i => i.Keyword == "ENV").SelectMany(i => EnvPair().Matches(i.Arguments)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    /// <summary>The final stage's CMD, in exec form (a JSON array): what a container of the image runs.</summary>
    public IReadOnlyList<string> Command =>
        JsonSerializer.Deserialize<string[]>(FinalStage.Last(i => i.Keyword == "CMD").Arguments)
        ?? throw new InvalidDataException("the image's CMD is not a JSON array");

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}

public sealed record DockerInstruction(string Keyword, string Arguments);
