using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX GlobalMaxPool: maximum over all spatial positions of each channel.</summary>
public sealed class GlobalMaxPoolOperator : GlobalPoolOperator
{
    /// <inheritdoc/>
    public override string OpType => "GlobalMaxPool";

    /// <inheritdoc/>
    protected override double Reduce(OperatorAttributes attributes, ReadOnlySpan<double> plane)
    {
        var max = double.NegativeInfinity;
        foreach (var v in plane)
        {
            max = Math.Max(max, v);
        }
        return max;
    }
}
