namespace StarrOps.Benchmarks;

/// <summary>Placeholder entry until the reconcile benchmark lands (issue: Invoke-StarrReconcile).</summary>
public static class ReconcileBenchmarkEntry
{
    public static Task<int> RunAsync() => Task.FromResult(0);
}
