using StarrOps.Tests.Support;
using StarrOps.TestKit;

namespace StarrOps.Tests.Deploy;

/// <summary>Docker cannot run here: the Dockerfile is parsed and its promises checked instruction by instruction.</summary>
public sealed class DockerfileTests
{
    private static Dockerfile Image => Dockerfile.Read(RepoPaths.File("deploy", "image", "Dockerfile"));

    private static IReadOnlyList<DockerInstruction> Parse() => Image.Instructions;

    private static IReadOnlyList<DockerInstruction> FinalStage() => Image.FinalStage;

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
        // pwsh puts its own folders before any of PSModulePath's, so a folder of ours there would make every run's
        // autoload read all of pwsh's modules before StarrOps (+0.13 CPU seconds, docs/decisions/0004).
        Assert.False(Image.FinalEnvironment.ContainsKey("PSModulePath"), "the module is found in the shared folder, before $PSHOME/Modules");
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_with_the_reconcile_command()
    {
        var final = FinalStage();

        var user = Assert.Single(final, i => i.Keyword == "USER").Arguments;
        Assert.Matches(@"^10001(:10001)?$", user); // numeric, so runAsNonRoot can verify it
        Assert.Single(final, i => i.Keyword == "CMD");
        Assert.Equal(DeployManifestTests.ReconcileCommand, Image.Command);
    }

    [Fact]
    public void The_environment_suits_a_read_only_root_and_a_128Mi_limit()
    {
        var env = Image.FinalEnvironment;

        Assert.Equal("/tmp", env["HOME"]);
        Assert.Equal("/tmp", env["TMPDIR"]);
        Assert.Equal("1", env["POWERSHELL_TELEMETRY_OPTOUT"]);
        Assert.Equal("0", env["DOTNET_gcServer"]);
        var heapLimit = Convert.ToInt64(env["DOTNET_GCHeapHardLimit"], 16); // .NET reads it as hex
        Assert.InRange(heapLimit, 32L * 1024 * 1024, 96L * 1024 * 1024);
    }

}
