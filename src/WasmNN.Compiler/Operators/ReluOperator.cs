using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Relu: rectified linear unit.</summary>
/// <remarks>y = max(x, 0)</remarks>
public sealed class ReluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Relu";

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        return Math.Max(x, 0);
    }

    /// <inheritdoc/>
    protected override bool AcceptsIntegers => true;

    /// <inheritdoc/>
    public override long ApplyInteger(OperatorAttributes attributes, long x) => Math.Max(x, 0);
}
