using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of the Reduce* operators.</summary>
/// <param name="Axes">Attribute axes (older opsets) or input 1 (ReduceSum 13+, the others 18+).</param>
/// <param name="KeepDims">Keep reduced dimensions as size 1 (default true).</param>
/// <param name="NoopWithEmptyAxes">With no axes: identity instead of reducing everything.</param>
public sealed record ReduceAttributes(AxesSource Axes, bool KeepDims, bool NoopWithEmptyAxes) : OperatorAttributes;

/// <summary>Shared axes handling, inference and the reduction walk of the Reduce* operators.</summary>
public abstract class ReduceBase : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Reduction;

    /// <summary>First opset where axes is an input rather than an attribute.</summary>
    protected virtual int AxesInputSince => 18;

    /// <summary>Combines the reduced elements.</summary>
    protected abstract double Reduce(List<double> values);

    /// <summary>The element type of the result for input type <paramref name="input"/>.</summary>
    protected virtual DataType ResultType(DataType input) => input;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new ReduceAttributes(
        new AxesSource(opset < AxesInputSince ? attributes.GetInts("axes") : null, opset < AxesInputSince ? -1 : 1),
        attributes.GetInt("keepdims", 1) != 0,
        attributes.GetInt("noop_with_empty_axes", 0) != 0);

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) =>
        index == As<ReduceAttributes>(attributes).Axes.InputIndex;

    private static bool[]? ReducedMask(ReduceAttributes a, int rank, long[]? axes)
    {
        if (axes is null || axes.Length == 0)
        {
            return a.NoopWithEmptyAxes ? null : [.. Enumerable.Repeat(true, rank)];
        }
        var mask = new bool[rank];
        foreach (var axis in axes)
        {
            mask[Shapes.NormalizeAxis(axis, rank)] = true;
        }
        return mask;
    }

    private static int[] OutputShape(int[] shape, bool[] mask, bool keepDims) =>
        keepDims ? [.. shape.Select((d, i) => mask[i] ? 1 : d)] : [.. shape.Where((_, i) => !mask[i])];

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<ReduceAttributes>(attributes);
        var x = Required(inputs, 0, "data");
        if (x.Shape is null || !a.Axes.TryGet(inputs, out var axes))
        {
            return [new TensorType(ResultType(x.ElementType), null)];
        }
        var mask = ReducedMask(a, x.Shape.Length, axes);
        return [new TensorType(ResultType(x.ElementType), mask is null ? x.Shape : OutputShape(x.Shape, mask, a.KeepDims))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ReduceAttributes>(attributes);
        var x = Required(inputs, 0, "data");
        var mask = ReducedMask(a, x.Rank, a.Axes.Get(inputs));
        if (mask is null)
        {
            return [x];
        }
        // Group input elements by their output position (reduced coordinates dropped).
        var keptShape = OutputShape(x.Shape, mask, keepDims: true);
        var groups = new List<double>[Shapes.ElementCount(keptShape)];
        for (var g = 0; g < groups.Length; g++)
        {
            groups[g] = [];
        }
        var keptStrides = Shapes.Strides(keptShape);
        var coords = new int[x.Rank];
        for (var i = 0; i < x.Length; i++)
        {
            ReferenceMath.Unravel(i, x.Shape, coords);
            var g = 0;
            for (var d = 0; d < x.Rank; d++)
            {
                g += mask[d] ? 0 : coords[d] * keptStrides[d];
            }
            groups[g].Add(x.GetDouble(i));
        }
        var result = Tensor.Zeros(ResultType(x.DataType), OutputShape(x.Shape, mask, a.KeepDims));
        for (var g = 0; g < groups.Length; g++)
        {
            result.SetDouble(g, Reduce(groups[g]));
        }
        return [result];
    }
}
