using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Sum: elementwise sum of any number of inputs.</summary>
public sealed class SumOperator : VariadicBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Sum";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a + b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a + b;
}
