using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Tile: repeat the input repeats[d] times along each dimension d.</summary>
public sealed class TileOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Tile";

    /// <inheritdoc/>
    public override int MinOpset => 6;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    private static int[] OutputShape(int[] shape, long[] repeats) => repeats.Length == shape.Length
        ? [.. shape.Select((d, i) => d < 0 ? -1 : checked(d * (int)repeats[i]))]
        : throw new OperatorException($"repeats has {repeats.Length} entries for rank {shape.Length}");

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var repeats = ReferenceMath.ConstantInts(Required(inputs, 1, "repeats"));
        return [new TensorType(x.ElementType, x.Shape is null ? null : repeats is null ? [.. x.Shape.Select(_ => -1)] : OutputShape(x.Shape, repeats))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var shape = OutputShape(x.Shape, Required(inputs, 1, "repeats").ToInt64Array());
        var result = Tensor.Zeros(x.DataType, shape);
        var strides = Shapes.Strides(x.Shape);
        var coords = new int[shape.Length];
        for (var o = 0; o < result.Length; o++)
        {
            ReferenceMath.Unravel(o, shape, coords);
            var source = 0;
            for (var d = 0; d < shape.Length; d++)
            {
                source += coords[d] % x.Shape[d] * strides[d];
            }
            result.CopyElement(x, source, o);
        }
        return [result];
    }
}
