using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of SpaceToDepth.</summary>
/// <param name="BlockSize">The spatial block edge.</param>
public sealed record SpaceToDepthAttributes(int BlockSize) : OperatorAttributes;

/// <summary>ONNX SpaceToDepth: blocksize x blocksize spatial tiles become channel blocks.</summary>
public sealed class SpaceToDepthOperator : BlockRearrangementOperator
{
    /// <inheritdoc/>
    public override string OpType => "SpaceToDepth";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SpaceToDepthAttributes(BlockSize(attributes));

    /// <inheritdoc/>
    public override BlockRearrangement Layout(OperatorAttributes attributes, int[] shape) =>
        BlockRearrangement.SpaceToDepth(shape, As<SpaceToDepthAttributes>(attributes).BlockSize);
}
