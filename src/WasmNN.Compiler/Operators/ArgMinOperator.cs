namespace WasmNN.Compiler.Operators;

/// <summary>ONNX ArgMin: the int64 index of the smallest element along an axis (first on ties unless select_last_index).</summary>
public sealed class ArgMinOperator : ArgReduceBase
{
    /// <inheritdoc/>
    public override string OpType => "ArgMin";

    /// <inheritdoc/>
    public override bool SelectsMaximum => false;
}
