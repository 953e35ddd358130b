using System.Collections;
using System.Text.RegularExpressions;
using StarrOps.Core.Config;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Docs;

/// <summary>The README's reconcile YAML is what a new user copies first: it must load as written.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_yaml_examples_load()
    {
        var readme = File.ReadAllText(RepoPaths.File("README.md"));
        var blocks = Regex.Matches(readme, "```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline).Select(m => m.Groups["yaml"].Value).ToList();
        Assert.NotEmpty(blocks);
        var secretFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(secretFile, "readme-sonarr4k-key-000001");
            var environment = new Hashtable { ["SONARR_API_KEY"] = "readme-sonarr-key-000001" };
            foreach (var yaml in blocks)
            {
                var state = DesiredStateLoader.Parse(yaml.Replace("/run/secrets/sonarr-4k", secretFile), environment, "README.md");
                Assert.Contains(state.Instances, i => i.Name == "sonarr-4k" && i.HasApiKey);
                var sonarr = Assert.Single(state.Configs, c => c.Instance == "sonarr");
                var pulsarr = Assert.Single(sonarr.Notifications, n => n.Name == "Pulsarr");
                Assert.Equal("Webhook", pulsarr.Implementation);
                Assert.Equal(true, pulsarr.Properties["onGrab"]);
            }
        }
        finally
        {
            File.Delete(secretFile);
        }
    }
}
