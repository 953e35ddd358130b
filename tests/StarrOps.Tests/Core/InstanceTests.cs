using System.Collections;
using System.Text.Json;
using StarrOps.Core;
using StarrOps.Core.Instances;

namespace StarrOps.Tests.Core;

public sealed class InstanceTests
{
    private static Hashtable Env(params (string Key, string Value)[] pairs)
    {
        var table = new Hashtable();
        foreach (var (key, value) in pairs) table[key] = value;
        return table;
    }

    [Fact]
    public void Environment_describes_instances_and_suffixes_name_more_of_a_kind()
    {
        var instances = EnvironmentInstanceSource.Read(Env(
            ("SONARR_URL", "http://sonarr.media.svc.cluster.local:8989/"), ("SONARR_API_KEY", "key-sonarr-0001"),
            ("SONARR_4K_URL", "http://sonarr-4k:8989/sonarr4k"), ("SONARR_4K_API_KEY", "key-sonarr4k-0002"),
            ("QBITTORRENT_URL", "http://qbittorrent:8080"), ("QBITTORRENT_USERNAME", "admin"), ("QBITTORRENT_PASSWORD", "qbit-pass-0003"),
            ("PATH", "/usr/bin")));

        Assert.Equal(["sonarr", "sonarr-4k", "qbittorrent"], instances.Select(i => i.Name));
        var sonarr4k = instances[1];
        Assert.Equal(ServiceKind.Sonarr, sonarr4k.Kind);
        Assert.Equal("http://sonarr-4k:8989/sonarr4k", sonarr4k.Url.AbsoluteUri);
        Assert.Equal(new Secret("key-sonarr4k-0002"), sonarr4k.ApiKey);
        Assert.Equal("Environment", sonarr4k.Source);
        Assert.Equal("admin", instances[2].UserName);
        Assert.True(instances[2].Password is { IsEmpty: false });
        Assert.Equal("http://sonarr-4k:8989/sonarr4k/api/v3/tag", sonarr4k.Resolve("api/v3/tag").AbsoluteUri);
    }

    [Fact]
    public void A_malformed_url_names_the_variable_and_an_example()
    {
        var error = Assert.Throws<StarrConfigurationException>(() => EnvironmentInstanceSource.Read(Env(("RADARR_URL", "radarr:7878"))));
        Assert.Contains("RADARR_URL", error.Message);
        Assert.Contains("http://radarr:7878", error.Message);
    }

    [Fact]
    public void Secrets_never_print()
    {
        var instance = new StarrInstance("sonarr", ServiceKind.Sonarr, new Uri("http://sonarr:8989"), new Secret("0123456789abcdef-leak"), "admin", new Secret("pa55-leak"));

        Assert.Equal("(secret)", instance.ApiKey!.ToString());
        Assert.Equal("(secret)", $"{instance.Password}");
        var json = JsonSerializer.Serialize(instance);
        Assert.DoesNotContain("0123456789abcdef-leak", json);
        Assert.DoesNotContain("pa55-leak", json);
        Assert.DoesNotContain("leak", instance.ToString());
        Assert.Equal("key (secret) and (secret)", SecretRegistry.Redact("key 0123456789abcdef-leak and pa55-leak"));
    }

    [Fact]
    public void Registry_resolves_names_and_explains_unknown_ones()
    {
        var env = Env(("PROWLARR_URL", "http://prowlarr:9696"), ("PROWLARR_API_KEY", "k-prowlarr-01"));
        Assert.Equal(ServiceKind.Prowlarr, InstanceRegistry.Resolve("PROWLARR", env).Kind);
        var error = Assert.Throws<StarrConfigurationException>(() => InstanceRegistry.Resolve("sonar", env));
        Assert.Contains("Known instances: prowlarr", error.Message);
        Assert.Equal("prowlarr", InstanceRegistry.Single(ServiceKind.Prowlarr, env).Name);
        Assert.Contains("RADARR_URL", Assert.Throws<StarrConfigurationException>(() => InstanceRegistry.Single(ServiceKind.Radarr, env)).Message);
    }
}
