using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// The float64 reductions compiled to wasm and run on our engine, against the same formulas in .NET's double
/// arithmetic (Math.Exp, Math.Log): they compute in double, so they agree far beyond float32's precision.
/// </summary>
public sealed class Float64ReduceKernelTests
{
    private static readonly double[] s_x = [0.1, 0.2, 0.3, 1.25, -3.5, 2.0];

    private static readonly Dictionary<string, Func<double[], double>> s_formulas = new()
    {
        ["ReduceLogSumExp"] = v => Math.Log(v.Sum(Math.Exp)),
        ["ReduceLogSum"] = v => Math.Log(v.Sum(Math.Abs)),
        ["ReduceL2"] = v => Math.Sqrt(v.Sum(x => x * x)),
        ["ReduceMean"] = v => v.Average(),
        ["ReduceProd"] = v => v.Aggregate(1.0, (p, x) => p * x),
        ["ReduceMax"] = v => v.Max(),
    };

    public static TheoryData<string> Operators => [.. s_formulas.Keys];

    [Theory]
    [MemberData(nameof(Operators))]
    public void Compile_Float64ReduceOverTheLastAxis_MatchesTheDoubleFormula(string opType)
    {
        // ReduceLogSum takes |x| so that its sums are positive.
        var x = opType == "ReduceLogSum" ? [.. s_x.Select(Math.Abs)] : s_x;
        var y = Run(opType, x, [2, 3], axis: 1);

        Assert.Equal([2, 1], y.Shape);
        AssertClose([s_formulas[opType](x[..3]), s_formulas[opType](x[3..])], y.ToDoubleArray());
    }

    [Fact]
    public void Compile_Float64ReduceLogSumExpOverTheFirstAxis_MatchesTheDoubleFormula()
    {
        var y = Run("ReduceLogSumExp", s_x, [2, 3], axis: 0);

        AssertClose([.. Enumerable.Range(0, 3).Select(j => Math.Log(Math.Exp(s_x[j]) + Math.Exp(s_x[3 + j])))], y.ToDoubleArray());
    }

    private static Tensor Run(string opType, double[] x, int[] shape, long axis)
    {
        var g = new Graph("reduce", 18);
        var input = new Value("x", DataType.Float64, shape);
        g.Inputs.Add(input);
        g.Outputs.Add(g.AddNode(opType, [input, g.AddConstant("axes", Tensor.FromInt64s([1], [axis]))], ["y"]).Outputs[0]!);
        using var executor = new WasmExecutor();
        var y = executor.Execute(g, [Tensor.FromDoubles(DataType.Float64, shape, x)])[0];
        Assert.Equal(DataType.Float64, y.DataType);
        return y;
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-14 * Math.Abs(expected[i]), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
