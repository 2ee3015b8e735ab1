using WasmNN.CodeGen;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Expand: numpy broadcasting of the input to the static output shape (stride 0 along repeated dimensions), then any fused epilogue over the output.</summary>
internal sealed class ExpandKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Expand"];

    public string? Unsupported(Node node) =>
        InjectiveKernels.UnsupportedElement(node.Inputs[0]!) ?? InjectiveKernels.UnsupportedElement(node.Outputs[0]!)
        ?? (node.Epilogue.Count > 0 && node.Outputs[0]!.ElementType != DataType.Float32 ? "a fused epilogue needs float32" : ElementwiseChain.Unsupported(ChainStep.Epilogue(node)));

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var strides = Shapes.BroadcastStrides(x.Shape!, y.Shape!);
        IndexMapEmitter.Emit(context, w, node.Name, x.ElementType.ByteSize(), context.Address(x), context.Address(y), y.Shape!,
            new int[y.Shape!.Length], y.Shape!, [.. strides.Select(s => DimensionMap.Affine(0, s))]);
        if (node.Epilogue.Count > 0)
        {
            ElementwiseKernel.EmitLoop(context, w, y, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }
}
