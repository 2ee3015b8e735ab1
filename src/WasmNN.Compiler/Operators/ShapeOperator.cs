using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Shape.</summary>
/// <param name="Start">Opset 15+: first dimension to report (default 0).</param>
/// <param name="End">Opset 15+: one past the last dimension (default: rank).</param>
public sealed record ShapeAttributes(long Start, long? End) : OperatorAttributes;

/// <summary>ONNX Shape: the input's dimensions as a 1-D int64 tensor (a slice of them from opset 15).</summary>
public sealed class ShapeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Shape";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ShapeAttributes(attributes.GetInt("start", 0), attributes.Has("end") ? attributes.GetInt("end", 0) : null);

    private static (int Start, int End) Range(ShapeAttributes a, int rank)
    {
        static int Clamp(long v, int rank) => (int)Math.Clamp(v < 0 ? v + rank : v, 0, rank);
        var start = Clamp(a.Start, rank);
        var end = Clamp(a.End ?? rank, rank);
        return (start, Math.Max(start, end));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (x.Shape is null)
        {
            return [new TensorType(DataType.Int64, [-1])];
        }
        var (start, end) = Range(As<ShapeAttributes>(attributes), x.Shape.Length);
        return [new TensorType(DataType.Int64, [end - start])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [Of(As<ShapeAttributes>(attributes), Required(inputs, 0, "data").Shape)];

    /// <inheritdoc/>
    public override Tensor[]? TryEvaluateFromShapes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        Required(inputs, 0, "data").Shape is { } shape && Shapes.IsStatic(shape) ? [Of(As<ShapeAttributes>(attributes), shape)] : null;

    private static Tensor Of(ShapeAttributes a, int[] shape)
    {
        var (start, end) = Range(a, shape.Length);
        return Tensor.FromInt64s([end - start], [.. shape[start..end].Select(d => (long)d)]);
    }
}
