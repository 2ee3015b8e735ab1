using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Squeeze: axes attribute before opset 13, optional input 1 from 13.</summary>
/// <param name="Axes">Where the axes come from; none means every size-1 dimension.</param>
public sealed record SqueezeAttributes(AxesSource Axes) : OperatorAttributes;

/// <summary>ONNX Squeeze: remove size-1 dimensions (the given ones, or all).</summary>
public sealed class SqueezeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Squeeze";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SqueezeAttributes(new AxesSource(opset < 13 ? attributes.GetInts("axes") : null, opset < 13 ? -1 : 1));

    private static int[]? OutputShape(int[] shape, long[]? axes)
    {
        if (axes is null || axes.Length == 0)
        {
            return Array.Exists(shape, d => d < 0) ? null : [.. shape.Where(d => d != 1)];
        }
        var remove = axes.Select(a => Shapes.NormalizeAxis(a, shape.Length)).ToHashSet();
        foreach (var axis in remove)
        {
            if (shape[axis] > 1)
            {
                throw new OperatorException($"cannot squeeze axis {axis} of size {shape[axis]}");
            }
        }
        return [.. shape.Where((_, i) => !remove.Contains(i))];
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var known = As<SqueezeAttributes>(attributes).Axes.TryGet(inputs, out var axes);
        return [new TensorType(x.ElementType, x.Shape is null || !known ? null : OutputShape(x.Shape, axes))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        return [x.Reshape(OutputShape(x.Shape, As<SqueezeAttributes>(attributes).Axes.Get(inputs))!)];
    }
}
