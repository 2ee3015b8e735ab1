using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Unsqueeze: axes attribute before opset 13, input 1 from 13.</summary>
/// <param name="Axes">Where the axes come from.</param>
public sealed record UnsqueezeAttributes(AxesSource Axes) : OperatorAttributes;

/// <summary>ONNX Unsqueeze: insert size-1 dimensions at the given output positions.</summary>
public sealed class UnsqueezeOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Unsqueeze";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new UnsqueezeAttributes(new AxesSource(opset < 13 ? attributes.GetInts("axes") : null, opset < 13 ? -1 : 1));

    private static int[] OutputShape(int[] shape, long[]? axes)
    {
        if (axes is null || axes.Length == 0)
        {
            throw new OperatorException("Unsqueeze needs axes");
        }
        var rank = shape.Length + axes.Length;
        var normalized = axes.Select(a => Shapes.NormalizeAxis(a, rank)).ToHashSet();
        if (normalized.Count != axes.Length)
        {
            throw new OperatorException($"axes [{string.Join(", ", axes)}] repeat an axis");
        }
        var result = new int[rank];
        var source = 0;
        for (var d = 0; d < rank; d++)
        {
            result[d] = normalized.Contains(d) ? 1 : shape[source++];
        }
        return result;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        var known = As<UnsqueezeAttributes>(attributes).Axes.TryGet(inputs, out var axes);
        return [new TensorType(x.ElementType, x.Shape is null || !known ? null : OutputShape(x.Shape, axes))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        return [x.Reshape(OutputShape(x.Shape, As<UnsqueezeAttributes>(attributes).Axes.Get(inputs)))];
    }
}
