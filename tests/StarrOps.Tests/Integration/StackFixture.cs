using System.Collections;
using StarrOps.Core.Arr;
using StarrOps.Core.Instances;
using StarrOps.TestKit;
using StarrOps.Tests.Support;

namespace StarrOps.Tests.Integration;

/// <summary>Builds core instances for the servers of an emulated stack, the way Get-StarrInstance reads them from the environment.</summary>
public static class StackInstances
{
    public static Hashtable Environment(EmulatedStack stack) => StackEnvironment.Of(stack);

    public static IReadOnlyList<StarrInstance> All(EmulatedStack stack) => EnvironmentInstanceSource.Read(Environment(stack));

    public static StarrInstance Of(EmulatedStack stack, string name) => InstanceRegistry.Resolve(name, Environment(stack)) with { Timeout = TimeSpan.FromSeconds(10) };

    public static ArrClient Client(EmulatedStack stack, string name, RecordingHost? host = null) => ArrClientFactory.Create(Of(stack, name), host);
}
