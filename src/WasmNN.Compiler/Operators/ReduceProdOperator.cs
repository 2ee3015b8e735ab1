namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceProd: the product over the given axes (all when none).</summary>
public sealed class ReduceProdOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceProd";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Aggregate(1.0, (p, v) => p * v);
}
