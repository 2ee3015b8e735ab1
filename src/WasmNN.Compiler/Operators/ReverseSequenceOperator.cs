using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ReverseSequence.</summary>
/// <param name="BatchAxis">ONNX 'batch_axis' (default 1).</param>
/// <param name="TimeAxis">ONNX 'time_axis' (default 0).</param>
public sealed record ReverseSequenceAttributes(int BatchAxis, int TimeAxis) : OperatorAttributes;

/// <summary>ONNX ReverseSequence (opset 10): per batch entry b, the first sequence_lens[b] steps along the time axis reversed.</summary>
/// <remarks>y[b, t] = x[b, len_b - 1 - t] for t &lt; len_b, else x[b, t]; a length outside [0, T] is clamped to it.</remarks>
public sealed class ReverseSequenceOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "ReverseSequence";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var (batch, time) = (attributes.GetInt("batch_axis", 1), attributes.GetInt("time_axis", 0));
        return (batch, time) is (0, 1) or (1, 0)
            ? new ReverseSequenceAttributes((int)batch, (int)time)
            : throw new OperatorException($"batch_axis {batch} and time_axis {time} must be 0 and 1 in some order");
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var lengths = Required(inputs, 1, "sequence_lens");
        if (lengths.ElementType != DataType.Int64)
        {
            throw new OperatorException($"sequence_lens is {lengths.ElementType}; ReverseSequence needs int64");
        }
        if (x.Shape is { } s)
        {
            if (s.Length < 2)
            {
                throw new OperatorException($"input has shape {Shapes.Format(s)}; ReverseSequence needs rank 2 or more");
            }
            var batch = s[As<ReverseSequenceAttributes>(attributes).BatchAxis];
            if (lengths.Shape is { } l && (l.Length != 1 || (l[0] >= 0 && batch >= 0 && l[0] != batch)))
            {
                throw new OperatorException($"sequence_lens has shape {Shapes.Format(l)}, expected [{batch}]");
            }
        }
        return [new TensorType(x.ElementType, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ReverseSequenceAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var lengths = Required(inputs, 1, "sequence_lens");
        var y = Tensor.Zeros(x.DataType, x.Shape);
        var strides = Shapes.Strides(x.Shape);
        var steps = x.Shape[a.TimeAxis];
        var position = new int[x.Rank];
        for (var p = 0; p < x.Length; p++)
        {
            var (b, t) = (position[a.BatchAxis], position[a.TimeAxis]);
            var length = (int)Math.Clamp(lengths.GetInt64(b), 0, steps);
            var source = t < length ? length - 1 - t : t;
            y.CopyElement(x, p + (source - t) * strides[a.TimeAxis], p);
            IndexedAccess.Advance(position, x.Shape);
        }
        return [y];
    }
}
