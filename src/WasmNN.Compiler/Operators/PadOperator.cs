using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Pad: before opset 11 pads and value are attributes; from 11 they are inputs.</summary>
/// <param name="Mode">constant, reflect, edge or wrap.</param>
/// <param name="Pads">Attribute pads (opset &lt; 11): begins then ends; or null.</param>
/// <param name="Value">Attribute fill value (opset &lt; 11).</param>
/// <param name="FromInputs">True when pads, constant_value and axes (18+) are inputs 1-3.</param>
public sealed record PadAttributes(string Mode, long[]? Pads, float Value, bool FromInputs) : OperatorAttributes;

/// <summary>ONNX Pad: grow (or crop, with negative pads) each dimension, filling by mode.</summary>
public sealed class PadOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Pad";

    /// <inheritdoc/>
    public override int MinOpset => 2;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var mode = attributes.GetString("mode", "constant");
        if (mode is not ("constant" or "reflect" or "edge" or "wrap"))
        {
            throw new OperatorException($"unknown pad mode '{mode}'");
        }
        return opset < 11
            ? new PadAttributes(mode, attributes.GetInts("pads"), attributes.GetFloat("value", 0f), false)
            : new PadAttributes(mode, null, 0f, true);
    }

    /// <summary>Full begin/end pads per dimension, expanding the axes input (opset 18) when present.</summary>
    private static long[] FullPads(int rank, long[] pads, long[]? axes)
    {
        if (axes is null)
        {
            return pads.Length == 2 * rank ? pads : throw new OperatorException($"pads has {pads.Length} entries, expected {2 * rank}");
        }
        var full = new long[2 * rank];
        for (var i = 0; i < axes.Length; i++)
        {
            var axis = Shapes.NormalizeAxis(axes[i], rank);
            full[axis] = pads[i];
            full[axis + rank] = pads[i + axes.Length];
        }
        return full;
    }

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) =>
        As<PadAttributes>(attributes).FromInputs && index is >= 1 and <= 3;

    internal static long[]? TryPads(PadAttributes a, IReadOnlyList<Value?> inputs, int rank)
    {
        if (!a.FromInputs)
        {
            return a.Pads;
        }
        var pads = ReferenceMath.ConstantInts(Optional(inputs, 1));
        var axesInput = Optional(inputs, 3);
        var axes = ReferenceMath.ConstantInts(axesInput);
        return pads is null || (axesInput is not null && axes is null) ? null : FullPads(rank, pads, axes);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (x.Shape is null)
        {
            return [new TensorType(x.ElementType, null)];
        }
        var pads = TryPads(As<PadAttributes>(attributes), inputs, x.Shape.Length);
        var rank = x.Shape.Length;
        return [new TensorType(x.ElementType, pads is null ? [.. x.Shape.Select(_ => -1)]
            : [.. x.Shape.Select((d, i) => d < 0 ? -1 : checked(d + (int)pads[i] + (int)pads[i + rank]))])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<PadAttributes>(attributes);
        var x = Required(inputs, 0, "data");
        var rank = x.Rank;
        var pads = a.FromInputs
            ? FullPads(rank, Required(inputs, 1, "pads").ToInt64Array(), Optional(inputs, 3)?.ToInt64Array())
            : a.Pads ?? throw new OperatorException("attribute 'pads' is required");
        var fill = a.FromInputs ? Optional(inputs, 2) : null;
        int[] shape = [.. x.Shape.Select((d, i) => d + (int)pads[i] + (int)pads[i + rank])];
        var result = Tensor.Zeros(x.DataType, shape);
        var strides = Shapes.Strides(x.Shape);
        var coords = new int[rank];
        for (var o = 0; o < result.Length; o++)
        {
            ReferenceMath.Unravel(o, shape, coords);
            var source = 0;
            var inside = true;
            for (var d = 0; d < rank; d++)
            {
                var p = coords[d] - (int)pads[d];
                var n = x.Shape[d];
                if (p < 0 || p >= n)
                {
                    switch (a.Mode)
                    {
                        case "constant": inside = false; break;
                        case "edge": p = Math.Clamp(p, 0, n - 1); break;
                        case "wrap": p = ((p % n) + n) % n; break;
                        default:
                            // reflect: mirror without repeating the edge element.
                            var period = 2 * (n - 1);
                            p = period == 0 ? 0 : ((p % period) + period) % period;
                            p = p >= n ? period - p : p;
                            break;
                    }
                }
                source += p * strides[d];
            }
            if (inside)
            {
                result.CopyElement(x, source, o);
            }
            else if (fill is not null)
            {
                result.CopyElement(fill, 0, o);
            }
            else
            {
                result.SetDouble(o, a.Value);
            }
        }
        return [result];
    }
}
