using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Lowering;

/// <summary>
/// GatherElements, GatherND and ScatterND compiled to wasm with their indices as run-time graph inputs, run on our
/// engine with and without SIMD, against the ONNX spec examples; and out-of-range indices, which the kernels clamp
/// (wrap a negative index once, then clamp into the axis: RuntimeIndex).
/// </summary>
public sealed class IndexedKernelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GatherElements_RuntimeIndices_MatchTheSpecExample(bool int32Indices)
    {
        var y = Run("GatherElements", [Tensor.FromFloats([3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]), Indices(int32Indices, [2, 3], -1, -2, 0, -2, 0, 0)]);

        Assert.Equal([2, 3], y.Shape);
        Assert.Equal([7f, 5, 3, 4, 2, 3], y.AsFloat32());
    }

    [Fact]
    public void GatherElements_Int64DataOnTheLastAxisWithSmallerIndices_ReadsEachRow()
    {
        // data [[10, 11, 12], [13, 14, 15]], indices [[2, 0], [1, 1]] on axis 1 (indices narrower than data).
        var y = Run("GatherElements", [Tensor.FromInt64s([2, 3], [10, 11, 12, 13, 14, 15]), Indices(false, [2, 2], 2, 0, 1, 1)], ("axis", -1L));

        Assert.Equal([12L, 10, 14, 14], y.AsInt64());
    }

    [Fact]
    public void GatherElements_IndexOutsideTheAxis_IsClampedIntoIt()
    {
        // Axis size 3: 7 clamps to 2; -9 wraps to -6, which clamps to 0.
        var y = Run("GatherElements", [Tensor.FromFloats([3, 1], [1, 2, 3]), Indices(false, [2, 1], 7, -9)]);

        Assert.Equal([3f, 1], y.AsFloat32());
    }

    [Fact]
    public void GatherND_BatchDimsOne_MatchesTheSpecExample()
    {
        var y = Run("GatherND", [Tensor.FromFloats([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]), Indices(false, [2, 1], 1, 0)], ("batch_dims", 1L));

        Assert.Equal([2, 2], y.Shape);
        Assert.Equal([2f, 3, 4, 5], y.AsFloat32());
    }

    [Fact]
    public void GatherND_FullTuples_PickElements()
    {
        var y = Run("GatherND", [Tensor.FromFloats([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7]), Indices(true, [2, 3], 1, 0, 1, -1, -1, 0)]);

        Assert.Equal([5f, 6], y.AsFloat32());
    }

    [Theory]
    [InlineData("none", new float[] { 1, 5, 3, 10, 9, 6, 7, 8 })]
    [InlineData("add", new float[] { 1, 18, 3, 14, 14, 6, 7, 8 })]
    [InlineData("mul", new float[] { 1, 110, 3, 40, 45, 6, 7, 8 })]
    [InlineData("max", new float[] { 1, 11, 3, 10, 9, 6, 7, 8 })]
    [InlineData("min", new float[] { 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void ScatterND_Reductions_ApplyEveryUpdateInOrder(string reduction, float[] expected)
    {
        // Spec example 1 with index 1 repeated: updates 11 then 5 land on element 1.
        var y = Run("ScatterND", [Tensor.FromFloats([8], [1, 2, 3, 4, 5, 6, 7, 8]), Indices(false, [4, 1], 4, 3, 1, 1), Tensor.FromFloats([4], [9, 10, 11, 5])],
            ("reduction", reduction));

        Assert.Equal(expected, y.AsFloat32());
    }

    [Fact]
    public void ScatterND_Int64SlicesWithMax_CombinesIntegers()
    {
        // Rows of [[1, 9], [4, 4]] replaced by max with updates [[5, 5]] at row -1 (wraps to 1).
        var y = Run("ScatterND", [Tensor.FromInt64s([2, 2], [1, 9, 4, 4]), Indices(false, [1, 1], -1), Tensor.FromInt64s([1, 2], [5, 3])], ("reduction", "max"));

        Assert.Equal([1L, 9, 5, 4], y.AsInt64());
    }

    private static Tensor Indices(bool int32, int[] shape, params long[] values) =>
        int32 ? new Tensor(DataType.Int32, shape, values.Select(v => (int)v).ToArray()) : Tensor.FromInt64s(shape, values);

    private static Tensor Run(string opType, Tensor[] inputs, params (string Name, object Value)[] attributes)
    {
        Tensor? first = null;
        foreach (var simd in new[] { true, false })
        {
            var g = new Graph(opType, 18);
            var values = inputs.Select((t, i) => new Value($"in{i}", t.DataType, t.Shape)).ToList();
            g.Inputs.AddRange(values);
            g.Outputs.Add(g.AddNode(opType, values, ["y"], new AttributeBag(attributes)).Outputs[0]!);
            using var executor = new WasmExecutor(new CompileOptions { Simd = simd });
            var y = executor.Execute(g, inputs)[0];
            if (first is not null)
            {
                Assert.Equal(first.ToDoubleArray(), y.ToDoubleArray());
            }
            first = y;
        }
        return first!;
    }
}
