using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// MaxUnpool: the output zeroed, then each input element copied to the position its index names in the default
/// unpooled shape (read at run time and clamped into it by <see cref="RuntimeIndex"/>); with a larger output_shape
/// that position's coordinates are rebased to the output's strides (zero padding at the ends). Any element type:
/// elements move as bytes.
/// </summary>
internal sealed class MaxUnpoolKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["MaxUnpool"];

    public string? Unsupported(Node node) =>
        IndexedKernels.UnsupportedShapes(node.Inputs[0]!, node.Inputs[1]!)
        ?? (Shapes.IsStatic(node.Outputs[0]!.Shape) ? null : "the output shape is not static")
        ?? (Shapes.ElementCount(node.Outputs[0]!.Shape!) == 0 && Shapes.ElementCount(node.Inputs[0]!.Shape!) > 0 ? "the output is empty" : null)
        ?? (MaxUnpoolOperator.DefaultShape(node.GetAttributes<MaxUnpoolAttributes>(), node.Inputs[0]!.Shape) is { } unpooled
            && (unpooled.Length != node.Outputs[0]!.Shape!.Length || node.Outputs[0]!.Shape!.Where((d, i) => d < unpooled[i]).Any())
            ? "output_shape has another rank or is smaller than the unpooled shape" : null);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (x, indices, output) = (node.Inputs[0]!, node.Inputs[1]!, node.Outputs[0]!);
        var bytes = x.ElementType.ByteSize();
        var destination = context.Address(output);
        w.Zero(() => w.I32(destination), checked((int)PlanMemory.ByteSize(output)));
        var unpooled = MaxUnpoolOperator.DefaultShape(node.GetAttributes<MaxUnpoolAttributes>(), x.Shape)!;
        var strides = Shapes.Strides(output.Shape!);
        var index = new RuntimeIndex(w, context.Address(indices), wide: true);
        var (position, flat) = (w.Local(), w.Local());
        w.For(position, 0, Shapes.ElementCount(x.Shape!), 1, () => w.Copy(
            () => RuntimeIndex.PushAddress(w, destination, () =>
            {
                index.Push(() => w.Get(position), Shapes.ElementCount(unpooled));
                if (Shapes.AreEqual(unpooled, output.Shape!))
                {
                    return;
                }
                // Unravel in the unpooled shape, ravel in the output's.
                w.Set(flat).I32(0);
                for (var d = unpooled.Length - 1; d >= 0; d--)
                {
                    w.Get(flat).I32(unpooled[d]).Op(Opcode.I32RemU).I32(strides[d]).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                    w.Get(flat).I32(unpooled[d]).Op(Opcode.I32DivU).Set(flat);
                }
            }, bytes),
            () => RuntimeIndex.PushAddress(w, context.Address(x), () => w.Get(position), bytes), bytes));
    }
}
