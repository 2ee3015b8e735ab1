using WasmNN.CodeGen;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Tile: output index i along a dimension reads input index i mod d (repeats follow from the static shapes).</summary>
internal sealed class TileKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Tile"];

    public string? Unsupported(Node node) =>
        InjectiveKernels.UnsupportedElement(node.Inputs[0]!) ?? InjectiveKernels.UnsupportedElement(node.Outputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var strides = Shapes.Strides(x.Shape!);
        var maps = y.Shape!.Select((size, d) => x.Shape![d] == size
            ? DimensionMap.Affine(0, strides[d])
            : DimensionMap.Lookup([.. Enumerable.Range(0, size).Select(i => i % x.Shape![d] * strides[d])])).ToArray();
        IndexMapEmitter.Emit(context, w, node.Name, x.ElementType.ByteSize(), context.Address(x), context.Address(y), y.Shape!,
            new int[y.Shape!.Length], y.Shape!, maps);
    }
}
