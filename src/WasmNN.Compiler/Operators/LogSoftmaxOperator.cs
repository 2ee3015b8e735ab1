namespace WasmNN.Compiler.Operators;

/// <summary>ONNX LogSoftmax along an axis.</summary>
/// <remarks>y_i = x_i - max - log(sum_j exp(x_j - max))</remarks>
public sealed class LogSoftmaxOperator : SoftmaxBase
{
    /// <inheritdoc/>
    public override string OpType => "LogSoftmax";

    /// <inheritdoc/>
    protected override double Normalize(double x, double max, double sumExp) => x - max - Math.Log(sumExp);
}
