using System.Text.Json;
using System.Text.RegularExpressions;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Deploy;

/// <summary>Docker cannot run here: the Dockerfile is parsed and its promises checked instruction by instruction.</summary>
public sealed partial class DockerfileTests
{
    private sealed record Instruction(string Keyword, string Arguments);

    private static IReadOnlyList<Instruction> Parse()
    {
        var text = File.ReadAllText(RepoPaths.File("deploy", "image", "Dockerfile"));
        var instructions = new List<Instruction>();
        var current = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#') && current.Length == 0) continue;
            if (line.TrimStart().StartsWith('#')) continue; // comment lines inside a continued instruction
            current += (current.Length == 0 ? "" : " ") + line.Trim().TrimEnd('\\').Trim();
            if (line.TrimEnd().EndsWith('\\')) continue;
            if (current.Length > 0)
            {
                var space = current.IndexOf(' ');
                instructions.Add(new Instruction(current[..space].ToUpperInvariant(), current[(space + 1)..].Trim()));
            }
            current = "";
        }
        return instructions;
    }

    /// <summary>The instructions of the last stage (what the image is).</summary>
    private static IReadOnlyList<Instruction> FinalStage()
    {
        var all = Parse();
        var last = all.Select((i, index) => (i, index)).Last(x => x.i.Keyword == "FROM").index;
        return all.Skip(last).ToList();
    }

    private static Dictionary<string, string> Environment(IEnumerable<Instruction> stage) =>
        stage.Where(i => i.Keyword == "ENV").SelectMany(i => EnvPair().Matches(i.Arguments)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    [Fact]
    public void Base_images_are_official_and_pinned_by_tag()
    {
        var froms = Parse().Where(i => i.Keyword == "FROM").Select(i => i.Arguments.Split(' ')[0]).ToList();

        Assert.True(froms.Count >= 2, "a multi-stage build: SDK stage, then the runtime");
        Assert.All(froms, image =>
        {
            Assert.Matches(@"^mcr\.microsoft\.com/[a-z/]+:[0-9][\w.\-]*(@sha256:[0-9a-f]{64})?$", image);
            Assert.DoesNotContain(":latest", image);
        });
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", froms[0]);
        Assert.Matches(@"^mcr\.microsoft\.com/powershell:7\.4-", froms[^1]);
    }

    [Fact]
    public void The_module_is_built_with_build_ps1_and_installed_system_wide()
    {
        var all = Parse();
        var final = FinalStage();

        Assert.Contains(all, i => i.Keyword == "RUN" && i.Arguments.Contains("./build.ps1 Build", StringComparison.Ordinal));
        var copy = Assert.Single(final, i => i.Keyword == "COPY" && i.Arguments.Contains("--from=build", StringComparison.Ordinal));
        Assert.EndsWith("/usr/local/share/powershell/Modules/StarrOps", copy.Arguments);
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_with_the_reconcile_command()
    {
        var final = FinalStage();

        var user = Assert.Single(final, i => i.Keyword == "USER").Arguments;
        Assert.Matches(@"^10001(:10001)?$", user); // numeric, so runAsNonRoot can verify it
        var cmd = Assert.Single(final, i => i.Keyword == "CMD").Arguments;
        Assert.Equal(["pwsh", "-NoLogo", "-NonInteractive", "-c", "Invoke-StarrReconcile"], JsonSerializer.Deserialize<string[]>(cmd)!);
    }

    [Fact]
    public void The_environment_suits_a_read_only_root_and_a_128Mi_limit()
    {
        var env = Environment(FinalStage());

        Assert.Equal("/tmp", env["HOME"]);
        Assert.Equal("/tmp", env["TMPDIR"]);
        Assert.Equal("1", env["POWERSHELL_TELEMETRY_OPTOUT"]);
        Assert.Equal("0", env["DOTNET_gcServer"]);
        var heapLimit = Convert.ToInt64(env["DOTNET_GCHeapHardLimit"], 16); // .NET reads it as hex
        Assert.InRange(heapLimit, 32L * 1024 * 1024, 96L * 1024 * 1024);
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
