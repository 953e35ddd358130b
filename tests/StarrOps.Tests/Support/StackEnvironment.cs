using System.Collections;
using StarrOps.TestKit;

namespace StarrOps.Tests.Support;

/// <summary>The environment a reconcile of an emulated stack reads (its URLs and keys), as the table the loader takes; tests add to it.</summary>
internal static class StackEnvironment
{
    public static Hashtable Of(EmulatedStack stack)
    {
        var table = new Hashtable();
        foreach (var (name, value) in stack.Environment()) table[name] = value;
        return table;
    }
}
