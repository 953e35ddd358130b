using System.Text.Json;
using System.Text.RegularExpressions;
using StarrOps.Core.Metrics;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Metrics;

/// <summary>deploy/monitoring: the alert rules and the dashboard, checked by the real promtool and against the metric names the module emits.</summary>
public sealed partial class MonitoringTests
{
    private static string Monitoring(string file) => RepoPaths.File("deploy", "monitoring", file);

    private static readonly HashSet<string> Emitted = MetricNames.All.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The rule groups of the PrometheusRule (everything under its last top-level key, spec:), as a plain Prometheus rules file.</summary>
    private static string ExtractRules()
    {
        var lines = File.ReadAllLines(Monitoring("prometheus-rule.yaml"));
        var spec = Array.IndexOf(lines, "spec:");
        Assert.True(spec > 0, "prometheus-rule.yaml needs a top-level 'spec:' line");
        Assert.DoesNotContain(lines.Skip(spec + 1), l => l.Length > 0 && !l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith('#'));
        return string.Join("\n", lines.Skip(spec + 1).Select(l => l.Length >= 2 ? l[2..] : l)) + "\n";
    }

    [Fact]
    public void Promtool_accepts_the_rules_and_their_unit_tests_pass()
    {
        var folder = Directory.CreateTempSubdirectory("starrops-rules-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "starrops.rules.yaml"), ExtractRules());
            File.Copy(Monitoring("starrops-rules.test.yaml"), Path.Combine(folder.FullName, "starrops-rules.test.yaml"));

            var check = Promtool.Run(folder.FullName, null, "check", "rules", "starrops.rules.yaml");
            var test = Promtool.Run(folder.FullName, null, "test", "rules", "starrops-rules.test.yaml");

            Assert.True(check.ExitCode == 0, check.Output);
            Assert.True(test.ExitCode == 0, test.Output);
            Assert.Contains("SUCCESS", test.Output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_alert_the_issue_asks_for_exists_and_has_a_unit_test()
    {
        var rules = File.ReadAllText(Monitoring("prometheus-rule.yaml"));
        var tests = File.ReadAllText(Monitoring("starrops-rules.test.yaml"));
        string[] alerts =
        [
            "StarrOpsReconcileFailing", "StarrOpsReconcileNotRun", "StarrOpsDriftRepeated", "StarrServiceDown",
            "StarrCertificateExpiringSoon", "StarrCertificateInvalid", "StarrBackupTooOld", "StarrBackupVerificationFailed", "StarrVpnCheckFailed",
        ];
        Assert.All(alerts, a =>
        {
            Assert.Contains($"- alert: {a}\n", rules);
            Assert.Contains($"alertname: {a}\n", tests);
        });
    }

    [Fact]
    public void Rules_use_only_metrics_the_module_emits()
    {
        var used = MetricName().Matches(ExtractRules()).Select(m => m.Value).ToHashSet();

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(Emitted));
    }

    [Fact]
    public void Every_alert_links_a_runbook_that_exists()
    {
        var rules = ExtractRules();
        var alerts = Regex.Matches(rules, @"- alert: (\w+)").Count;
        var urls = Regex.Matches(rules, @"runbook_url: (\S+)").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(alerts, urls.Count);
        Assert.All(urls, url =>
        {
            var match = Regex.Match(url, @"^https://github\.com/starrops/starrops/blob/main/docs/runbooks/([a-z0-9-]+\.md)$");
            Assert.True(match.Success, url);
            var file = match.Groups[1].Value;
            // restore.md belongs to the backup work; it is checked here as soon as it exists.
            if (file == "restore.md" && !File.Exists(RepoPaths.File("docs", "runbooks", file))) return;
            Assert.True(File.Exists(RepoPaths.File("docs", "runbooks", file)), $"docs/runbooks/{file} is missing");
        });
    }

    [Fact]
    public void Dashboard_queries_only_metrics_the_module_emits_and_covers_every_concern()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Monitoring("grafana-dashboard.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var expressions = panels.Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!)).ToList();
        var used = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet();

        Assert.Empty(used.Except(Emitted));
        Assert.Equal(["Reconcile", "Service health", "Certificates", "Backups", "VPN"],
            panels.Where(p => p.GetProperty("type").GetString() == "row").Select(p => p.GetProperty("title").GetString()));
        // Every emitted family except bookkeeping timestamps is on the dashboard.
        Assert.Empty(Emitted.Except(used).Except([MetricNames.HealthLastCheckTimestamp]));
    }

    [Fact]
    public void Dashboard_panels_have_green_and_red_thresholds()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Monitoring("grafana-dashboard.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();

        Assert.NotEmpty(panels);
        Assert.All(panels, p =>
        {
            var colours = p.GetProperty("fieldConfig").GetProperty("defaults").GetProperty("thresholds").GetProperty("steps")
                .EnumerateArray().Select(s => s.GetProperty("color").GetString()).ToList();
            Assert.Contains("green", colours);
            Assert.True(colours.Contains("red") || colours.Contains("yellow"), p.GetProperty("title").GetString());
        });
    }

    [GeneratedRegex(@"\bstarrops_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
