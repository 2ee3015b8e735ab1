using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX GlobalAveragePool: mean over all spatial positions of each channel.</summary>
public sealed class GlobalAveragePoolOperator : GlobalPoolOperator
{
    /// <inheritdoc/>
    public override string OpType => "GlobalAveragePool";

    /// <inheritdoc/>
    protected override double Reduce(OperatorAttributes attributes, ReadOnlySpan<double> plane)
    {
        var sum = 0.0;
        foreach (var v in plane)
        {
            sum += v;
        }
        return sum / plane.Length;
    }
}
