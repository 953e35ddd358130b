#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, documents and packages the StarrOps module.
.DESCRIPTION
    Build   publishes the cmdlet assembly and assembles the module layout in out/StarrOps/<version>/:
            the manifest (version stamped from Directory.Build.props), the DLLs, module/ (format file,
            about help, JSON Schema) and the cmdlet help built from docs/en-US.
    Test    runs the xunit suite (dotnet test), then the Pester tests in tests/pester when Pester 5 is installed.
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
    [ValidateSet('Build', 'Test', 'Docs', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $OutputPath = (Join-Path $PSScriptRoot 'out'),

    # Precompile the module assemblies (measured in the benchmark: no gain at import, so off by default).
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
    & $Command @Arguments
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
    if ($ReadyToRun) { $arguments += @('-r', 'linux-x64', '--self-contained', 'false', '-p:PublishReadyToRun=true') }
    Invoke-Native dotnet $arguments

    New-Item -ItemType Directory -Force -Path $moduleDir | Out-Null
    Get-ChildItem $publish -Filter '*.dll' | Copy-Item -Destination $moduleDir
    Copy-Item -Recurse -Force (Join-Path $PSScriptRoot 'module/*') $moduleDir

    $manifest = Get-Content -Raw (Join-Path $PSScriptRoot 'StarrOps.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    Set-Content -Path (Join-Path $moduleDir 'StarrOps.psd1') -Value $manifest -Encoding utf8NoBOM
    Invoke-Docs

    Test-ModuleManifest (Join-Path $moduleDir 'StarrOps.psd1') | Out-Null
    Write-Host "Module assembled in $moduleDir" -ForegroundColor Green
}

function Invoke-Test {
    $arguments = @('test', (Join-Path $PSScriptRoot 'StarrOps.sln'), '-c', $Configuration, '--nologo')
    if ($TestFilter) { $arguments += @('--filter', $TestFilter) }
    Invoke-Native dotnet $arguments
    $pester = Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0' | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed: skipping tests/pester (Install-PSResource Pester).'
        return
    }
    if (-not (Test-Path (Join-Path $moduleDir 'StarrOps.psd1'))) { Invoke-Build }
    Import-Module $pester
    $configuration = New-PesterConfiguration
    $configuration.Run.Path = Join-Path $PSScriptRoot 'tests/pester'
    $configuration.Run.Exit = $false
    $configuration.Run.PassThru = $true
    $configuration.Output.Verbosity = 'Detailed'
    $env:STARROPS_MODULE_PATH = Join-Path $moduleDir 'StarrOps.psd1'
    $result = Invoke-Pester -Configuration $configuration
    if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed" }
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
