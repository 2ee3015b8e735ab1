using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// Runs one operator as the compiler does: resolve by op_type, parse the raw attributes, infer output types from
/// the input values, evaluate with the reference implementation, and check that inference agrees with the
/// evaluated outputs. Int64 inputs are given as constants (in these operators they are shapes, axes, indices,
/// pads or repeats, which exported models carry as initializers); others as runtime values of known shape.
/// </summary>
internal static class OperatorRun
{
    /// <summary>The default opset: recent enough for every operator's input-form attributes (axes, split, pads).</summary>
    public const int Opset = 18;

    public static Tensor F(int[] shape, params float[] values) => Tensor.FromFloats(shape, values);

    public static Tensor L(int[] shape, params long[] values) => Tensor.FromInt64s(shape, values);

    public static Tensor B(int[] shape, params bool[] values) => new(DataType.Bool, shape, values);

    public static AttributeBag Attributes(params (string Name, object Value)[] values) => new(values);

    /// <summary>Every output; each checked against its inferred type and shape (static but for run-time lengths).</summary>
    public static Tensor[] Evaluate(string opType, Tensor?[] inputs, AttributeBag? attributes = null, int opset = Opset)
    {
        var op = OperatorRegistry.Resolve(opType, opset, "test");
        var typed = op.ParseAttributes(attributes ?? AttributeBag.Empty, opset);
        var values = inputs.Select((t, i) => t is null ? null : t.DataType == DataType.Int64 ? new Value($"in{i}", t) : new Value($"in{i}", t.DataType, t.Shape)).ToList();
        var inferred = op.InferTypes(typed, values);
        var outputs = op.Evaluate(typed, inputs);
        Assert.NotEmpty(outputs);
        for (var i = 0; i < Math.Min(inferred.Count, outputs.Length); i++)
        {
            Assert.Equal(outputs[i].DataType, inferred[i].ElementType);
            // An output whose length depends on the data is inferred with -1 there (BoundRuntimeLengths bounds it).
            var shape = op is IBoundedOutputOperator && inferred[i].Shape is { } dims && dims.Length == outputs[i].Rank
                ? [.. dims.Select((d, k) => d < 0 ? outputs[i].Shape[k] : d)] : inferred[i].Shape;
            Assert.Equal(outputs[i].Shape, shape);
        }
        return outputs;
    }

    /// <summary>Output 0.</summary>
    public static Tensor Evaluate1(string opType, Tensor?[] inputs, AttributeBag? attributes = null, int opset = Opset) =>
        Evaluate(opType, inputs, attributes, opset)[0];

    /// <summary>Shape, element type and values (within float32 rounding; NaN matches NaN).</summary>
    public static void AssertTensor(int[] shape, DataType type, double[] expected, Tensor actual, double tolerance = 1e-6)
    {
        Assert.Equal(shape, actual.Shape);
        Assert.Equal(type, actual.DataType);
        var values = actual.ToDoubleArray();
        Assert.Equal(expected.Length, values.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var close = double.IsNaN(expected[i]) ? double.IsNaN(values[i]) : Math.Abs(values[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i]));
            Assert.True(close, $"element {i}: expected {expected[i]}, got {values[i]}");
        }
    }

    public static void AssertFloats(int[] shape, Tensor actual, params double[] expected) => AssertTensor(shape, DataType.Float32, expected, actual);

    public static void AssertInt64s(int[] shape, Tensor actual, params long[] expected)
    {
        Assert.Equal(shape, actual.Shape);
        Assert.Equal(DataType.Int64, actual.DataType);
        Assert.Equal(expected, actual.ToInt64Array());
    }

    public static void AssertBools(int[] shape, Tensor actual, params bool[] expected)
    {
        Assert.Equal(shape, actual.Shape);
        Assert.Equal(DataType.Bool, actual.DataType);
        Assert.Equal(expected, (bool[])actual.Data);
    }
}
