using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// Unique, the reference evaluation and the wasm kernel (outputs of run-time length, docs/ABI.md) against numpy's
/// np.unique(return_index, return_inverse, return_counts) for the sorted forms, and the ONNX specification's own
/// example for sorted = 0 (order of first occurrence).
/// </summary>
public sealed class UniqueOperatorTests
{
    public static TheoryData<string> Cases => ["sorted", "unsorted", "rows"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_Input_MatchesTheIndependentResult(string name)
    {
        var (shape, x, attributes, expected) = Case(name);

        var outputs = Evaluate("Unique", [F(shape, x)], attributes, opset: 11);

        Assert.Equal(expected.Y, outputs[0].ToDoubleArray().Select(v => (float)v).ToArray());
        Assert.Equal(expected.Indices, outputs[1].ToInt64Array());
        Assert.Equal(expected.Inverse, outputs[2].ToInt64Array());
        Assert.Equal(expected.Counts, outputs[3].ToInt64Array());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compile_Input_ReportsTheUniquesOnTheEngine(string name)
    {
        var (shape, x, attributes, expected) = Case(name);
        var g = new Graph("unique", 11);
        var input = new Value("x", DataType.Float32, shape);
        g.Inputs.Add(input);
        var node = g.AddNode("Unique", [input], ["y", "indices", "inverse", "counts"], attributes);
        g.Outputs.AddRange(node.Outputs.OfType<Value>());
        using var model = CompiledModel.Load(ModelCompiler.Compile(g).Wasm);

        model.SetInput<float>(0, x);
        model.Run();

        Assert.Equal(expected.Y, model.GetOutput<float>(0).ToArray());
        Assert.Equal(expected.Indices, model.GetOutput<long>(1).ToArray());
        Assert.Equal(expected.Inverse, model.GetOutput<long>(2).ToArray());
        Assert.Equal(expected.Counts, model.GetOutput<long>(3).ToArray());
        Assert.Equal(expected.Indices.Length, model.OutputShape(1)[0]);
    }

    private static (int[] Shape, float[] X, AttributeBag Attributes, (float[] Y, long[] Indices, long[] Inverse, long[] Counts) Expected) Case(string name) => name switch
    {
        // np.unique([2.5, -1, 2.5, 0, -1, 7, 0, 2.5], return_index=True, return_inverse=True, return_counts=True)
        "sorted" => ([8], [2.5f, -1, 2.5f, 0, -1, 7, 0, 2.5f], AttributeBag.Empty, ([-1, 0, 2.5f, 7], [1, 3, 0, 5], [2, 0, 2, 1, 0, 3, 1, 2], [2, 2, 3, 1])),
        // The ONNX specification's example: X = [2, 1, 1, 3, 4, 3], sorted = 0.
        "unsorted" => ([6], [2, 1, 1, 3, 4, 3], Attributes(("sorted", 0L)), ([2, 1, 3, 4], [0, 1, 3, 4], [0, 1, 1, 2, 3, 2], [1, 2, 2, 1])),
        // np.unique([[1, 0, 0], [1, 0, 0], [2, 3, 4], [0, 5, 1]], axis=0, ...)
        _ => ([4, 3], [1, 0, 0, 1, 0, 0, 2, 3, 4, 0, 5, 1], Attributes(("axis", 0L)), ([0, 5, 1, 1, 0, 0, 2, 3, 4], [3, 0, 2], [1, 1, 2, 0], [1, 2, 1])),
    };
}
