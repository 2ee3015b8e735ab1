namespace WasmNN.Engine.Tests;

/// <summary>Finds shared test data relative to the repository root (the folder holding WasmNN.slnx).</summary>
internal static class RepositoryPaths
{
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "WasmNN.slnx"))) directory = directory.Parent;
            return directory?.FullName ?? throw new DirectoryNotFoundException("WasmNN.slnx not found above the test assembly");
        }
    }

    /// <summary>The shared data folder, <c>../shared</c> beside the repository.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));
}
