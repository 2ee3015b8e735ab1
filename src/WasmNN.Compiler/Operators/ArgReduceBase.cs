using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ArgMax and ArgMin.</summary>
/// <param name="Axis">The axis reduced (default 0, negative counts from the end).</param>
/// <param name="KeepDims">Keep the reduced axis as size 1 (default true).</param>
/// <param name="SelectLastIndex">On ties, the last index instead of the first (opset 12+).</param>
public sealed record ArgReduceAttributes(long Axis, bool KeepDims, bool SelectLastIndex) : OperatorAttributes;

/// <summary>
/// Shared inference and reference of ArgMax and ArgMin: the int64 index of the extreme element along one axis.
/// The input is viewed as [outer, axis, inner]; NaN never wins a comparison.
/// </summary>
public abstract class ArgReduceBase : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Reduction;

    /// <summary>True for ArgMax (a candidate wins when greater), false for ArgMin (when less).</summary>
    public abstract bool SelectsMaximum { get; }

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new ArgReduceAttributes(
        attributes.GetInt("axis", 0), attributes.GetInt("keepdims", 1) != 0, opset >= 12 && attributes.GetInt("select_last_index", 0) != 0);

    /// <summary>The input as [outer, axis length, inner] and the output shape.</summary>
    public static (int Outer, int Length, int Inner, int[] Output) Split(ArgReduceAttributes a, int[] shape)
    {
        var axis = Shapes.NormalizeAxis(a.Axis, shape.Length);
        var outer = Shapes.ElementCount(shape[..axis]);
        var inner = Shapes.ElementCount(shape[(axis + 1)..]);
        int[] output = a.KeepDims ? [.. shape[..axis], 1, .. shape[(axis + 1)..]] : [.. shape[..axis], .. shape[(axis + 1)..]];
        return (outer, shape[axis], inner, output);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        return [new TensorType(DataType.Int64, x.Shape is null ? null : Split(As<ArgReduceAttributes>(attributes), x.Shape).Output)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ArgReduceAttributes>(attributes);
        var x = Required(inputs, 0, "data");
        var (outer, length, inner, output) = Split(a, x.Shape);
        if (length == 0)
        {
            throw new OperatorException("the reduced axis is empty");
        }
        var result = new long[outer * inner];
        for (var o = 0; o < outer; o++)
        {
            for (var i = 0; i < inner; i++)
            {
                var best = 0;
                for (var k = 1; k < length; k++)
                {
                    var order = Compare(x, ((o * length) + k) * inner + i, ((o * length) + best) * inner + i);
                    if (order > 0 || (order == 0 && a.SelectLastIndex))
                    {
                        best = k;
                    }
                }
                result[(o * inner) + i] = best;
            }
        }
        return [Tensor.FromInt64s(output, result)];
    }

    /// <summary>Positive when element <paramref name="candidate"/> beats <paramref name="best"/>, 0 on a tie, negative otherwise (NaN never wins).</summary>
    private int Compare(Tensor x, int candidate, int best)
    {
        if (x.DataType is DataType.Float32 or DataType.Float64)
        {
            double c = x.GetDouble(candidate), b = x.GetDouble(best);
            return c == b ? 0 : (SelectsMaximum ? c > b : c < b) ? 1 : -1;
        }
        var order = x.GetInt64(candidate).CompareTo(x.GetInt64(best));
        return SelectsMaximum ? order : -order;
    }
}
