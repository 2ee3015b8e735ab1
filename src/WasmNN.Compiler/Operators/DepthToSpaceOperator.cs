using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of DepthToSpace.</summary>
/// <param name="BlockSize">The spatial block edge.</param>
/// <param name="ColumnRowDepth">CRD mode (opset 11); false for the default DCR.</param>
public sealed record DepthToSpaceAttributes(int BlockSize, bool ColumnRowDepth) : OperatorAttributes;

/// <summary>ONNX DepthToSpace: channel blocks become blocksize x blocksize spatial tiles (pixel shuffle).</summary>
public sealed class DepthToSpaceOperator : BlockRearrangementOperator
{
    /// <inheritdoc/>
    public override string OpType => "DepthToSpace";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var mode = attributes.GetString("mode", "DCR");
        return mode is "DCR" or "CRD"
            ? new DepthToSpaceAttributes(BlockSize(attributes), mode == "CRD")
            : throw new OperatorException($"unknown DepthToSpace mode '{mode}'");
    }

    /// <inheritdoc/>
    public override BlockRearrangement Layout(OperatorAttributes attributes, int[] shape)
    {
        var a = As<DepthToSpaceAttributes>(attributes);
        return BlockRearrangement.DepthToSpace(shape, a.BlockSize, a.ColumnRowDepth);
    }
}
