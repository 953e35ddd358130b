using System.Management.Automation;
using System.Text.Json.Nodes;

namespace StarrOps.Benchmarks.FloorModule;

/// <summary>GETs one JSON answer and writes one of its fields: the least a CronJob run of a module that reads an API does.</summary>
[Cmdlet(VerbsCommon.Get, "FloorJson")]
[OutputType(typeof(string))]
public sealed class GetFloorJsonCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public Uri Uri { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1)]
    public string Field { get; set; } = null!;

    protected override void EndProcessing()
    {
        using var http = new HttpClient();
        var text = http.GetStringAsync(Uri).GetAwaiter().GetResult();
        WriteObject(JsonNode.Parse(text)?[Field]?.ToString());
    }
}
