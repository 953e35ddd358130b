using System.Text.Json.Nodes;
using StarrOps.Core.Http;
using StarrOps.Core.Instances;

namespace StarrOps.Tests.Clients;

/// <summary><see cref="StarrHttpClient.MaskSecrets"/>, which the settings documents of Bazarr, qBittorrent, SABnzbd and Jellyseerr go through.</summary>
public sealed class SecretMaskingTests
{
    [Fact]
    public void Secret_named_values_are_masked_at_any_depth_and_other_values_kept()
    {
        var document = JsonNode.Parse("""
            {"auth": {"apikey": "k-123456", "password": "", "type": "form"},
             "proxy_password": "p-123456", "bypass_local_auth": true, "bypass_auth_subnet_whitelist": "10.0.0.0/8",
             "servers": [{"host": "news", "password": "s-123456"}], "apiKey": "j-123456", "hdbits": {"passkey": "h-123456"},
             "port": 8080}
            """);

        var masked = StarrHttpClient.MaskSecrets(document)!;

        Assert.Equal("********", masked["auth"]!["apikey"]!.GetValue<string>());
        Assert.Equal("", masked["auth"]!["password"]!.GetValue<string>()); // empty stays empty: "not set" is useful to see
        Assert.Equal("form", masked["auth"]!["type"]!.GetValue<string>());
        Assert.Equal("********", masked["proxy_password"]!.GetValue<string>());
        Assert.Equal("********", masked["servers"]![0]!["password"]!.GetValue<string>());
        Assert.Equal("********", masked["apiKey"]!.GetValue<string>());
        Assert.Equal("********", masked["hdbits"]!["passkey"]!.GetValue<string>());
        Assert.True(masked["bypass_local_auth"]!.GetValue<bool>());
        Assert.Equal("10.0.0.0/8", masked["bypass_auth_subnet_whitelist"]!.GetValue<string>());
        Assert.Equal(8080, masked["port"]!.GetValue<int>());
        Assert.Equal("k-123456", document!["auth"]!["apikey"]!.GetValue<string>()); // the original is untouched
    }

    [Fact]
    public void CamelCase_names_are_split_into_words_so_only_whole_secret_words_mask()
    {
        var document = JsonNode.Parse("""
            {"webUiPassword": "w-123456", "sab2Key": "s-123456", "rpcPasskey": "r-123456",
             "keyboardLayout": "de", "passthroughMode": "copy", "tokenizerName": "basic"}
            """);

        var masked = StarrHttpClient.MaskSecrets(document)!;

        Assert.Equal("********", masked["webUiPassword"]!.GetValue<string>());
        Assert.Equal("********", masked["sab2Key"]!.GetValue<string>());
        Assert.Equal("********", masked["rpcPasskey"]!.GetValue<string>());
        Assert.Equal("de", masked["keyboardLayout"]!.GetValue<string>());
        Assert.Equal("copy", masked["passthroughMode"]!.GetValue<string>());
        Assert.Equal("basic", masked["tokenizerName"]!.GetValue<string>());
    }

    [Fact]
    public void Masked_values_are_registered_so_that_messages_quoting_them_are_redacted()
    {
        var value = "unique-" + Guid.NewGuid().ToString("N");

        StarrHttpClient.MaskSecrets(new JsonObject { ["token"] = value });

        Assert.Equal("error near (secret)", SecretRegistry.Redact($"error near {value}"));
    }
}
