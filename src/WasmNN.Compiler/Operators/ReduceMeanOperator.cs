namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceMean: the mean over the given axes (all when none).</summary>
public sealed class ReduceMeanOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceMean";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Count == 0 ? double.NaN : values.Sum() / values.Count;
}
