using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Max: elementwise maximum of any number of inputs.</summary>
public sealed class MaxOperator : VariadicBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Max";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => Math.Max(a, b);

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => Math.Max(a, b);
}
