namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceLogSum: the log of the sum over the given axes (all when none).</summary>
public sealed class ReduceLogSumOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceLogSum";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => Math.Log(values.Sum());
}
