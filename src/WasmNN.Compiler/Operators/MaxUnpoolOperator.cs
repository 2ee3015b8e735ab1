using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of MaxUnpool.</summary>
/// <param name="KernelShape">Window size (required).</param>
/// <param name="Pads">Begin pads then end pads (default 0).</param>
/// <param name="Strides">Per spatial dimension (default 1).</param>
public sealed record MaxUnpoolAttributes(long[] KernelShape, long[]? Pads, long[]? Strides) : OperatorAttributes;

/// <summary>ONNX MaxUnpool (opset 9, 11): the partial inverse of MaxPool, each value put back at its Indices position.</summary>
/// <remarks>
/// y = zeros(default shape); y.flat[I.flat[i]] = X.flat[i] (indices flat over the whole tensor, as MaxPool's Indices),
/// the default shape being (in - 1) * stride - pad_begin - pad_end + kernel per spatial dimension. An output_shape
/// input (which must then be a constant) pads that result with zeros at the end of each dimension, as the ONNX
/// reference does (the node test maxunpool_export_with_output_shape).
/// </remarks>
public sealed class MaxUnpoolOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "MaxUnpool";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new MaxUnpoolAttributes(
        attributes.GetInts("kernel_shape") ?? throw new OperatorException("attribute 'kernel_shape' is required"),
        attributes.GetInts("pads"), attributes.GetInts("strides"));

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 2;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var indices = Required(inputs, 1, "I");
        if (indices.ElementType != DataType.Int64)
        {
            throw new OperatorException($"I is {indices.ElementType}; MaxUnpool needs int64 indices");
        }
        if (x.Shape is { } xs && indices.Shape is { } s && Shapes.IsStatic(xs) && Shapes.IsStatic(s) && !Shapes.AreEqual(xs, s))
        {
            throw new OperatorException($"I has shape {Shapes.Format(s)}, X {Shapes.Format(xs)}; they must be equal");
        }
        return [new TensorType(x.ElementType, OutputShape(As<MaxUnpoolAttributes>(attributes), x.Shape, Optional(inputs, 2)))];
    }

    private static int[]? OutputShape(MaxUnpoolAttributes a, int[]? x, Value? outputShape)
    {
        if (outputShape is not null)
        {
            return outputShape.Constant is { } given ? ReferenceMath.ToShape(given.ToInt64Array()) : null;
        }
        return DefaultShape(a, x);
    }

    /// <summary>The shape the indices address: (in - 1) * stride - pads + kernel per spatial dimension.</summary>
    public static int[]? DefaultShape(MaxUnpoolAttributes a, int[]? x)
    {
        if (x is null)
        {
            return null;
        }
        var rank = a.KernelShape.Length;
        if (x.Length != rank + 2)
        {
            throw new OperatorException($"X {Shapes.Format(x)} does not match kernel_shape of rank {rank}");
        }
        return [x[0], x[1], .. Enumerable.Range(0, rank).Select(d =>
            x[d + 2] < 0 ? -1 : checked((int)((x[d + 2] - 1) * (a.Strides?[d] ?? 1) - (a.Pads?[d] ?? 0) - (a.Pads?[d + rank] ?? 0) + a.KernelShape[d])))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "X");
        var indices = Required(inputs, 1, "I");
        var shape = DefaultShape(As<MaxUnpoolAttributes>(attributes), x.Shape)!;
        var y = Tensor.Zeros(x.DataType, shape);
        for (var i = 0; i < x.Length; i++)
        {
            var at = indices.GetInt64(i);
            if (at < 0 || at >= y.Length)
            {
                throw new OperatorException($"index {at} is outside the output of {y.Length} elements");
            }
            y.CopyElement(x, i, (int)at);
        }
        if (Optional(inputs, 2) is not { } outputShape)
        {
            return [y];
        }
        var padded = Tensor.Zeros(x.DataType, ReferenceMath.ToShape(outputShape.ToInt64Array()));
        if (padded.Rank != y.Rank || padded.Shape.Where((d, i) => d < shape[i]).Any())
        {
            throw new OperatorException($"output_shape {Shapes.Format(padded.Shape)} is smaller than the unpooled {Shapes.Format(shape)}");
        }
        var strides = Shapes.Strides(padded.Shape);
        var coordinates = new int[y.Rank];
        for (var i = 0; i < y.Length; i++)
        {
            ReferenceMath.Unravel(i, shape, coordinates);
            padded.CopyElement(y, i, coordinates.Select((c, d) => c * strides[d]).Sum());
        }
        return [padded];
    }
}
