using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX MatMulInteger (opset 10): numpy matmul of int8/uint8 tensors less their zero points, in int32.</summary>
/// <remarks>Y[..., i, j] = sum_k (A[..., i, k] - a_zero_point[i]) * (B[..., k, j] - b_zero_point[j]); zero points per tensor, per row of A or per column of B.</remarks>
public sealed class MatMulIntegerOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "MatMulInteger";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <summary>Zero points configure the kernel: exported models carry them as initializers.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 2 or 3;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = Required(inputs, 0, "A");
        var b = Required(inputs, 1, "B");
        Quantization.RequireEightBit(a, "A");
        Quantization.RequireEightBit(b, "B");
        Quantization.RequireSameType(Optional(inputs, 2), a.ElementType, "A");
        Quantization.RequireSameType(Optional(inputs, 3), b.ElementType, "B");
        return [new TensorType(DataType.Int32, a.Shape is null || b.Shape is null ? null : MatMulOperator.OutputShape(a.Shape, b.Shape))];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [IntegerProducts.MatMul(Required(inputs, 0, "A"), Quantization.ZeroPoints(Optional(inputs, 2), 1),
            Required(inputs, 1, "B"), Quantization.ZeroPoints(Optional(inputs, 3), 1))];
}
