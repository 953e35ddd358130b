using System.Net;
using StarrOps.Core;
using StarrOps.Core.Http;
using StarrOps.TestKit;

namespace StarrOps.Tests.Core;

public sealed class ErrorParserTests
{
    [Fact]
    public void Servarr_validation_array_is_reported_field_by_field()
    {
        // Recorded from Sonarr 4.0.19: POST downloadclient with an unreachable qBittorrent.
        const string body = """[{"isWarning":false,"detailedDescription":"Name or service not known (qbittorrent.invalid:8080)","propertyName":"Host","errorMessage":"Unable to connect to qBittorrent","severity":"error"}]""";
        var error = StarrErrorParser.Parse("sonarr", "POST", "api/v3/downloadclient", HttpStatusCode.BadRequest, body);

        var failure = Assert.Single(error.Failures);
        Assert.Equal("Host", failure.PropertyName);
        Assert.Equal("Unable to connect to qBittorrent", failure.ErrorMessage);
        Assert.False(failure.IsWarning);
        Assert.Contains("error Host: Unable to connect to qBittorrent (Name or service not known (qbittorrent.invalid:8080))", error.Message);
        Assert.Equal("StarrValidationFailed", error.ErrorId);
        Assert.Equal(StarrErrorCategory.InvalidData, error.Category);
    }

    [Fact]
    public void Warnings_only_suggest_force()
    {
        const string body = """[{"isWarning":true,"propertyName":"","errorMessage":"Indexer does not support RSS","severity":"warning"}]""";
        var error = StarrErrorParser.Parse("sonarr", "POST", "api/v3/indexer", HttpStatusCode.BadRequest, body);
        Assert.True(error.OnlyWarnings);
        Assert.Contains("-Force", error.Message);
    }

    [Fact]
    public void Problem_details_name_the_json_path_as_field()
    {
        const string body = """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"$.syncLevel":["The JSON value could not be converted to NzbDrone.Core.Applications.ApplicationSyncLevel. Path: $.syncLevel"]},"traceId":"00-1"}""";
        var error = StarrErrorParser.Parse("prowlarr", "POST", "api/v1/applications", HttpStatusCode.BadRequest, body);

        var failure = Assert.Single(error.Failures);
        Assert.Equal("syncLevel", failure.PropertyName);
        Assert.Contains("One or more validation errors occurred.", error.Message);
    }

    [Fact]
    public void A_500_shows_the_message_and_keeps_the_stack_trace_for_debug_only()
    {
        var body = Fixtures.Text("sonarr/indexer/POST_500_implementation_Prowlarr.json");
        var error = StarrErrorParser.Parse("sonarr", "POST", "api/v3/indexer", HttpStatusCode.InternalServerError, body);

        Assert.NotNull(error.ApiMessage);
        Assert.Contains(error.ApiMessage!, error.Message);
        Assert.NotNull(error.DebugDetail);
        Assert.DoesNotContain(" at ", error.Message); // no stack trace in what the user sees
    }

    [Fact]
    public void An_empty_401_says_the_key_was_rejected()
    {
        var error = StarrErrorParser.Parse("sonarr", "GET", "api/v3/system/status", HttpStatusCode.Unauthorized, "");
        Assert.Contains("API key was rejected", error.Message);
        Assert.Equal("StarrUnauthorized", error.ErrorId);
        Assert.Equal(StarrErrorCategory.AuthenticationError, error.Category);
    }

    [Fact]
    public void Jellyseerr_openapi_errors_name_the_path()
    {
        const string body = """{"message":"request/body must have required property 'hostname'","errors":[{"path":"/body/hostname","message":"must have required property 'hostname'","errorCode":"required.openapi.validation"}]}""";
        var error = StarrErrorParser.Parse("jellyseerr", "POST", "api/v1/settings/sonarr", HttpStatusCode.BadRequest, body);
        Assert.Equal("/body/hostname", Assert.Single(error.Failures).PropertyName);
    }

    [Fact]
    public void Bazarr_json_string_body_is_the_message()
    {
        var error = StarrErrorParser.Parse("bazarr", "POST", "api/system/settings", (HttpStatusCode)406, "\"Invalid port\"");
        Assert.Equal("Invalid port", error.ApiMessage);
    }
}
