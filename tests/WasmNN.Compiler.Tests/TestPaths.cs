namespace WasmNN.Compiler.Tests;

/// <summary>Shared test data of the compiler tests, under the repository's <c>../shared</c>.</summary>
internal static class TestPaths
{
    public static string RepoRoot => RepositoryPaths.Root;

    /// <summary>The read-only shared data directory beside the repository.</summary>
    public static string Shared => RepositoryPaths.Shared;

    public static string Model(string fileName) => Path.Combine(Shared, "models", fileName);
}
