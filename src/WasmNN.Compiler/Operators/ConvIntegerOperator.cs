using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ConvInteger (opset 10): Conv of int8/uint8 tensors less their zero points, in int32 (1-D and 2-D).</summary>
/// <remarks>Y[n, m, y, x] = sum (X[...] - x_zero_point) * (W[m, ...] - w_zero_point[m]); padding holds x_zero_point, so adds nothing.</remarks>
public sealed class ConvIntegerOperator : OnnxOperator
{
    private static readonly ConvOperator s_conv = new();

    /// <inheritdoc/>
    public override string OpType => "ConvInteger";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => s_conv.ParseAttributes(attributes, opset);

    /// <summary>Zero points configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 2 or 3;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "x");
        var w = Required(inputs, 1, "w");
        Quantization.RequireEightBit(x, "x");
        Quantization.RequireEightBit(w, "w");
        Quantization.RequireSameType(Optional(inputs, 2), x.ElementType, "x");
        Quantization.RequireSameType(Optional(inputs, 3), w.ElementType, "w");
        return [new TensorType(DataType.Int32, OutputShape(As<ConvAttributes>(attributes), x, w))];
    }

    /// <summary>The output shape of an integer convolution, or null when an input's shape is unknown.</summary>
    internal static int[]? OutputShape(ConvAttributes a, Value x, Value w) =>
        x.Shape is null || w.Shape is null || x.Shape.Contains(-1) ? null : ConvolutionShape.Of(a, x.Shape, w.Shape).OutputShape(x.Shape.Length);

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [IntegerProducts.Convolution(As<ConvAttributes>(attributes), Required(inputs, 0, "x"), Quantization.ZeroPoints(Optional(inputs, 2), 1)[0],
            Required(inputs, 1, "w"), Quantization.ZeroPoints(Optional(inputs, 3), 1), bias: null)];
}
