namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceMin: the minimum over the given axes (all when none).</summary>
public sealed class ReduceMinOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceMin";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Count == 0 ? double.PositiveInfinity : values.Min();
}
