using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Reshape, Flatten, Squeeze, Unsqueeze, Identity and inference Dropout: the output is the input's bytes. The
/// memory planner makes it a view of the input's buffer; a copy is emitted only when that is impossible (a graph
/// output must own its buffer).
/// </summary>
internal sealed class ViewKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"];

    public string? Unsupported(Node node) =>
        node.Outputs.Skip(1).Any(o => o is not null) ? "a second output (mask) is not supported" : null;

    public Value? ViewSource(Node node) => node.Inputs[0];

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var source = context.Address(node.Inputs[0]!);
        var destination = context.Address(node.Outputs[0]!);
        if (source != destination)
        {
            w.Copy(() => w.I32(destination), () => w.I32(source), checked((int)PlanMemory.ByteSize(node.Outputs[0]!)));
        }
    }
}

/// <summary>Concat: for each outer index, each input's contiguous block copied to its place in the output.</summary>
internal sealed class ConcatKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Concat"];

    public string? Unsupported(Node node) => null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var output = node.Outputs[0]!;
        var rank = output.Shape!.Length;
        var axis = (int)node.GetAttributes<ConcatAttributes>().Axis;
        axis = axis < 0 ? axis + rank : axis;
        var outer = Shapes.ElementCount(output.Shape[..axis]);
        var elementBytes = output.ElementType.ByteSize();
        var outBlock = Shapes.ElementCount(output.Shape[axis..]) * elementBytes;
        var o = w.Local(ValueType.I32);
        var position = 0;
        foreach (var input in node.Inputs.OfType<Value>())
        {
            var block = Shapes.ElementCount(input.Shape![axis..]) * elementBytes;
            var source = context.Address(input);
            var destination = context.Address(output) + position;
            w.For(o, 0, outer, 1, () => w.Copy(
                () => w.Get(o).I32(outBlock).Op(Opcode.I32Mul).I32(destination).Op(Opcode.I32Add),
                () => w.Get(o).I32(block).Op(Opcode.I32Mul).I32(source).Op(Opcode.I32Add),
                block));
            position += block;
        }
    }
}
