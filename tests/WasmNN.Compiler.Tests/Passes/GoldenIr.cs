using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// Golden before/after tests of one pass: the printed IR before and after the pass, compared with
/// <c>Passes/Golden/NAME.txt</c> in the source tree. With <c>WASMNN_UPDATE_GOLDEN=1</c> the file is rewritten
/// instead (review the diff: a golden is the expectation, not a record of whatever the pass did).
/// </summary>
internal static class GoldenIr
{
    /// <summary>The variable that regenerates the golden files; read only here, never by the compiler.</summary>
    public const string UpdateVariable = "WASMNN_UPDATE_GOLDEN";

    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "WasmNN.Compiler.Tests", "Passes", "Golden");

    /// <summary>Runs <paramref name="pass"/> on <paramref name="graph"/>, verifies the result and checks the text.</summary>
    public static void Check(string name, Graph graph, IGraphPass pass)
    {
        Verifier.Verify(graph, "building the test graph");
        var before = GraphPrinter.Print(graph);
        var changed = pass.Run(graph);
        Verifier.Verify(graph, pass.GetType().Name);
        var actual = $"; before {pass.GetType().Name}\n{before}\n; after {pass.GetType().Name} (changed: {(changed ? "yes" : "no")})\n{GraphPrinter.Print(graph)}";

        var path = Path.Combine(Folder, name + ".txt");
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing: run the test with {UpdateVariable}=1 to create it, then review it");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), actual);
    }
}
