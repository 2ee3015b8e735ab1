namespace WasmNN.Tests;

/// <summary>
/// The repository root (the folder holding WasmNN.slnx, found above the test assembly) and the read-only
/// <c>../shared</c> data beside it. Compiled into every test project (Directory.Build.props) so there is one copy.
/// </summary>
internal static class RepositoryPaths
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shared data folder, <c>../shared</c> beside the repository.</summary>
    public static string Shared { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmNN.slnx"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("WasmNN.slnx not found above the test assembly");
    }
}
