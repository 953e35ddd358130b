#Requires -Version 7.4
<#
.SYNOPSIS
    Pester 5 tests of Invoke-StarrReconcile as the CronJob runs it: -WhatIf, the exit codes of
    `pwsh -c Invoke-StarrReconcile`, and -OutputFormat Json. Needs the built module (STARROPS_MODULE_PATH,
    set by build.ps1) and the TestKit (the emulated stack); skipped with the reason otherwise.
#>

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    $testKitPath = Find-StarrTestKit -RepoRoot $repoRoot
    $skipReason = $null
    if ($testKitPath -like 'skip:*') {
        $skipReason = $testKitPath.Substring(5)
        $testKitPath = $null
    }
    if ($skipReason) { Write-Warning "Reconcile tests are skipped: $skipReason" }
}

Describe 'Invoke-StarrReconcile' -ForEach @(@{ TestKitPath = $testKitPath }) -Skip:([bool]$skipReason) {
    BeforeAll {
        $script:manifestPath = (Resolve-Path $env:STARROPS_MODULE_PATH).Path
        Import-Module $script:manifestPath -Force
        . (Join-Path $PSScriptRoot 'TestKit.ps1')
        Import-StarrTestKit -Path $TestKitPath
        $script:stack = [StarrOps.TestKit.EmulatedStack]::StartAsync().GetAwaiter().GetResult()
        $script:stack.Network.AddReachable('qbittorrent', 8080)
        $script:environment = @{}
        foreach ($pair in $script:stack.Environment().GetEnumerator()) { $script:environment[$pair.Key] = $pair.Value }
        $script:environment['QBITTORRENT_URL'] = 'http://qbittorrent:8080'
        $script:environment['QBITTORRENT_USERNAME'] = 'admin'
        $script:environment['QBITTORRENT_PASSWORD'] = 'pester-qbit-password-1'

        # Runs `pwsh -c <command>` the way the CronJob does, with the stack's variables, and returns exit code and output.
        function Invoke-Child([string] $Command) {
            Invoke-PwshProcess -Command "Import-Module '$script:manifestPath'; $Command" -Environment $script:environment
        }
    }

    AfterAll {
        if ($script:stack) { $script:stack.DisposeAsync().AsTask().GetAwaiter().GetResult() }
    }

    It '-WhatIf shows the plan and writes nothing' {
        $run = Invoke-Child 'Invoke-StarrReconcile -WhatIf'
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match 'What if: .*download client'
        ($script:stack.All | ForEach-Object { $_.Requests.Writes.Count } | Measure-Object -Sum).Sum | Should -Be 0
    }

    It 'converges with exit code 0, then reports Already configured' {
        $first = Invoke-Child 'Invoke-StarrReconcile'
        $first.ExitCode | Should -Be 0 -Because $first.Errors
        $first.Output | Should -Match 'Configuration complete: \d+ created'
        $second = Invoke-Child 'Invoke-StarrReconcile'
        $second.ExitCode | Should -Be 0
        $second.Output | Should -Match 'sonarr: Already configured'
        $second.Output | Should -Match 'Configuration complete: 0 created, 0 updated, 0 deleted'
    }

    It 'runs the image''s command in its environment, the module autoloaded, and leaves no start-up JIT profile in the Job''s fresh HOME' {
        # The image's CMD names the module (StarrOps\Invoke-StarrReconcile), so pwsh imports it without searching the PATH.
        # pwsh would gather a profile of every method the run loads and write it to HOME at exit, for a next process
        # that never comes (each Job's HOME is a new emptyDir); the image's ENV switches the gathering off.
        $image = [StarrOps.TestKit.Dockerfile]::Read((Join-Path $PSScriptRoot '../../deploy/image/Dockerfile'))
        $jobHome = (New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "starrops-job-home-$([guid]::NewGuid().ToString('N'))")).FullName
        # The module in the user folder of the Job's HOME: found by autoload, as the image's shared folder is.
        $moduleLink = Join-Path (New-Item -ItemType Directory -Path (Join-Path $jobHome '.local/share/powershell/Modules')).FullName 'StarrOps'
        New-Item -ItemType SymbolicLink -Path $moduleLink -Target (Split-Path (Split-Path $script:manifestPath)) | Out-Null
        try {
            $environment = $script:environment.Clone()
            foreach ($pair in $image.FinalEnvironment.GetEnumerator()) { $environment[$pair.Key] = $pair.Value }
            foreach ($name in 'HOME', 'TMPDIR') { $environment[$name] = $jobHome }
            $environment['XDG_CACHE_HOME'] = Join-Path $jobHome '.cache'
            $environment['XDG_DATA_HOME'] = Join-Path $jobHome '.local/share'
            $environment['XDG_CONFIG_HOME'] = Join-Path $jobHome '.config'
            $run = Invoke-PwshProcess -Command $image.Command[-1] -Environment $environment
            $run.ExitCode | Should -Be 0 -Because $run.Errors
            $run.Output | Should -Match 'sonarr: Already configured'
            @(Get-ChildItem -Path $jobHome -Recurse -Force -File -Filter 'StartupProfileData*') | Should -HaveCount 0
        }
        finally {
            [IO.Directory]::Delete($moduleLink) # the link, not the built module behind it
            Remove-Item -Recurse -Force $jobHome
        }
    }

    It 'exits non-zero and names the service when one is down, and still reconciles the others' {
        $script:stack.Radarr.StopAsync().GetAwaiter().GetResult()
        try {
            $run = Invoke-Child 'Invoke-StarrReconcile'
            $run.ExitCode | Should -Not -Be 0
            $run.Errors + $run.Output | Should -Match 'radarr'
            $run.Output | Should -Match 'sonarr: Already configured'
        }
        finally {
            $script:stack.Radarr.StartAsync().GetAwaiter().GetResult()
        }
    }

    It 'says skipped, not configured, and exits non-zero when a change waits for a service that is down' {
        $script:stack.Prowlarr.ClearResources('applications')
        $script:stack.Radarr.StopAsync().GetAwaiter().GetResult()
        try {
            $run = Invoke-Child 'Invoke-StarrReconcile'
            $run.ExitCode | Should -Not -Be 0
            $run.Output | Should -Match 'prowlarr: 2 created, 0 updated, 0 deleted; indexers synced; 1 skipped \(radarr unreachable\)'
            $run.Errors | Should -Match "prowlarr: application 'Radarr': skipped: radarr is unavailable"
        }
        finally {
            $script:stack.Radarr.StartAsync().GetAwaiter().GetResult()
        }
        $healed = Invoke-Child 'Invoke-StarrReconcile'
        $healed.ExitCode | Should -Be 0 -Because $healed.Errors
        $healed.Output | Should -Match 'prowlarr: 1 created'
    }

    It 'finds a regenerated Sonarr key through Prowlarr''s own test: -WhatIf shows it, the next run sends it, then nothing is written' {
        $script:environment['SONARR_API_KEY'] = $script:stack.Sonarr.RegenerateApiKey()
        foreach ($server in $script:stack.All) { $server.Requests.Clear() }

        $whatIf = Invoke-Child 'Invoke-StarrReconcile -WhatIf'
        $whatIf.ExitCode | Should -Be 0 -Because $whatIf.Errors
        $whatIf.Output | Should -Match "What if: .*Update \(apiKey: \(secret\) -> \(secret, rotated\)\).*prowlarr: application 'Sonarr'"
        $script:stack.Prowlarr.Requests.Writes.Count | Should -Be 0

        $drift = Invoke-Child "Get-StarrDrift | Where-Object Action -ne NoChange | ForEach-Object { '{0}|{1}|{2}' -f `$_.Instance, `$_.Name, `$_.Operation }"
        $drift.Output | Should -Match 'prowlarr\|Sonarr\|Update \(apiKey: \(secret\) -> \(secret, rotated\)\)'

        $fix = Invoke-Child 'Invoke-StarrReconcile'
        $fix.ExitCode | Should -Be 0 -Because $fix.Errors
        $fix.Output | Should -Match 'prowlarr: 0 created, 1 updated, 0 deleted; indexers synced'
        $fix.Output + $fix.Errors | Should -Not -Match ([regex]::Escape($script:environment['SONARR_API_KEY']))

        foreach ($server in $script:stack.All) { $server.Requests.Clear() }
        $converged = Invoke-Child 'Invoke-StarrReconcile'
        $converged.ExitCode | Should -Be 0
        $converged.Output | Should -Match 'prowlarr: Already configured'
        ($script:stack.All | ForEach-Object { $_.Requests.Writes.Count } | Measure-Object -Sum).Sum | Should -Be 0
    }

    It 'writes one JSON document with -OutputFormat Json and no secret' {
        $run = Invoke-Child 'Invoke-StarrReconcile -OutputFormat Json'
        $run.ExitCode | Should -Be 0
        $document = $run.Output | ConvertFrom-Json
        $document.succeeded | Should -BeTrue
        $document.instances.name | Should -Contain 'sonarr'
        foreach ($secret in $script:environment.GetEnumerator() | Where-Object Key -Match 'API_KEY|PASSWORD') {
            $run.Output | Should -Not -Match ([regex]::Escape($secret.Value))
        }
    }

    It 'never loads KubernetesClient: not on import, not for a zero-config run from the environment' {
        # Loading KubernetesClient and building a client costs ~0.6 s of CPU and 30 MiB: only Kubernetes cmdlets may pay it.
        $loaded = "[AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'KubernetesClient'"
        $run = Invoke-Child "`$afterImport = $loaded; Invoke-StarrReconcile | Out-Null; 'after import: {0}; after reconcile: {1}' -f `$afterImport, ($loaded)"
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $run.Output | Should -Match 'after import: False; after reconcile: False'
        # The same check sees it when a Kubernetes cmdlet runs (here against an address that refuses: the client is built all the same).
        $kubeconfig = Join-Path ([System.IO.Path]::GetTempPath()) ("starrops-lazy-" + [guid]::NewGuid().ToString('N') + '.yaml')
        Set-Content -Path $kubeconfig -Value "apiVersion: v1`nkind: Config`ncurrent-context: c`nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]`nusers: [{name: u, user: {token: lazy-test-token}}]`ncontexts: [{name: c, context: {cluster: c, user: u}}]"
        try {
            $kube = Invoke-Child "try { Get-StarrInstance -Namespace media -Kubeconfig '$kubeconfig' -ErrorAction Stop } catch { }; 'after kubernetes: {0}' -f ($loaded)"
            $kube.Output | Should -Match 'after kubernetes: True'
        }
        finally {
            Remove-Item $kubeconfig -ErrorAction SilentlyContinue
        }
    }

    It 'fails with a clear error when nothing is configured' {
        $run = Invoke-PwshProcess -Command "Import-Module '$script:manifestPath'; Invoke-StarrReconcile" -WithoutStarrEnvironment
        $run.ExitCode | Should -Not -Be 0
        $errors = $run.Errors
        $errors | Should -Match 'SONARR_URL|STARR_CONFIG'
    }
}
