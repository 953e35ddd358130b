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

# The TestKit build this pwsh can load: the highest target framework not newer than pwsh's .NET (the TestKit is
# built for net8.0 and net10.0), newest build first. Returns the dll path, or a skip reason as a string prefixed "skip:".
function Find-StarrTestKit {
    param([string] $RepoRoot)
    if ($env:STARROPS_TESTKIT_PATH) { return $env:STARROPS_TESTKIT_PATH }
    $runtime = [Environment]::Version.Major
    $builds = Get-ChildItem -Path (Join-Path $RepoRoot 'tests/StarrOps.TestKit/bin') -Recurse -Filter 'StarrOps.TestKit.dll' -ErrorAction SilentlyContinue |
        ForEach-Object {
            $framework = Split-Path -Leaf $_.DirectoryName
            if ($framework -match '^net(\d+)\.') { [pscustomobject]@{ Path = $_.FullName; Major = [int]$Matches[1]; Time = $_.LastWriteTimeUtc } }
        }
    if (-not $builds) { return 'skip:StarrOps.TestKit.dll is not built: run "dotnet build tests/StarrOps.TestKit" (or set STARROPS_TESTKIT_PATH).' }
    $usable = $builds | Where-Object Major -le $runtime | Sort-Object Major, Time -Descending | Select-Object -First 1
    if (-not $usable) { return "skip:no TestKit build targets .NET $runtime or older (found net$(($builds.Major | Sort-Object -Unique) -join ', net'))." }
    return $usable.Path
}

# The pwsh executable of this session, for child processes. $PSHOME holds it for every way pwsh is installed: the
# dotnet global/local tool (where the process itself is 'dotnet', so (Get-Process -Id $PID).Path is wrong), the
# official image and the distro packages.
function Get-PwshPath {
    $name = if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }
    $path = Join-Path $PSHOME $name
    if (-not (Test-Path $path)) { throw "pwsh was not found in `$PSHOME ($PSHOME)." }
    return $path
}

# Runs `pwsh -c <Command>` in a new process, as the CronJob does, and returns its exit code, stdout and stderr.
# -Environment adds variables; -WithoutStarrEnvironment first drops every *_URL, *_API_KEY and STARR_CONFIG of this
# session, so the child sees only what the test gives it.
function Invoke-PwshProcess {
    param([string] $Command, [hashtable] $Environment = @{}, [switch] $WithoutStarrEnvironment)
    $start = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshPath))
    foreach ($argument in '-NoLogo', '-NoProfile', '-NonInteractive', '-c', $Command) { $start.ArgumentList.Add($argument) }
    if ($WithoutStarrEnvironment) {
        foreach ($name in @($start.Environment.Keys)) { if ($name -match '_(URL|API_KEY)$|^STARR_CONFIG$') { $start.Environment.Remove($name) | Out-Null } }
    }
    foreach ($pair in $Environment.GetEnumerator()) { $start.Environment[$pair.Key] = $pair.Value }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEnd()
    $process.WaitForExit()
    [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result; Errors = $stderr }
}
