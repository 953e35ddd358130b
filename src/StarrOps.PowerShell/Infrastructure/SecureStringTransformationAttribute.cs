using System.Management.Automation;
using System.Security;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>Lets a SecureString parameter take plain text too (a CSV column, an environment variable), as ConvertTo-SecureString -AsPlainText would.</summary>
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is not string text) return inputData;
        var secure = new SecureString();
        foreach (var character in text) secure.AppendChar(character);
        secure.MakeReadOnly();
        return secure;
    }
}
