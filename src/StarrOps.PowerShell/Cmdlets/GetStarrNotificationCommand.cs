using System.Management.Automation;
using StarrOps.Core.Arr;
using StarrOps.PowerShell.Infrastructure;

namespace StarrOps.PowerShell.Cmdlets;

/// <summary>Lists the notifications, also called connections (webhooks, Discord …).</summary>
[Cmdlet(VerbsCommon.Get, "StarrNotification")]
[OutputType(typeof(StarrProvider))]
public sealed class GetStarrNotificationCommand() : GetProviderCommandBase(ProviderKind.Notification);
