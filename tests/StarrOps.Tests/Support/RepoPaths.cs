namespace StarrOps.Tests.Support;

/// <summary>Finds files of the repository from the test output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "StarrOps.sln"))) return dir.FullName;
        // Built with --artifacts-path elsewhere: the project recorded where the repository is.
        var recorded = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (recorded is not null && System.IO.File.Exists(Path.Combine(recorded, "StarrOps.sln"))) return Path.GetFullPath(recorded);
        throw new InvalidOperationException("StarrOps.sln not found above " + AppContext.BaseDirectory);
    }
}
