namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ArgMax: the int64 index of the largest element along an axis (first on ties unless select_last_index).</summary>
public sealed class ArgMaxOperator : ArgReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ArgMax";

    /// <inheritdoc/>
    public override bool SelectsMaximum => true;
}
