#Requires -Version 7.4
<#
.SYNOPSIS
    Pester 5 tests of the built StarrOps module in a real pwsh.
.DESCRIPTION
    build.ps1 Test runs these with STARROPS_MODULE_PATH set to out/StarrOps/<version>/StarrOps.psd1.
    To run them alone:

        ./build.ps1 Build
        $env:STARROPS_MODULE_PATH = (Resolve-Path ./out/StarrOps/*/StarrOps.psd1).Path
        Invoke-Pester ./tests/pester -Output Detailed

    The pipeline tests run against the emulated stack of tests/StarrOps.TestKit (in-process Kestrel servers on
    127.0.0.1). They need the TestKit built (dotnet build tests/StarrOps.TestKit, or dotnet test) and a pwsh whose
    .NET runtime is at least the TestKit's target; otherwise they are skipped with the reason.
    STARROPS_TESTKIT_PATH may name the TestKit dll when it was built elsewhere (dotnet build --artifacts-path).
#>

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $manifestForDiscovery = $env:STARROPS_MODULE_PATH
    if (-not $manifestForDiscovery -or -not (Test-Path $manifestForDiscovery)) {
        # Only the command names are needed to lay out the tests; BeforeAll below insists on the built module.
        $manifestForDiscovery = Join-Path $repoRoot 'StarrOps.psd1'
    }
    $commandNames = @((Import-PowerShellDataFile -Path $manifestForDiscovery).CmdletsToExport)

    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    $testKitPath = Find-StarrTestKit -RepoRoot $repoRoot
    $emulatorSkipReason = $null
    if ($testKitPath -like 'skip:*') {
        $emulatorSkipReason = $testKitPath.Substring(5)
        $testKitPath = $null
    }
    if ($emulatorSkipReason) {
        Write-Warning "Emulated-stack tests are skipped: $emulatorSkipReason"
    }
}

BeforeAll {
    $manifestPath = $env:STARROPS_MODULE_PATH
    if (-not $manifestPath -or -not (Test-Path $manifestPath)) {
        throw 'STARROPS_MODULE_PATH must name the built manifest (out/StarrOps/<version>/StarrOps.psd1): run ./build.ps1 Build, Test.'
    }
    $script:manifestPath = (Resolve-Path $manifestPath).Path
    $script:manifest = Import-PowerShellDataFile -Path $script:manifestPath
    Import-Module $script:manifestPath -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module StarrOps -Force -ErrorAction SilentlyContinue
}

Describe 'The StarrOps module' {
    It 'exports exactly the cmdlets the manifest lists, and no functions or aliases' {
        $exported = @((Get-Module StarrOps).ExportedCmdlets.Keys | Sort-Object)
        $expected = @($script:manifest.CmdletsToExport | Sort-Object)
        $exported | Should -Be $expected
        @((Get-Module StarrOps).ExportedFunctions.Keys) | Should -HaveCount 0
        @((Get-Module StarrOps).ExportedAliases.Keys) | Should -HaveCount 0
    }

    It '<_> has an approved verb, declares its output type, and supports -WhatIf/-Confirm if it changes state' -ForEach $commandNames {
        $command = Get-Command -Name $_ -Module StarrOps
        $command.Verb | Should -BeIn (Get-Verb).Verb
        $command.Noun | Should -BeLike 'Starr*'
        @($command.OutputType) | Should -Not -BeNullOrEmpty
        if ($command.Verb -in 'Set', 'Add', 'Remove', 'Sync', 'Invoke', 'Restore', 'Start', 'Backup', 'Export') {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
        if ($command.Verb -in 'Set', 'Add') {
            $command.Parameters['PassThru'].ParameterType | Should -Be ([switch])
        }
        if ($command.Verb -in 'Remove', 'Restore') {
            $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        }
    }

    It '<_> is compiled with the JIT optimizer on and its async state machines as classes (decision 0004)' -ForEach 'StarrOps.dll', 'Dependencies/StarrOps.Core.dll' {
        # A collectible context of its own leaves the module's loaded copy alone; types that need KubernetesClient fail to
        # load there and are left out.
        $context = [System.Runtime.Loader.AssemblyLoadContext]::new('StarrOps.Tests.BuildSettings', $true)
        try {
            $assembly = $context.LoadFromAssemblyPath((Join-Path (Split-Path $script:manifestPath) $_))
            @($assembly.GetCustomAttributes([System.Diagnostics.DebuggableAttribute], $false) | Where-Object IsJITOptimizerDisabled) |
                Should -HaveCount 0 -Because 'Optimize=false without src/JitOptimized.cs would make the JIT and crossgen2 emit debug code'
            try { $types = $assembly.GetTypes() } catch { $types = $_.Exception.InnerException.Types | Where-Object { $_ } }
            $stateMachines = @($types | Where-Object { $_.GetInterface('System.Runtime.CompilerServices.IAsyncStateMachine') })
            $stateMachines.Count | Should -BeGreaterThan 0
            @($stateMachines | Where-Object IsValueType | ForEach-Object FullName) | Should -HaveCount 0
        }
        finally {
            $context.Unload()
        }
    }

    It 'has the about_StarrOps topic' {
        $text = Get-Help about_StarrOps | Out-String
        $text | Should -Match 'STARR_TIMEOUT_SECONDS'
        $text | Should -Match 'StarrUnauthorized'
    }

    It 'Get-Help <_> -Examples shows examples that call it' -ForEach $commandNames {
        $help = Get-Help -Name $_ -Examples
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2 -Because 'the MAML built from docs/en-US must reach Get-Help'
        ($examples.code -join "`n") | Should -Match ([regex]::Escape($_))
        $help.Synopsis | Should -Not -Match 'CommonParameters' -Because 'a synopsis that repeats the syntax means Get-Help fell back to generated help'
    }
}

# Discovery-time variables don't reach the run phase: the TestKit path travels as the block's data.
Describe 'Pipelines against an emulated stack' -ForEach @(@{ TestKitPath = $testKitPath }) -Skip:([bool]$emulatorSkipReason) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'TestKit.ps1')

        function Clear-RequestLog {
            foreach ($server in $script:stack.All) { $server.Requests.Clear() }
        }

        # Every request other than GET/HEAD/OPTIONS that any emulated server received since the last Clear-RequestLog.
        function Get-WriteRequest {
            foreach ($server in $script:stack.All) {
                foreach ($request in $server.Requests.Writes) {
                    [pscustomobject]@{ Server = $server.Name; Method = $request.Method; Path = $request.FullPath; Status = $request.Status }
                }
            }
        }

        $script:loadError = $null
        try {
            Import-StarrTestKit -Path $TestKitPath
        }
        catch {
            $script:loadError = "the TestKit could not be loaded into this pwsh: $($_.Exception.Message)"
            Write-Warning "Emulated-stack tests are skipped: $script:loadError"
        }

        # The stack's instances must be the only ones: set aside any Starr variables of the caller's shell.
        $script:savedEnvironment = @{}
        $instanceVariable = '^(SONARR|RADARR|LIDARR|READARR|PROWLARR|BAZARR|JELLYSEERR|JELLYFIN|QBITTORRENT|SABNZBD|GLUETUN)(_[A-Z0-9_]+)?_(URL|API_KEY|USERNAME|PASSWORD)$'
        foreach ($name in @([Environment]::GetEnvironmentVariables().Keys)) {
            if ($name -match $instanceVariable) {
                $script:savedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
                [Environment]::SetEnvironmentVariable($name, $null)
            }
        }

        $script:stack = $null
        $script:secrets = @()
        if (-not $script:loadError) {
            $options = [StarrOps.TestKit.EmulatedStackOptions]::new()
            $script:stack = [StarrOps.TestKit.EmulatedStack]::StartAsync($options, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
            foreach ($entry in $script:stack.Environment().GetEnumerator()) {
                if (-not $script:savedEnvironment.ContainsKey($entry.Key)) {
                    $script:savedEnvironment[$entry.Key] = [Environment]::GetEnvironmentVariable($entry.Key)
                }
                [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value)
                if ($entry.Key -match '_(API_KEY|PASSWORD)$') { $script:secrets += $entry.Value }
            }
        }
    }

    AfterAll {
        if ($script:stack) {
            $script:stack.DisposeAsync().AsTask().GetAwaiter().GetResult()
        }
        foreach ($entry in $script:savedEnvironment.GetEnumerator()) {
            [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value)
        }
    }

    It 'Get-StarrInstance finds the instances the environment describes' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $names = @(Get-StarrInstance | ForEach-Object Name)
        $names | Should -Contain 'sonarr'
        $names | Should -Contain 'radarr'
        $names | Should -Contain 'prowlarr'
    }

    It 'Get-StarrInstance -Kind ... | Get-StarrIndexer lists every indexer without an error' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $errors = $null
        $indexers = @(Get-StarrInstance -Kind Sonarr, Radarr, Lidarr, Prowlarr | Get-StarrIndexer -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors | Should -BeNullOrEmpty
        $expected = 0
        foreach ($server in @($script:stack.Sonarr, $script:stack.Radarr, $script:stack.Lidarr, $script:stack.Prowlarr)) {
            $expected += @($server.Resources('indexer')).Count
        }
        $indexers.Count | Should -Be $expected
        foreach ($indexer in $indexers) {
            $indexer.GetType().FullName | Should -Be 'StarrOps.Core.Arr.StarrProvider'
            "$($indexer.Type)" | Should -Be 'Indexer'
        }
    }

    It 'Get-StarrInstance | Get-StarrIndexer passes over services that have no indexers' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        # The stack also has Jellyseerr, Jellyfin and Gluetun instances: piping every instance must not be an error.
        $errors = $null
        Get-StarrInstance | Get-StarrIndexer -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
        ($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }) | Should -BeNullOrEmpty
    }

    It 'Set-StarrProwlarrApp -WhatIf sends no write to any server' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        Clear-RequestLog
        Get-StarrInstance sonarr | Set-StarrProwlarrApp -WhatIf
        Get-WriteRequest | Should -BeNullOrEmpty
        @($script:stack.Prowlarr.Resources('applications')) | Should -HaveCount 0
    }

    It 'Set-StarrProwlarrApp creates the application once' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        Clear-RequestLog
        $app = Get-StarrInstance sonarr | Set-StarrProwlarrApp -SyncLevel FullSync -PassThru
        $app.Name | Should -Be 'sonarr'
        $app.SyncLevel | Should -Be 'fullSync'
        $app.Fields['apiKey'] | Should -Be '(secret)'
        @($script:stack.Prowlarr.Requests.Find('POST', '/api/v1/applications') | Where-Object Path -eq '/api/v1/applications') | Should -HaveCount 1
        @($script:stack.Prowlarr.Resources('applications')) | Should -HaveCount 1
    }

    It 'a second identical Set-StarrProwlarrApp sends no PUT or POST' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        Clear-RequestLog
        Get-StarrInstance sonarr | Set-StarrProwlarrApp -SyncLevel FullSync
        Get-WriteRequest | Should -BeNullOrEmpty
        @($script:stack.Prowlarr.Resources('applications')) | Should -HaveCount 1
    }

    It 'Get-StarrProwlarrApp output binds to Remove-StarrProwlarrApp -WhatIf, which removes nothing' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        Clear-RequestLog
        Get-StarrProwlarrApp -Name sonarr | Remove-StarrProwlarrApp -WhatIf
        Get-WriteRequest | Should -BeNullOrEmpty
        @($script:stack.Prowlarr.Resources('applications')) | Should -HaveCount 1
    }

    It 'Set-StarrProwlarrIndexer creates an indexer from the named template once; Get-StarrIndexer | Remove-StarrProwlarrIndexer removes it' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $feed = [StarrOps.TestKit.EmulatedTorznabFeed]::StartAsync($script:stack.Network, 'jackett', [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
        try {
            $script:stack.Network.Map('jackett', 9117, [StarrOps.TestKit.EmulatedServer]$feed)
            $set = @{ Instance = 'prowlarr'; Name = 'Pester Torznab'; BaseUrl = 'http://jackett:9117'; ApiPath = '/api'; ApiKey = $feed.ApiKey; Tag = 'anime' }
            Clear-RequestLog
            Set-StarrProwlarrIndexer @set -WhatIf
            Get-WriteRequest | Should -BeNullOrEmpty

            $output = Set-StarrProwlarrIndexer @set -PassThru -Verbose 4>&1 | Out-String
            $output | Should -Not -Match ([regex]::Escape($feed.ApiKey))
            $stored = @($script:stack.Prowlarr.Resources('indexer') | Where-Object { $_['name'].GetValue[string]() -eq 'Pester Torznab' })
            $stored | Should -HaveCount 1
            $stored[0]['implementation'].GetValue[string]() | Should -Be 'Torznab'
            $stored[0]['appProfileId'].GetValue[int]() | Should -Be 1

            Clear-RequestLog
            Set-StarrProwlarrIndexer @set
            Get-WriteRequest | Should -BeNullOrEmpty

            Get-StarrIndexer -Instance prowlarr -Name 'Pester*' | Remove-StarrProwlarrIndexer -Confirm:$false
            @($script:stack.Prowlarr.Resources('indexer') | Where-Object { $_['name'].GetValue[string]() -eq 'Pester Torznab' }) | Should -HaveCount 0
        }
        finally {
            $script:stack.Network.Forget('jackett', 9117)
            $feed.DisposeAsync().AsTask().GetAwaiter().GetResult()
        }
    }

    It 'Set-StarrProwlarrIndexer completes definitions from the live schema, quoted where they hold a space' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $line = 'Set-StarrProwlarrIndexer -Instance prowlarr -Name x -Definition Gen'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain "'Generic Torznab'"
        $completions | Should -Contain "'Generic Newznab'"
        $line = 'Set-StarrProwlarrIndexer -Instance prowlarr -Name x -Definition FileL'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'FileList.io'
    }

    It 'Remove-StarrProwlarrIndexer refuses an app that is not Prowlarr and removes nothing' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        Clear-RequestLog
        $errors = $null
        Remove-StarrProwlarrIndexer -Instance sonarr -Name '*' -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match '^StarrConfigurationInvalid'
        $errors[0].Exception.Message | Should -Match 'Prowlarr'
        Get-WriteRequest | Should -BeNullOrEmpty
    }

    It 'formatting instances never shows a key or password' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $script:secrets | Should -Not -BeNullOrEmpty
        $text = Get-StarrInstance | Format-List * | Out-String
        $json = Get-StarrInstance | ConvertTo-Json -Depth 4
        foreach ($secret in $script:secrets) {
            $text | Should -Not -Match ([regex]::Escape($secret))
            $json | Should -Not -Match ([regex]::Escape($secret))
        }
        $text | Should -Match '\(secret\)'
    }

    It 'verbose and debug output of a save never shows a key' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        # -RotateSecret sends the key again, so the request body holds it: the debug stream must show it redacted.
        $output = Get-StarrInstance sonarr | Set-StarrProwlarrApp -RotateSecret -Verbose -Debug 4>&1 5>&1 | Out-String
        $output | Should -Match 'POST|PUT'
        foreach ($secret in $script:secrets) {
            $output | Should -Not -Match ([regex]::Escape($secret))
        }
    }

    It 'Get-StarrInstance | Get-StarrDownloadClient | Remove-StarrDownloadClient -WhatIf binds by value and removes nothing' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $script:stack.Network.AddReachable('qbittorrent', 8080)
        $null = Get-StarrInstance sonarr | Set-StarrDownloadClient -Name pester-qbit -Server qbittorrent -Port 8080 -Category tv
        $clients = @(Get-StarrInstance -Kind Sonarr | Get-StarrDownloadClient)
        $clients.Name | Should -Contain 'pester-qbit'
        Clear-RequestLog
        $whatIf = Get-StarrInstance | Get-StarrDownloadClient | Where-Object Name -eq 'pester-qbit' | Remove-StarrDownloadClient -WhatIf 6>&1 | Out-String
        Get-WriteRequest | Should -BeNullOrEmpty
        @(Get-StarrDownloadClient -Instance sonarr | ForEach-Object Name) | Should -Contain 'pester-qbit'
        # -Confirm:$false removes it: one DELETE, and it is gone.
        Get-StarrDownloadClient -Instance sonarr | Where-Object Name -eq 'pester-qbit' | Remove-StarrDownloadClient -Confirm:$false
        @(Get-WriteRequest | Where-Object Method -eq 'DELETE') | Should -HaveCount 1
        @(Get-StarrDownloadClient -Instance sonarr | ForEach-Object Name) | Should -Not -Contain 'pester-qbit'
    }

    It 'TabExpansion2 completes implementation names from the live schema' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $line = 'Set-StarrDownloadClient -Instance sonarr -Name x -Implementation QBit'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'QBittorrent'
    }

    It 'the default table of <Command> shows the view''s columns and no secret' -ForEach @(
        @{ Command = 'Get-StarrDownloadClient -Instance sonarr'; View = 'StarrProvider'; Setup = { $script:stack.Network.AddReachable('qbittorrent', 8080); $null = Set-StarrDownloadClient -Instance sonarr -Name pester-view -Server qbittorrent -Port 8080 -Category tv } }
        @{ Command = 'Get-StarrProwlarrApp'; View = 'StarrProvider'; Setup = $null }
        @{ Command = 'Get-StarrRootFolder -Instance sonarr'; View = 'RootFolder'; Setup = { $null = Add-StarrRootFolder -Instance sonarr -Path /data/media/tv -ErrorAction SilentlyContinue } }
        @{ Command = 'Get-StarrSystemStatus -Instance sonarr'; View = 'SystemStatus'; Setup = $null }
        @{ Command = 'Test-StarrInstance'; View = 'InstanceTestResult'; Setup = $null }
    ) {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $formatFile = Join-Path (Split-Path -Parent $script:manifestPath) 'StarrOps.format.ps1xml'
        $labels = @(([xml](Get-Content -Raw $formatFile)).Configuration.ViewDefinitions.View |
            Where-Object Name -eq $View | Select-Object -First 1 |
            ForEach-Object { $_.TableControl.TableHeaders.TableColumnHeader.Label })
        $labels | Should -Not -BeNullOrEmpty
        if ($Setup) { & $Setup }
        $objects = @(Invoke-Expression $Command)
        $objects | Should -Not -BeNullOrEmpty -Because "the emulated stack answers $Command"
        $table = $objects | Format-Table | Out-String -Width 400
        $header = $table -split "`n" | Where-Object { $_ -match '\S' } | Select-Object -First 1
        ($header -split '\s+' | Where-Object { $_ }) | Should -Be $labels
        foreach ($secret in $script:secrets) { $table | Should -Not -Match ([regex]::Escape($secret)) }
    }

    It 'a rejected key is a StarrUnauthorized error for that instance' {
        if ($script:loadError) { Set-ItResult -Skipped -Because $script:loadError; return }
        $url = [Environment]::GetEnvironmentVariable('SONARR_URL')
        $null = New-StarrInstance -Name sonarr-wrong-key -Kind Sonarr -Url $url -PlainApiKey 'not-the-emulated-key'
        $errors = $null
        Get-StarrIndexer sonarr-wrong-key -ErrorVariable errors -ErrorAction SilentlyContinue | Out-Null
        @($errors) | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'StarrUnauthorized*'
        "$($errors[0].CategoryInfo.Category)" | Should -Be 'AuthenticationError'
    }
}
