using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Tests.Operators;

public sealed class OperatorCoverageTests
{
    [Fact]
    public void EveryRegisteredOperator_HasItsOwnTestInThisFolder()
    {
        // A new operator file needs a test here that names it (as the op_type string it is run by).
        var folder = Path.Combine(RepositoryPaths.Root, "tests", "WasmNN.Compiler.Tests", "Operators");
        var sources = string.Join("\n", Directory.EnumerateFiles(folder, "*.cs").Select(File.ReadAllText));

        var untested = OperatorRegistry.All.Select(op => op.OpType).Where(op => !sources.Contains($"[\"{op}\"]") && !sources.Contains($"(\"{op}\"")).Order().ToList();

        Assert.Empty(untested);
    }
}
