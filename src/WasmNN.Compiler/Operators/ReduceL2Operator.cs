namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ReduceL2: the Euclidean norm over the given axes (all when none).</summary>
public sealed class ReduceL2Operator : ReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ReduceL2";

    /// <inheritdoc/>
    protected override double Reduce(List<double> values) => Math.Sqrt(values.Sum(v => v * v));
}
