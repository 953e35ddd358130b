using System.Net;
using System.Text.RegularExpressions;
using StarrOps.Core;
using StarrOps.Core.Instances;
using StarrOps.Core.Kubernetes;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Docs;

/// <summary>about_StarrOps is where runbook authors look up error ids and variables: it must list the ones the code uses.</summary>
public sealed class AboutHelpTests
{
    private static readonly string AboutPath = RepoPaths.File("module", "en-US", "about_StarrOps.help.txt");
    private static string About => File.ReadAllText(AboutPath);

    /// <summary>Every ErrorId the core's exceptions produce, plus the cmdlet base's own for unexpected failures.</summary>
    public static TheoryData<string> ErrorIds()
    {
        var operation = new KubernetesOperation("get", KubernetesApiResource.Secrets, "media", "starr-secrets");
        var exceptions = new List<StarrException>
        {
            new StarrConfigurationException("x"),
            new StarrFieldException("x", "QBittorrent", "useSSL", ["useSsl"]),
            new StarrConnectionException("sonarr", new Uri("http://sonarr:8989"), "x", timedOut: false),
            new StarrConnectionException("sonarr", new Uri("http://sonarr:8989"), "x", timedOut: true),
            new StarrLoginException("qbittorrent", "x"),
            new StarrLoginException("qbittorrent", "x", banned: true),
        };
        foreach (var status in new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.Conflict, HttpStatusCode.BadRequest, HttpStatusCode.InternalServerError })
            exceptions.Add(new StarrApiException("sonarr", "GET", "/api/v3/tag", status, null, [], null));
        foreach (var failure in Enum.GetValues<KubernetesFailure>())
        foreach (var status in new HttpStatusCode?[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity, HttpStatusCode.InternalServerError })
            exceptions.Add(new KubernetesException("x", operation, failure, status));

        var data = new TheoryData<string>();
        foreach (var id in exceptions.Select(e => e.ErrorId).Append("StarrUnexpectedError").Distinct()) data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(ErrorIds))]
    public void Every_error_id_is_explained(string errorId) =>
        Assert.Matches($@"(?m)^\s+{errorId}\b", About);

    /// <summary>
    /// Ids given as literals in the sources: those of ErrorRecords a cmdlet builds itself (a failed Job, a failed VPN
    /// check; the literal before the category), and those assigned to an ErrorId in the core (a service not ready).
    /// </summary>
    public static TheoryData<string> CmdletErrorIds()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Sources("StarrOps.PowerShell"))
            foreach (Match record in Regex.Matches(File.ReadAllText(file), @"new ErrorRecord\((?<arguments>.*?)ErrorCategory\.", RegexOptions.Singleline))
                foreach (Match id in Regex.Matches(record.Groups["arguments"].Value, @"""(?<id>[A-Z][A-Za-z]+)"""))
                    ids.Add(id.Groups["id"].Value);
        foreach (var file in Sources("StarrOps.Core"))
        {
            var text = File.ReadAllText(file);
            // ErrorId => "X", ErrorId = "X", a constructor's errorId = "X" default …
            foreach (Match id in Regex.Matches(text, @"(?i)errorId\s*(=>|=|\?\?)\s*""(?<id>[A-Z][A-Za-z]+)"""))
                ids.Add(id.Groups["id"].Value);
            // … and ids handed to an exception's constructor: new BackupException(message, "StarrBackupCorrupt").
            foreach (Match creation in Regex.Matches(text, @"new \w+Exception\((?<arguments>[^;]*);"))
                foreach (Match id in Regex.Matches(creation.Groups["arguments"].Value, @"""(?<id>(Starr|Kubernetes)[A-Z][A-Za-z]+)"""))
                    ids.Add(id.Groups["id"].Value);
        }
        var data = new TheoryData<string>();
        foreach (var id in ids) data.Add(id);
        return data;
    }

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(RepoPaths.File("src", project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(CmdletErrorIds))]
    public void Every_error_id_a_cmdlet_writes_is_explained(string errorId) =>
        Assert.Matches($@"(?m)^\s+{errorId}\b", About);

    public static TheoryData<string> InstanceVariables()
    {
        var data = new TheoryData<string>();
        foreach (var kind in Enum.GetValues<ServiceKind>()) data.Add(kind.EnvironmentPrefix() + "_URL");
        return data;
    }

    [Theory]
    [MemberData(nameof(InstanceVariables))]
    public void Every_service_kind_has_its_environment_variable_listed(string variable) =>
        Assert.Contains(variable, About, StringComparison.Ordinal);

    [Fact]
    public void The_variables_the_module_reads_are_listed()
    {
        string[] variables =
        [
            "SONARR_API_KEY", "SONARR_4K_URL", "QBITTORRENT_USERNAME", "QBITTORRENT_PASSWORD", "GLUETUN_API_KEY",
            "STARR_TIMEOUT_SECONDS", StarrOps.Core.Config.DesiredStateLoader.ConfigPathVariable,
            .. StarrOps.Core.Config.StandardWiring.RootFolders.Values.Select(v => v.Variable),
        ];
        Assert.All(variables, v => Assert.Contains(v, About, StringComparison.Ordinal));
    }

    [Fact]
    public void The_variable_suffix_rule_names_the_instance_it_makes()
    {
        // The documented example must be what EnvironmentInstanceSource really does.
        var instances = EnvironmentInstanceSource.Read(new System.Collections.Hashtable { ["SONARR_4K_URL"] = "http://sonarr-4k:8989" });
        Assert.Equal("sonarr-4k", Assert.Single(instances).Name);
        Assert.Matches(@"SONARR_4K_URL.*instance ""sonarr-4k""", About);
    }

    [Fact]
    public void Topic_has_the_layout_Get_Help_expects_and_fits_an_80_column_console()
    {
        var lines = File.ReadAllLines(AboutPath);
        Assert.Equal("TOPIC", lines[0]);
        Assert.Equal("about_StarrOps", lines[1].Trim());
        Assert.Contains("SHORT DESCRIPTION", lines);
        Assert.Contains("LONG DESCRIPTION", lines);
        Assert.All(lines.Select((l, i) => (Line: l, Number: i + 1)), x =>
            Assert.True(x.Line.Length <= 80 && !x.Line.Contains('\t'), $"about_StarrOps.help.txt:{x.Number} is wider than 80 columns or has a tab"));
    }
}
