namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceSum: the sum over the given axes (all when none).</summary>
public sealed class ReduceSumOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceSum";

    /// <inheritdoc/>
    protected override int AxesInputSince => 13;

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Sum();
}
