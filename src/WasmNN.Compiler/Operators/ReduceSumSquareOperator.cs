namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceSumSquare: the sum of squares over the given axes (all when none).</summary>
public sealed class ReduceSumSquareOperator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceSumSquare";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => values.Sum(v => v * v);
}
