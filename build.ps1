#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the StarrOps module.
.DESCRIPTION
    Build   publishes the cmdlet assembly and assembles the module layout in out/StarrOps/<version>/:
            the manifest (version stamped from Directory.Build.props), the DLLs, module/ (format file,
            about help, JSON Schema) and the cmdlet help built from docs/en-US.
    Test    builds the module when it is not built, runs the xunit suite (dotnet test), then the Pester tests in
            tests/pester in this pwsh (Pester 5.9.1 restored from NuGet). Fails when any test fails.
    Demo    the README's main command: builds the module, starts the emulated stack (and a real qBittorrent when
            installed) and runs `pwsh -c Invoke-StarrReconcile` against it: plan, apply, converged rerun.
    Docs    builds the MAML help (en-US/StarrOps.dll-Help.xml) from docs/en-US/*.md.
    Package writes a .nupkg for the PowerShell Gallery into out/ (Publish-PSResource can push it).
.EXAMPLE
    ./build.ps1 Build, Test
.EXAMPLE
    ./build.ps1 Build -ReadyToRun; Import-Module ./out/StarrOps
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Docs', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $OutputPath = (Join-Path $PSScriptRoot 'out'),

    # Precompile the module assemblies for linux-x64 (the image builds with it). ReadyToRun code is used only on the
    # .NET it was compiled for: net8.0, the runtime of pwsh 7.4 in the image; pwsh 7.6 here runs .NET 10 and JITs it
    # anyway, which is why it is off for the test runs (docs/decisions/0004).
    [switch] $ReadyToRun,

    # Run only the xunit tests matching this dotnet test --filter (e.g. on Windows, where qbittorrent-nox,
    # promtool and the /bin/sh credential plugins the Linux-only tests use are missing).
    [string] $TestFilter
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$version = (Select-Xml -Path (Join-Path $PSScriptRoot 'Directory.Build.props') -XPath '//StarrOpsVersion').Node.InnerText
$moduleRoot = Join-Path $OutputPath 'StarrOps'
$moduleDir = Join-Path $moduleRoot $version

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    # To the host, never to the pipeline: a function that runs a command and then returns a value (Get-NuGetPackageFolder
    # restoring Pester on a fresh machine) would otherwise return the command's output with it.
    & $Command @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "$Command exited with $LASTEXITCODE" }
}

function Invoke-Clean {
    if (Test-Path $OutputPath) { Remove-Item -Recurse -Force $OutputPath }
}

function Invoke-Docs {
    # docs/en-US/*.md are in PlatyPS's format; StarrOps.HelpBuilder turns them into MAML without needing PlatyPS.
    $helpDir = Join-Path $moduleDir 'en-US'
    New-Item -ItemType Directory -Force -Path $helpDir | Out-Null
    Invoke-Native dotnet @('run', '--project', (Join-Path $PSScriptRoot 'src/StarrOps.HelpBuilder'), '-c', $Configuration, '--',
        (Join-Path $PSScriptRoot 'docs/en-US'), (Join-Path $helpDir 'StarrOps.dll-Help.xml'))
}

function Invoke-Build {
    Invoke-Clean
    $publish = Join-Path $OutputPath 'publish'
    $arguments = @('publish', (Join-Path $PSScriptRoot 'src/StarrOps.PowerShell'), '-c', $Configuration, '-o', $publish, '--nologo')
    # --opt-cross-module:*: framework methods may be inlined into the module's precompiled code; the runtime checks each
    # inlined method's IL is still the same and JITs instead if not (0.015 s less CPU per converged run, decision 0004).
    if ($ReadyToRun) { $arguments += @('-r', 'linux-x64', '--self-contained', 'false', '-p:PublishReadyToRun=true', '-p:PublishReadyToRunCrossgen2ExtraArgs=--opt-cross-module:*') }
    Invoke-Native dotnet $arguments

    # StarrOps.dll (the cmdlets) loads into pwsh's default context; the core and every third-party assembly live in
    # Dependencies/ and load into the module's own context (Infrastructure/DependencyLoadContext.cs, docs/decisions/0002).
    $dependencies = Join-Path $moduleDir 'Dependencies'
    New-Item -ItemType Directory -Force -Path $dependencies | Out-Null
    Copy-Item (Join-Path $publish 'StarrOps.dll') -Destination $moduleDir
    Get-ChildItem $publish -Filter '*.dll' | Where-Object Name -ne 'StarrOps.dll' | Copy-Item -Destination $dependencies
    Copy-Item -Recurse -Force (Join-Path $PSScriptRoot 'module/*') $moduleDir

    $manifest = Get-Content -Raw (Join-Path $PSScriptRoot 'StarrOps.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    Set-Content -Path (Join-Path $moduleDir 'StarrOps.psd1') -Value $manifest -Encoding utf8NoBOM
    Invoke-Docs

    Test-ModuleManifest (Join-Path $moduleDir 'StarrOps.psd1') | Out-Null
    Write-Host "Module assembled in $moduleDir" -ForegroundColor Green
}

# Pester comes from NuGet (its package's tools/ folder is the module): a restore of tests/pester/PesterDependencies.csproj
# puts it, and the other test-only packages, in the NuGet cache. There is no PowerShell Gallery in CI.
function Get-NuGetPackageFolder {
    param([string] $Id, [string] $Version)
    $cache = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else {
        ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    }
    $folder = Join-Path $cache "$($Id.ToLowerInvariant())/$Version"
    if (-not (Test-Path $folder)) {
        Invoke-Native dotnet @('restore', (Join-Path $PSScriptRoot 'tests/pester/PesterDependencies.csproj'), '--nologo')
    }
    if (-not (Test-Path $folder)) { throw "$Id $Version is not in the NuGet cache ($cache) after the restore." }
    return $folder
}

function Invoke-Test {
    if (-not (Test-Path (Join-Path $moduleDir 'StarrOps.psd1'))) { Invoke-Build }
    $arguments = @('test', (Join-Path $PSScriptRoot 'StarrOps.sln'), '-c', $Configuration, '--nologo')
    if ($TestFilter) { $arguments += @('--filter', $TestFilter) }
    $xunitFailed = $false
    & dotnet @arguments
    if ($LASTEXITCODE -ne 0) { $xunitFailed = $true }

    # The Pester suite runs in this pwsh against the module as assembled above. In CI a skipped file (no TestKit,
    # no module) is a failure, not a warning: tests/pester reads STARROPS_REQUIRE_ALL.
    $pester = Join-Path (Get-NuGetPackageFolder -Id Pester -Version '5.9.1') 'tools/Pester.psd1'
    $env:STARROPS_YAMLDOTNET11_PATH = Join-Path (Get-NuGetPackageFolder -Id YamlDotNet -Version '11.2.1') 'lib/netstandard2.1/YamlDotNet.dll'
    $env:STARROPS_MODULE_PATH = Join-Path $moduleDir 'StarrOps.psd1'
    if ($env:CI -eq 'true') { $env:STARROPS_REQUIRE_ALL = '1' }
    Import-Module $pester -RequiredVersion 5.9.1
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = Join-Path $PSScriptRoot 'tests/pester'
    $configuration.Run.Exit = $false
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Normal'
    $result = Invoke-Pester -Configuration $configuration
    if ($env:STARROPS_REQUIRE_ALL -and $result.SkippedCount -gt 0) {
        throw "$($result.SkippedCount) Pester test(s) were skipped; in CI every test must run."
    }
    if ($result.FailedCount -gt 0 -or $result.FailedBlocksCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed" }
    if ($xunitFailed) { throw 'xunit tests failed (see dotnet test above)' }
}

function Invoke-Demo {
    if (-not (Test-Path (Join-Path $moduleDir 'StarrOps.psd1'))) { Invoke-Build }
    $env:STARROPS_MODULE_PATH = Join-Path $moduleDir 'StarrOps.psd1'
    $env:STARROPS_PWSH = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    Invoke-Native dotnet @('run', '--project', (Join-Path $PSScriptRoot 'tests/StarrOps.Demo'), '-c', $Configuration)
}

function Invoke-Package {
    if (-not (Test-Path (Join-Path $moduleDir 'StarrOps.psd1'))) { Invoke-Build }
    $repository = Join-Path $OutputPath 'gallery'
    New-Item -ItemType Directory -Force -Path $repository | Out-Null
    if (-not (Get-PSResourceRepository -Name StarrOpsLocal -ErrorAction SilentlyContinue)) {
        Register-PSResourceRepository -Name StarrOpsLocal -Uri $repository -Trusted
    }
    Publish-PSResource -Path $moduleDir -Repository StarrOpsLocal
    Write-Host "Package written to $repository (push with Publish-PSResource -Repository PSGallery -ApiKey ...)" -ForegroundColor Green
}

foreach ($step in $Task) {
    Write-Host "== $step" -ForegroundColor Cyan
    & "Invoke-$step"
}
