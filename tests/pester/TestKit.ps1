# Shared by the Pester files: loads the TestKit (emulated servers) into pwsh. Dot-source it inside BeforeAll.

function Import-StarrTestKit {
    param([string] $Path)
    # pwsh does not load the ASP.NET Core shared framework the emulated (Kestrel) servers need. A C# resolver
    # finds it, and the TestKit's own dependencies, when the runtime asks; a script block could not run on the
    # thread-pool threads that may trigger such a load.
    if (-not ('StarrOpsPester.AssemblyResolver' -as [type])) {
        Add-Type -TypeDefinition @'
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace StarrOpsPester
{
    public static class AssemblyResolver
    {
private static string[] folders = new string[0];
private static bool registered;

public static void Register(string[] searchFolders)
{
    folders = searchFolders;
    if (registered) return;
    registered = true;
    AssemblyLoadContext.Default.Resolving += Resolve;
}

private static Assembly Resolve(AssemblyLoadContext context, AssemblyName name)
{
    foreach (string folder in folders)
    {
        string candidate = Path.Combine(folder, name.Name + ".dll");
        if (File.Exists(candidate)) return context.LoadFromAssemblyPath(candidate);
    }
    return null;
}
    }
}
'@
    }
    $folders = @(Split-Path -Parent $Path)
    $aspNetCore = Find-AspNetCoreFramework
    if ($aspNetCore) { $folders += $aspNetCore }
    [StarrOpsPester.AssemblyResolver]::Register([string[]]$folders)
    Add-Type -Path $Path
    if (-not $aspNetCore) {
        throw "no ASP.NET Core $([Environment]::Version.Major).x shared framework was found (looked beside this pwsh's runtime, in DOTNET_ROOT and beside 'dotnet')."
    }
}

function Find-AspNetCoreFramework {
    $major = [Environment]::Version.Major
    $roots = [System.Collections.Generic.List[string]]::new()
    if ($env:DOTNET_ROOT) { $roots.Add($env:DOTNET_ROOT) }
    # pwsh as a dotnet tool runs on the shared runtime: <root>/shared/Microsoft.NETCore.App/<version>/
    $runtime = [System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory().TrimEnd('/', '\')
    $roots.Add((Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $runtime))))
    $dotnet = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($dotnet) {
        $file = [System.IO.FileInfo]::new($dotnet.Source)
        $target = $file.ResolveLinkTarget($true)
        if ($target) { $roots.Add((Split-Path -Parent $target.FullName)) } else { $roots.Add($file.DirectoryName) }
    }
    foreach ($root in $roots) {
        if (-not $root) { continue }
        $shared = Join-Path $root 'shared/Microsoft.AspNetCore.App'
        if (-not (Test-Path $shared)) { continue }
        $match = Get-ChildItem -Path $shared -Directory |
            Where-Object { $_.Name -like "$major.*" } |
            Sort-Object { [version]($_.Name -replace '-.*$', '') } -Descending |
            Select-Object -First 1
        if ($match) { return $match.FullName }
    }
    return $null
}
