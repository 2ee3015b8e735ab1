using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Split: each output is the input's slab along the axis that follows the previous outputs (part sizes from the static output shapes).</summary>
internal sealed class SplitKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Split"];

    public string? Unsupported(Node node) =>
        node.Outputs.OfType<Value>().Select(InjectiveKernels.UnsupportedElement).FirstOrDefault(r => r is not null)
        ?? InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var rank = x.Shape!.Length;
        var axis = Shapes.NormalizeAxis(node.GetAttributes<SplitAttributes>().Axis, rank);
        var strides = Shapes.Strides(x.Shape);
        var begin = 0;
        for (var k = 0; k < node.Outputs.Count; k++)
        {
            if (node.Outputs[k] is not { } part)
            {
                throw new UnsupportedOperatorException($"node '{node.Name}' (Split): output {k} is omitted; the part sizes must be known");
            }
            var start = begin;
            IndexMapEmitter.Emit(context, w, $"{node.Name}/{k}", x.ElementType.ByteSize(), context.Address(x), context.Address(part), part.Shape!,
                new int[rank], part.Shape!, [.. strides.Select((s, d) => DimensionMap.Affine(d == axis ? start * s : 0, s))]);
            begin += part.Shape![axis];
        }
    }
}
