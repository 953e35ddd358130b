# Source of the StarrOps module manifest. build.ps1 copies it into out/StarrOps/<version>/ with
# ModuleVersion stamped from Directory.Build.props (<StarrOpsVersion>), the one place the version lives.
@{
    RootModule           = 'StarrOps.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b6f51-2f7e-4d8a-9c64-5b3f0d2c7a11'
    Author               = 'StarrOps contributors'
    CompanyName          = 'StarrOps'
    Copyright            = '(c) StarrOps contributors. MIT License.'
    Description          = 'Wire, reconcile, back up and check a self-hosted media stack (Sonarr, Radarr, Lidarr, Readarr, Prowlarr, Bazarr, qBittorrent behind Gluetun, SABnzbd, Jellyseerr, Jellyfin) on Kubernetes: typed cmdlets over the apps'' APIs, built from their live /schema templates.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('StarrOps.format.ps1xml')
    CmdletsToExport      = @(
        'New-StarrInstance'
        'Get-StarrInstance'
        'Test-StarrInstance'
        'Backup-StarrConfig'
        'Get-StarrBackup'
        'Test-StarrBackup'
        'Restore-StarrConfig'
        'Get-StarrSystemStatus'
        'Get-StarrHealth'
        'Get-StarrIndexer'
        'Get-StarrDownloadClient'
        'Set-StarrDownloadClient'
        'Remove-StarrDownloadClient'
        'Get-StarrRootFolder'
        'Add-StarrRootFolder'
        'Remove-StarrRootFolder'
        'Get-StarrNotification'
        'Set-StarrWebhook'
        'Get-StarrSchema'
        'Get-StarrProwlarrApp'
        'Set-StarrProwlarrApp'
        'Remove-StarrProwlarrApp'
        'Set-StarrProwlarrIndexer'
        'Remove-StarrProwlarrIndexer'
        'Sync-StarrProwlarrIndexer'
        'Test-StarrVpnRoute'
        'Start-StarrReconcileJob'
        'Test-StarrHealth'
        'Test-StarrCertificate'
        'Test-StarrStack'
        'Invoke-StarrReconcile'
        'Get-StarrDrift'
        'Export-StarrConfig'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Sonarr', 'Radarr', 'Lidarr', 'Readarr', 'Prowlarr', 'Bazarr', 'qBittorrent', 'Jellyseerr', 'Jellyfin', 'Kubernetes', 'GitOps', 'HomeLab', 'Linux')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
