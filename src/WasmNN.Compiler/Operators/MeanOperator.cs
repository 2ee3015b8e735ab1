using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Mean: elementwise mean of any number of inputs.</summary>
public sealed class MeanOperator : VariadicBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Mean";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a + b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a + b;

    /// <inheritdoc/>
    protected override Tensor Finish(Tensor folded, int inputCount) =>
        ReferenceMath.Map(folded, v => v / inputCount, null);
}
