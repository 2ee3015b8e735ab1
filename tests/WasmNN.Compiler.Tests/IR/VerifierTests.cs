using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Tests.Passes;

namespace WasmNN.Compiler.Tests.IR;

public sealed class VerifierTests
{
    private static Graph TwoRelus() => PassTestGraphs.TwoRelus();

    [Fact]
    public void Verify_WellFormedGraph_NoProblems() => Assert.Empty(Verifier.FindProblems(TwoRelus()));

    [Fact]
    public void Verify_NodesOutOfOrder_ReportsTopologicalProblem()
    {
        var g = TwoRelus();
        g.Nodes.Reverse();

        var error = Assert.Throws<GraphException>(() => Verifier.Verify(g, "test"));

        Assert.Contains("input 'a' is not defined before the node", error.Message);
    }

    [Fact]
    public void Verify_RecordedShapeDisagreesWithInference_Reported()
    {
        var g = TwoRelus();
        g.Outputs[0].Shape = [4];

        Assert.Contains(Verifier.FindProblems(g), p => p.Contains("'b' is recorded as Float32 4") && p.Contains("infers Float32 3"));
    }

    [Fact]
    public void Verify_DuplicateValueName_ReportsNotSsa()
    {
        var g = TwoRelus();
        g.Nodes[1].Outputs[0]!.Name = "a";

        Assert.Contains(Verifier.FindProblems(g), p => p.Contains("not SSA"));
    }
}
