using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// ONNX Div: elementwise division with broadcasting. Integers truncate toward zero; where C would fault, the
/// result is defined as the wasm kernel computes it: x / 0 = 0 (numpy's result) and INT_MIN / -1 wraps.
/// </summary>
/// <remarks>C = A / B</remarks>
public sealed class DivOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Div";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a / b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => b switch { 0 => 0, -1 => unchecked(-a), _ => a / b };
}
