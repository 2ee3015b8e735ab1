using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Range: start, start + delta, ... up to (excluding) limit.</summary>
/// <remarks>count = max(ceil((limit - start) / delta), 0)</remarks>
public sealed class RangeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Range";

    /// <inheritdoc/>
    public override int MinOpset => 11;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    private static int Count(double start, double limit, double delta) =>
        delta == 0 ? throw new OperatorException("Range delta cannot be 0") : (int)Math.Max(Math.Ceiling((limit - start) / delta), 0);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var start = Required(inputs, 0, "start");
        var limit = Required(inputs, 1, "limit");
        var delta = Required(inputs, 2, "delta");
        var known = start.Constant is { } s && limit.Constant is { } l && delta.Constant is { } d;
        return [new TensorType(start.ElementType, [known ? Count(start.Constant!.GetDouble(0), limit.Constant!.GetDouble(0), delta.Constant!.GetDouble(0)) : -1])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var start = Required(inputs, 0, "start");
        var limit = Required(inputs, 1, "limit").GetDouble(0);
        var delta = Required(inputs, 2, "delta");
        var count = Count(start.GetDouble(0), limit, delta.GetDouble(0));
        var result = Tensor.Zeros(start.DataType, [count]);
        for (var i = 0; i < count; i++)
        {
            if (start.DataType.IsFloat())
            {
                result.SetDouble(i, start.GetDouble(0) + i * delta.GetDouble(0));
            }
            else
            {
                result.SetInt64(i, start.GetInt64(0) + i * delta.GetInt64(0));
            }
        }
        return [result];
    }
}
