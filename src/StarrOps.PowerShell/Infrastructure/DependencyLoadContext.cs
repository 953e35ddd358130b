using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace StarrOps.PowerShell.Infrastructure;

/// <summary>
/// The module's own load context for StarrOps.Core and every third-party assembly (YamlDotNet, ...), which ship in
/// the module's Dependencies/ folder. Another module that loaded a different YamlDotNet into the default context
/// (powershell-yaml ships 11.x) then neither breaks StarrOps nor is broken by it. This is the pattern of PowerShell's
/// docs, "Resolving PowerShell module assembly dependency conflicts": only StarrOps.dll is in the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public DependencyLoadContext(string directory) : base("StarrOps.Dependencies") => _directory = directory;

    /// <summary>The assemblies in Dependencies/ load here; anything else (the framework, SMA) from the default context.</summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}

/// <summary>
/// Runs when pwsh imports StarrOps.dll: from then on the default context's one request for StarrOps.Core (the
/// cmdlets' reference) is answered from the module's own context. Names other than the engine are not answered, so
/// YamlDotNet never reaches the default context through StarrOps.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private const string EngineAssembly = "StarrOps.Core";
    private static readonly object Gate = new();
    private static DependencyLoadContext? _context;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_context is not null) return;
            var moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
            var dependencies = Path.Combine(moduleDirectory, "Dependencies");
            // A development build (bin/ of the csproj) has everything side by side: nothing to isolate.
            if (!Directory.Exists(dependencies)) return;
            _context = new DependencyLoadContext(dependencies);
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
        name.Name == EngineAssembly && _context is { } context ? context.LoadFromAssemblyName(name) : null;
}
