using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX Xor: elementwise logical exclusive or of two bool tensors with broadcasting.</summary>
public sealed class XorOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "Xor";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    protected override bool ProducesBool => true;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        LogicalOperands.Check(OpType, inputs) ?? base.InferTypes(attributes, inputs);

    /// <inheritdoc/>
    public override double Apply(double a, double b) => ApplyInteger((long)a, (long)b);

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => (a != 0) != (b != 0) ? 1 : 0;
}
