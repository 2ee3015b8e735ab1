namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceMax: the maximum over the given axes (all when none).</summary>
public sealed class ReduceMaxOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceMax";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Count == 0 ? double.NegativeInfinity : values.Max();
}
