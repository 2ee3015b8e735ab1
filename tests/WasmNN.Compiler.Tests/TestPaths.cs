namespace WasmNN.Compiler.Tests;

/// <summary>Locates shared test data relative to the repository root (the folder holding WasmNN.slnx).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The read-only shared data directory beside the repository.</summary>
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Model(string fileName) => Path.Combine(Shared, "models", fileName);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmNN.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("WasmNN.slnx not found above the test assembly directory");
    }
}
