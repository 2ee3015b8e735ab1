namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceLogSumExp: the log of the sum of exponentials over the given axes (all when none).</summary>
public sealed class ReduceLogSumExpOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceLogSumExp";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => Math.Log(values.Sum(Math.Exp));
}
