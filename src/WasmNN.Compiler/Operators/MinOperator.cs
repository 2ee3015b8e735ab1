using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Min: elementwise minimum of any number of inputs.</summary>
public sealed class MinOperator : VariadicBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Min";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => Math.Min(a, b);

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => Math.Min(a, b);
}
