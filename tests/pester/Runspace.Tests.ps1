#Requires -Version 7.4
<#
.SYNOPSIS
    The module in a real runspace, as users meet it: dependency isolation against another module's YamlDotNet,
    tab completion, error records and $?, Ctrl+C during a slow request, default views. Needs the built module
    (STARROPS_MODULE_PATH, set by build.ps1); the isolation test needs YamlDotNet 11.2.1 (STARROPS_YAMLDOTNET11_PATH,
    restored by build.ps1 from tests/pester/PesterDependencies.csproj).
#>

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    $script:manifestPath = (Resolve-Path $env:STARROPS_MODULE_PATH).Path
    Import-Module $script:manifestPath -Force

    # A fresh pwsh: a clean load-context state, and nothing registered in this session leaks in or out.
    function Invoke-FreshPwsh([string] $Script) { Invoke-PwshProcess -Command $Script -WithoutStarrEnvironment }
}

Describe 'Dependencies are isolated from other modules' {
    BeforeAll {
        $script:yaml11 = $env:STARROPS_YAMLDOTNET11_PATH
        $script:folder = Join-Path ([System.IO.Path]::GetTempPath()) "starrops-isolation-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory -Path $script:folder | Out-Null
        # Nothing listens on 127.0.0.1:9: each read gets past the YAML and stops at the connection.
        Set-Content -Path (Join-Path $script:folder 'stack.yaml') -Value @'
instances:
  sonarr: { kind: Sonarr, url: http://127.0.0.1:9, apiKey: 0123456789abcdef0123456789abcdef }
'@
        Set-Content -Path (Join-Path $script:folder 'kubeconfig') -Value @'
apiVersion: v1
kind: Config
clusters: [{ name: lab, cluster: { server: https://127.0.0.1:9, insecure-skip-tls-verify: true } }]
users: [{ name: lab, user: { token: isolation-test-token } }]
contexts: [{ name: lab, context: { cluster: lab, user: lab, namespace: media } }]
current-context: lab
'@
        # Reads both YAML files with StarrOps, and a document with the other YamlDotNet, in the given order.
        $script:readers = @'
function Read-WithStarrOps {
    $drift = try { Get-StarrDrift -Path '{0}/stack.yaml' -ErrorAction Stop -WarningAction SilentlyContinue; 'no error' } catch { $_.FullyQualifiedErrorId }
    $kube = try { Get-StarrInstance -Namespace media -Kubeconfig '{0}/kubeconfig' -ErrorAction Stop; 'no error' } catch { $_.FullyQualifiedErrorId }
    "starrops-yaml: $drift"
    "starrops-kubeconfig: $kube"
}
function Read-WithOtherYaml {
    $deserializer = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build()
    $document = $deserializer.Deserialize([System.IO.StringReader]::new('answer: 42'))
    "other-yaml: $($document['answer']) $([YamlDotNet.Serialization.Deserializer].Assembly.GetName().Version)"
}
'@ -replace '\{0\}', ($script:folder -replace "'", "''")
    }

    AfterAll { Remove-Item -Recurse -Force $script:folder -ErrorAction SilentlyContinue }

    It 'StarrOps reads YAML and kubeconfig after another module loaded YamlDotNet 11, which still works' {
        $script:yaml11 | Should -Exist -Because 'build.ps1 restores YamlDotNet 11.2.1 for this test'
        $run = Invoke-FreshPwsh "Add-Type -Path '$script:yaml11'; Import-Module '$script:manifestPath'; $script:readers; Read-WithStarrOps; Read-WithOtherYaml"
        $run.Output | Should -Match 'starrops-yaml: StarrUnreachable' -Because $run.Errors
        $run.Output | Should -Match 'starrops-kubeconfig: Kubernetes\w*' -Because $run.Errors
        $run.Output | Should -Not -Match 'FileLoad|could not load'
        $run.Output | Should -Match 'other-yaml: 42 11\.0\.0\.0'
    }

    It 'another module loads YamlDotNet 11 after StarrOps has read YAML, and both go on working' {
        $run = Invoke-FreshPwsh "Import-Module '$script:manifestPath'; $script:readers; Read-WithStarrOps; Add-Type -Path '$script:yaml11'; Read-WithOtherYaml; Read-WithStarrOps"
        $run.Output | Should -Match 'other-yaml: 42 11\.0\.0\.0' -Because $run.Errors
        ([regex]::Matches($run.Output, 'starrops-yaml: StarrUnreachable')).Count | Should -Be 2
        $run.Output | Should -Not -Match 'FileLoad|could not load'
    }

    It 'keeps StarrOps.Core, KubernetesClient and YamlDotNet out of the default load context' {
        $run = Invoke-FreshPwsh "Import-Module '$script:manifestPath'; $script:readers; `$null = Read-WithStarrOps; [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'StarrOps','StarrOps.Core','YamlDotNet','KubernetesClient','Fractions' } | ForEach-Object { '{0}={1}' -f `$_.GetName().Name, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }"
        $run.Output | Should -Match 'StarrOps=Default' -Because $run.Errors
        $run.Output | Should -Match 'StarrOps\.Core=StarrOps\.Dependencies'
        $run.Output | Should -Match 'YamlDotNet=StarrOps\.Dependencies'
        # The kubeconfig was read by KubernetesClient, which loaded into the module's context with the one YamlDotNet (18).
        $run.Output | Should -Match 'KubernetesClient=StarrOps\.Dependencies'
        $run.Output | Should -Not -Match '(KubernetesClient|Fractions|YamlDotNet)=Default'
        ([regex]::Matches($run.Output, 'YamlDotNet=')).Count | Should -Be 1
    }
}

Describe 'In a real runspace' {
    BeforeAll {
        $script:saved = @{}
        foreach ($name in 'SONARR_URL', 'SONARR_API_KEY', 'RADARR_4K_URL', 'RADARR_4K_API_KEY') { $script:saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        [Environment]::SetEnvironmentVariable('SONARR_URL', 'http://127.0.0.1:9')
        [Environment]::SetEnvironmentVariable('SONARR_API_KEY', 'runspace-test-sonarr-key-0000000001')
        [Environment]::SetEnvironmentVariable('RADARR_4K_URL', 'http://127.0.0.1:9')
        [Environment]::SetEnvironmentVariable('RADARR_4K_API_KEY', 'runspace-test-radarr-key-0000000002')
    }

    AfterAll {
        foreach ($pair in $script:saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($pair.Key, $pair.Value) }
    }

    It 'TabExpansion2 completes instance names from the environment' {
        $line = 'Get-StarrIndexer -Instance rad'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'radarr-4k'
        $completions | Should -Not -Contain 'sonarr'
    }

    It 'TabExpansion2 completes service kinds' {
        $line = 'New-StarrInstance -Name x -Kind Pro'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'Prowlarr'
    }

    It 'an unknown instance name fails binding and names the instances there are' {
        { Get-StarrIndexer -Instance no-such-instance } | Should -Throw -ErrorId 'ParameterArgumentTransformationError*' -ExpectedMessage "*No instance named 'no-such-instance'. Known instances: sonarr, radarr-4k*"
    }

    It 'an unreachable service is one non-terminating error with ErrorId, category and target; $? is false' {
        Get-StarrIndexer -Instance sonarr, radarr-4k -ErrorVariable failures -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $succeeded = $?
        $succeeded | Should -BeFalse
        @($failures) | Should -HaveCount 2 -Because 'each instance fails on its own and the pipeline carries on'
        $failures[0].FullyQualifiedErrorId | Should -Be 'StarrUnreachable,StarrOps.PowerShell.Cmdlets.GetStarrIndexerCommand'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ConnectionError'
        @($failures.TargetObject) | Should -HaveCount 2
    }

    It '-ErrorAction Stop turns an unreachable service into a catchable error that names it, without its key' {
        $caught = $null
        try { Get-StarrIndexer -Instance sonarr -ErrorAction Stop } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'StarrUnreachable*'
        "$($caught.CategoryInfo.Category)" | Should -Be 'ConnectionError'
        $caught.TargetObject | Should -Not -BeNullOrEmpty
        ($caught | Out-String) + $caught.Exception.ToString() | Should -Not -Match 'runspace-test-sonarr-key'
    }

    It 'the default table of instances shows Name, Kind, Url and never the key' {
        $table = Get-StarrInstance | Format-Table | Out-String
        $header = ($table -split "`n" | Where-Object { $_ -match '\S' } | Select-Object -First 1)
        $header | Should -Match '^Name\s+Kind\s+Url\s+Source\s+HasApiKey'
        $table | Should -Match 'radarr-4k'
        $table | Should -Not -Match 'runspace-test-(sonarr|radarr)-key'
    }

    It 'Ctrl+C during a request that never answers stops the command at once' {
        # In a fresh pwsh: the instance it registers must not leak into the other tests' session.
        $run = Invoke-FreshPwsh @"
`$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
`$listener.Start()
`$url = "http://127.0.0.1:`$(`$listener.LocalEndpoint.Port)"
`$shell = [powershell]::Create()
`$null = `$shell.AddScript("Import-Module '$script:manifestPath'; New-StarrInstance -Name silent -Kind Sonarr -Url '`$url' -PlainApiKey 0123456789abcdef0123456789abcdef | Out-Null; Get-StarrSystemStatus -Instance silent")
`$running = `$shell.BeginInvoke()
# Wait until the request is on the wire, then stop the pipeline as Ctrl+C does.
`$accepted = `$listener.AcceptTcpClientAsync().Wait(15000)
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
`$shell.Stop()
"accepted=`$accepted completed=`$(`$running.IsCompleted) state=`$(`$shell.InvocationStateInfo.State) seconds=`$(`$clock.Elapsed.TotalSeconds)"
`$listener.Stop()
"@
        $run.Output | Should -Match 'accepted=True completed=True state=Stopped' -Because $run.Errors
        [double]($run.Output -replace '(?s).*seconds=([\d.]+).*', '$1') | Should -BeLessThan 5
    }
}
