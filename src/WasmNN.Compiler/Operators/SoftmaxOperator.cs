namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Softmax along an axis.</summary>
/// <remarks>y_i = exp(x_i - max) / sum_j exp(x_j - max)</remarks>
public sealed class SoftmaxOperator : SoftmaxBase
{
    /// <inheritdoc/>
    public override string OpType => "Softmax";

    /// <inheritdoc/>
    protected override double Normalize(double x, double max, double sumExp) => Math.Exp(x - max) / sumExp;
}
