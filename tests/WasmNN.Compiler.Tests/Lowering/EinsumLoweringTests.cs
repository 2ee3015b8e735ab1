using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Compiler.Tests.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// Einsum lowered by <see cref="LowerEinsum"/> onto Transpose/Reshape/MatMul/ReduceSum, compiled and run on our
/// engine, against the operator's reference evaluation (a direct sum over every label, no matrix products).
/// </summary>
public sealed class EinsumLoweringTests
{
    public static TheoryData<string, int[][]> Equations => new()
    {
        { "bij,bjk->bik", [[3, 4, 5], [3, 5, 6]] },
        { "ij,kj->ik", [[7, 9], [5, 9]] },
        { "i,j->ij", [[4], [6]] },
        { "i,i", [[17], [17]] },
        { "bhqd,bhkd->bhqk", [[2, 3, 4, 8], [2, 3, 5, 8]] },
        { "bhqk,bhkd->bqhd", [[2, 3, 4, 5], [2, 3, 5, 8]] },
        { "ij->ji", [[3, 4]] },
        { "ijk->ki", [[3, 4, 5]] },
        { "...ii->...i", [[3, 5, 5]] },
        { "ii", [[6, 6]] },
        { "ij,jk,kl->il", [[2, 3], [3, 4], [4, 5]] },
        { "abc,cd->", [[2, 3, 4], [4, 3]] },
        { "ij,ij->i", [[3, 7], [3, 7]] },
    };

    [Theory]
    [MemberData(nameof(Equations))]
    public void Compile_Equation_MatchesReferenceEvaluation(string equation, int[][] shapes)
    {
        var inputs = shapes.Select((s, i) => PassTestGraphs.Random(s, 11 + i, scale: 2)).ToArray();
        var expected = new ReferenceExecutor().Execute(Build(equation, shapes, DataType.Float32), inputs)[0];

        using var executor = new WasmExecutor();
        var actual = executor.Execute(Build(equation, shapes, DataType.Float32), inputs)[0];

        Assert.Equal(expected.Shape, actual.Shape);
        ModelEndToEndTests.AssertClose(equation, expected.AsFloat32(), actual.AsFloat32());
    }

    [Fact]
    public void LowerEinsum_BatchMatMul_LeavesOneMatMulAndNoEinsum()
    {
        var graph = Build("bij,bjk->bik", [[3, 4, 5], [3, 5, 6]], DataType.Float32);

        new LowerEinsum().Run(graph);

        Assert.Equal(["MatMul"], graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Compile_Float64Operands_ComputeInFloat32AndReturnFloat64()
    {
        int[][] shapes = [[2, 3], [3, 4]];
        var inputs = shapes.Select((s, i) => Tensor.FromDoubles(DataType.Float64, s, PassTestGraphs.Random(s, 5 + i).ToDoubleArray())).ToArray();
        var expected = new ReferenceExecutor().Execute(Build("ij,jk->ik", shapes, DataType.Float64), inputs)[0].ToDoubleArray();

        using var executor = new WasmExecutor();
        var actual = executor.Execute(Build("ij,jk->ik", shapes, DataType.Float64), inputs)[0];

        Assert.Equal(DataType.Float64, actual.DataType);
        Assert.All(actual.ToDoubleArray().Zip(expected), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * (1 + Math.Abs(p.Second)), $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void Compile_IntegerOperands_FailNamingTheNodeAndEquation()
    {
        var graph = Build("ij,jk->ik", [[2, 3], [3, 4]], DataType.Int64);

        var error = Assert.Throws<UnsupportedOperatorException>(() => ModelCompiler.Compile(graph));

        Assert.Contains("node 'einsum'", error.Message);
        Assert.Contains("unsupported equation 'ij,jk->ik'", error.Message);
    }

    private static Graph Build(string equation, int[][] shapes, DataType type)
    {
        var g = new Graph("einsum", 13);
        var values = shapes.Select((s, i) => new Value($"x{i}", type, s)).ToList();
        g.Inputs.AddRange(values);
        g.Outputs.Add(g.AddNode("Einsum", values, ["y"], new AttributeBag(("equation", equation)), "einsum").Outputs[0]!);
        return g;
    }
}
