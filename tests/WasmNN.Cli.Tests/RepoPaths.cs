namespace WasmNN.Cli.Tests;

/// <summary>Finds the repository root (the folder holding WasmNN.slnx) and ../shared beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WasmNN.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("WasmNN.slnx not found above the test assembly");
    }
}
