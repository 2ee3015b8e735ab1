using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Slice: before opset 10 starts/ends/axes are attributes; from 10 they are inputs 1-4.</summary>
/// <param name="Starts">Attribute starts (opset &lt; 10), or null.</param>
/// <param name="Ends">Attribute ends (opset &lt; 10), or null.</param>
/// <param name="Axes">Attribute axes (opset &lt; 10), or null.</param>
/// <param name="FromInputs">True when starts, ends, axes and steps are inputs.</param>
public sealed record SliceAttributes(long[]? Starts, long[]? Ends, long[]? Axes, bool FromInputs) : OperatorAttributes;

/// <summary>ONNX Slice: strided sub-range per axis, with numpy-style clamping of out-of-range bounds.</summary>
/// <remarks>
/// With run-time starts, ends, axes or steps on a static input, each sliced axis is a run-time length bounded by the
/// input's size along it (a slice never has more elements than its axis).
/// </remarks>
public sealed class SliceOperator : OnnxOperator, IBoundedOutputOperator
{
    /// <inheritdoc/>
    public override string OpType => "Slice";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => opset < 10
        ? new SliceAttributes(attributes.GetInts("starts"), attributes.GetInts("ends"), attributes.GetInts("axes"), false)
        : new SliceAttributes(null, null, null, true);

    /// <summary>Per-axis (start, step, count) after clamping, for an input of <paramref name="shape"/>.</summary>
    internal static (int Start, int Step, int Count)[] Plan(int[] shape, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        var plan = shape.Select(d => (Start: 0, Step: 1, Count: d)).ToArray();
        if (starts.Length != ends.Length || (axes is not null && axes.Length != starts.Length) || (steps is not null && steps.Length != starts.Length))
        {
            throw new OperatorException("starts, ends, axes and steps must have the same length");
        }
        for (var i = 0; i < starts.Length; i++)
        {
            var axis = Shapes.NormalizeAxis(axes?[i] ?? i, shape.Length);
            long dim = shape[axis];
            var step = steps?[i] ?? 1;
            if (step == 0)
            {
                throw new OperatorException("slice step cannot be 0");
            }
            var start = starts[i] < 0 ? starts[i] + dim : starts[i];
            var end = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (step > 0)
            {
                start = Math.Clamp(start, 0, dim);
                end = Math.Clamp(end, 0, dim);
            }
            else
            {
                start = Math.Clamp(start, 0, dim - 1);
                end = Math.Clamp(end, -1, dim - 1);
            }
            var count = step > 0 ? (end - start + step - 1) / step : (start - end + (-step) - 1) / -step;
            plan[axis] = ((int)start, (int)step, (int)Math.Max(0, count));
        }
        return plan;
    }

    internal static bool TryBounds(SliceAttributes a, IReadOnlyList<Value?> inputs, out long[]? starts, out long[]? ends, out long[]? axes, out long[]? steps)
    {
        if (!a.FromInputs)
        {
            (starts, ends, axes, steps) = (a.Starts, a.Ends, a.Axes, null);
            return starts is not null && ends is not null;
        }
        starts = ReferenceMath.ConstantInts(inputs[1]);
        ends = ReferenceMath.ConstantInts(Optional(inputs, 2));
        axes = ReferenceMath.ConstantInts(Optional(inputs, 3));
        steps = ReferenceMath.ConstantInts(Optional(inputs, 4));
        return starts is not null && ends is not null
            && (Optional(inputs, 3) is null || axes is not null)
            && (Optional(inputs, 4) is null || steps is not null);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (x.Shape is null || !Shapes.IsStatic(x.Shape) || !TryBounds(As<SliceAttributes>(attributes), inputs, out var starts, out var ends, out var axes, out var steps))
        {
            return [new TensorType(x.ElementType, x.Shape is null ? null : [.. Enumerable.Repeat(-1, x.Shape.Length)])];
        }
        return [new TensorType(x.ElementType, [.. Plan(x.Shape, starts!, ends!, axes, steps).Select(p => p.Count)])];
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (TryBounds(As<SliceAttributes>(attributes), inputs, out _, out _, out _, out _))
        {
            return null;
        }
        if (x.Shape is not { } shape || !Shapes.IsStatic(shape) || x.RuntimeDims is not null)
        {
            throw new OperatorException($"data '{x.Name}' needs a static shape for run-time starts and ends, got {Shapes.Format(x.Shape)}");
        }
        if (Required(inputs, 1, "starts").Shape is not [var count])
        {
            throw new OperatorException("starts must be a 1-D tensor of static length");
        }
        // The sliced axes: the constant axes, the first `count` when absent, every axis when they are run-time values.
        var axes = Optional(inputs, 3) is null ? Enumerable.Range(0, Math.Min(count, shape.Length))
            : ReferenceMath.ConstantInts(Optional(inputs, 3)) is { } constant ? constant.Select(a => Shapes.NormalizeAxis(a, shape.Length))
            : Enumerable.Range(0, shape.Length);
        return [new BoundedShape(shape, [.. axes.Distinct().Order()], LengthPerAxis: true)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<SliceAttributes>(attributes);
        var x = Required(inputs, 0, "data");
        var plan = a.FromInputs
            ? Plan(x.Shape, Required(inputs, 1, "starts").ToInt64Array(), Required(inputs, 2, "ends").ToInt64Array(), Optional(inputs, 3)?.ToInt64Array(), Optional(inputs, 4)?.ToInt64Array())
            : Plan(x.Shape, a.Starts ?? throw new OperatorException("attribute 'starts' is required"), a.Ends ?? throw new OperatorException("attribute 'ends' is required"), a.Axes, null);
        int[] shape = [.. plan.Select(p => p.Count)];
        var result = Tensor.Zeros(x.DataType, shape);
        var strides = Shapes.Strides(x.Shape);
        var coords = new int[shape.Length];
        for (var o = 0; o < result.Length; o++)
        {
            ReferenceMath.Unravel(o, shape, coords);
            var source = 0;
            for (var d = 0; d < shape.Length; d++)
            {
                source += (plan[d].Start + coords[d] * plan[d].Step) * strides[d];
            }
            result.CopyElement(x, source, o);
        }
        return [result];
    }
}
