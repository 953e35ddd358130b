// Release builds compile with Optimize=false for class async state machines (src/Directory.Build.props). The compiler would
// then mark the assembly DisableOptimizations, and the JIT and crossgen2 would emit debug code; this attribute takes the
// place of the compiler's and says what a Release build says.
[assembly: System.Diagnostics.Debuggable(System.Diagnostics.DebuggableAttribute.DebuggingModes.IgnoreSymbolStoreSequencePoints)]
