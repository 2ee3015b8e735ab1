using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Dropout in inference: output = input, mask all true.</summary>
/// <remarks>
/// Opset 12+ has ratio and training_mode inputs; a constant true training_mode is rejected, and so is one known only
/// at run time (a random mask cannot be compiled away).
/// </remarks>
public sealed class DropoutOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "Dropout";

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (Optional(inputs, 2) is { } trainingMode && (trainingMode.Constant is not { } training || training.GetDouble(0) != 0))
        {
            throw new UnsupportedOperatorException(trainingMode.IsConstant
                ? "Dropout with training_mode = true is not supported (inference only)"
                : $"Dropout with a run-time training_mode ('{trainingMode.Name}') is not supported (inference only)");
        }
        return [new TensorType(x.ElementType, x.Shape), new TensorType(DataType.Bool, x.Shape)];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var x = Required(inputs, 0, "data");
        if (Optional(inputs, 2) is { } training && training.GetDouble(0) != 0)
        {
            throw new UnsupportedOperatorException("Dropout with training_mode = true is not supported (inference only)");
        }
        var mask = new bool[x.Length];
        Array.Fill(mask, true);
        return [x, new Tensor(DataType.Bool, x.Shape, mask)];
    }
}
