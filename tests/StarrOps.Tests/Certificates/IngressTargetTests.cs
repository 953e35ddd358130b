using StarrOps.Core.Certificates;
using StarrOps.Tests.Kubernetes;
using StarrOps.TestKit.Kubernetes;

namespace StarrOps.Tests.Certificates;

public sealed class IngressTargetTests
{
    [Fact]
    public async Task Ingress_tls_hosts_become_targets_once_each_and_hosts_without_tls_are_left_out()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.Add(FakeKubernetesObjects.NewIngress(FakeMediaStack.Namespace, "sonarr-again", "sonarr.example.test", "sonarr", 8989, "sonarr-tls"));
        cluster.Server.Add(FakeKubernetesObjects.NewIngress(FakeMediaStack.Namespace, "plain", "plain.example.test", "radarr", 7878));
        using var client = cluster.Client();

        var targets = await CertificateProbe.TargetsFromIngressesAsync(client, FakeMediaStack.Namespace, null, CancellationToken.None);

        var target = Assert.Single(targets);
        Assert.Equal(new Uri("https://sonarr.example.test"), target.Uri);
        Assert.StartsWith($"Ingress/{FakeMediaStack.Namespace}/sonarr", target.Source);
    }
}
