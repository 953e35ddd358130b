using System.Management.Automation;
using StarrOps.Core;
using StarrOps.Core.Instances;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>Maps core exceptions to ErrorRecords: stable ErrorId, the design's categories, the API's message in ErrorDetails.</summary>
public static class ErrorMapper
{
    public static ErrorRecord ToErrorRecord(StarrException exception, object? target)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, ToCategory(exception.Category), target)
        {
            ErrorDetails = new ErrorDetails(SecretRegistry.Redact(exception.Message)),
        };
        if (exception.RecommendedAction is { } action) record.ErrorDetails.RecommendedAction = SecretRegistry.Redact(action);
        return record;
    }

    public static ErrorCategory ToCategory(StarrErrorCategory category) => category switch
    {
        StarrErrorCategory.AuthenticationError => ErrorCategory.AuthenticationError,
        StarrErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        StarrErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        StarrErrorCategory.ResourceExists => ErrorCategory.ResourceExists,
        StarrErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
        StarrErrorCategory.InvalidData => ErrorCategory.InvalidData,
        StarrErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        StarrErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        StarrErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.NotSpecified,
    };
}
