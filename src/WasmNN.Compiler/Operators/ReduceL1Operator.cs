namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceL1: the sum of absolute values over the given axes (all when none).</summary>
public sealed class ReduceL1Operator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceL1";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Sum(Math.Abs);
}
