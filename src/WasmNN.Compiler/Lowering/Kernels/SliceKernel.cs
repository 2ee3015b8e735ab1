using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Slice with constant starts, ends, axes and steps (attributes before opset 10, constant inputs after); negative steps walk backwards.</summary>
internal sealed class SliceKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Slice"];

    public string? Unsupported(Node node) =>
        !SliceOperator.TryBounds(node.GetAttributes<SliceAttributes>(), node.Inputs, out _, out _, out _, out _)
            ? "starts, ends, axes and steps must be constants"
            : InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        SliceOperator.TryBounds(node.GetAttributes<SliceAttributes>(), node.Inputs, out var starts, out var ends, out var axes, out var steps);
        var plan = SliceOperator.Plan(x.Shape!, starts!, ends!, axes, steps);
        var strides = Shapes.Strides(x.Shape!);
        IndexMapEmitter.Emit(context, w, node.Name, x.ElementType.ByteSize(), context.Address(x), context.Address(y), y.Shape!,
            new int[plan.Length], [.. plan.Select(p => p.Count)], [.. plan.Select((p, d) => DimensionMap.Affine(p.Start * strides[d], p.Step * strides[d]))]);
    }
}
