using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Div: elementwise division with broadcasting (integers truncate toward zero).</summary>
/// <remarks>C = A / B</remarks>
public sealed class DivOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Div";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a / b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => b == 0 ? throw new OperatorException("integer division by zero") : a / b;
}
