using System.Text.Json.Nodes;
namespace StarrOps.TestKit;

/// <summary>
/// One entry of the bare JSON array a Servarr app answers with 400. Two real shapes exist:
/// FluentValidation rule failures (propertyName, errorMessage, attemptedValue, severity, errorCode,
/// formattedMessage*; recorded in sonarr rootfolder/POST_400_missing_path.json) and provider test failures
/// (isWarning, detailedDescription, propertyName, errorMessage, severity; recorded in
/// sonarr downloadclient/POST_400_qbittorrent_unreachable.json).
/// </summary>
public sealed record ValidationFailure
{
    public required string PropertyName { get; init; }
    public required string ErrorMessage { get; init; }
    public bool IsWarning { get; init; }
    public string? DetailedDescription { get; init; }
    public string? InfoLink { get; init; }
    public JsonNode? AttemptedValue { get; init; }

    /// <summary>Null for provider test failures; e.g. "NotEmptyValidator" for rule failures.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The display name in formattedMessagePlaceholderValues ("Default Quality Profile Id").</summary>
    public string? DisplayName { get; init; }

    /// <summary>Extra placeholder values (e.g. path, comparisonValue) before propertyName/propertyValue.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode?>>? Placeholders { get; init; }

    /// <summary>Adds "isWarning": false to a rule failure (provider name/settings rules).</summary>
    public bool IncludeIsWarning { get; init; }

    public string Severity => IsWarning ? "warning" : "error";

    public static ValidationFailure Test(string propertyName, string errorMessage, string? detailedDescription = null, bool isWarning = false) =>
        new() { PropertyName = propertyName, ErrorMessage = errorMessage, DetailedDescription = detailedDescription, IsWarning = isWarning };

    public static ValidationFailure Rule(string propertyName, string errorMessage, string errorCode, JsonNode? attemptedValue, bool includeIsWarning = false,
        string? displayName = null, IReadOnlyList<KeyValuePair<string, JsonNode?>>? placeholders = null) =>
        new()
        {
            PropertyName = propertyName, ErrorMessage = errorMessage, ErrorCode = errorCode, AttemptedValue = attemptedValue,
            IncludeIsWarning = includeIsWarning, DisplayName = displayName, Placeholders = placeholders,
        };

    public JsonObject ToJson()
    {
        if (ErrorCode is null)
        {
            var test = new JsonObject { ["isWarning"] = IsWarning };
            if (DetailedDescription is not null) test["detailedDescription"] = DetailedDescription;
            if (InfoLink is not null) test["infoLink"] = InfoLink;
            test["propertyName"] = PropertyName;
            test["errorMessage"] = ErrorMessage;
            test["severity"] = Severity;
            return test;
        }
        var rule = new JsonObject { ["propertyName"] = PropertyName, ["errorMessage"] = ErrorMessage };
        if (AttemptedValue is not null) rule["attemptedValue"] = AttemptedValue.DeepClone();
        rule["severity"] = Severity;
        rule["errorCode"] = ErrorCode;
        rule["formattedMessageArguments"] = new JsonArray();
        var placeholders = new JsonObject();
        if (Placeholders is not null)
            foreach (var (key, value) in Placeholders) placeholders[key] = value?.DeepClone();
        placeholders["propertyName"] = DisplayName ?? PropertyName;
        placeholders["propertyValue"] = AttemptedValue?.DeepClone();
        rule["formattedMessagePlaceholderValues"] = placeholders;
        if (IncludeIsWarning) rule["isWarning"] = IsWarning;
        return rule;
    }

    public static JsonArray ToJson(IEnumerable<ValidationFailure> failures) => new(failures.Select(f => (JsonNode)f.ToJson()).ToArray());

    /// <summary>"DefaultQualityProfileId" → "Default Quality Profile Id", FluentValidation's display name.</summary>
    public static string Display(string propertyName)
    {
        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < propertyName.Length; i++)
        {
            if (i > 0 && char.IsUpper(propertyName[i]) && !char.IsUpper(propertyName[i - 1])) builder.Append(' ');
            builder.Append(propertyName[i]);
        }
        return builder.ToString();
    }
}
