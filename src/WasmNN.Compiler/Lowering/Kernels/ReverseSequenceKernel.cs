using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// ReverseSequence: one element per iteration, read from the same position with the time coordinate t replaced by
/// len - 1 - t while t &lt; len (len read at run time per batch entry and clamped to [0, T]). Any element type: elements
/// move as bytes.
/// </summary>
internal sealed class ReverseSequenceKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["ReverseSequence"];

    public string? Unsupported(Node node) => IndexedKernels.UnsupportedShapes(node.Inputs[0]!, node.Inputs[1]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<ReverseSequenceAttributes>();
        var x = node.Inputs[0]!;
        var shape = x.Shape!;
        var bytes = x.ElementType.ByteSize();
        var strides = Shapes.Strides(shape).Select(s => s * bytes).ToArray();
        var steps = shape[a.TimeAxis];
        var (length, source, time) = (w.Local(ValueType.I64), w.Local(ValueType.I32), w.Local(ValueType.I32));
        KernelLoops.Nest(w, shape, c =>
        {
            // length = clamp(sequence_lens[b], 0, T).
            w.Get(c[a.BatchAxis]).I32(8).Op(Opcode.I32Mul);
            w.Code.EmitMemArg(Opcode.I64Load, 3, (uint)context.Address(node.Inputs[1]!));
            w.Set(length);
            RuntimeIndex.Clamp(w, length, steps + 1);
            // time = t < length ? length - 1 - t : t.
            w.Get(length).Op(Opcode.I32WrapI64).I32(1).Op(Opcode.I32Sub).Get(c[a.TimeAxis]).Op(Opcode.I32Sub);
            w.Get(c[a.TimeAxis]);
            w.Get(c[a.TimeAxis]).Op(Opcode.I64ExtendI32U).Get(length).Op(Opcode.I64LtS).Op(Opcode.Select).Set(time);
            KernelLoops.PushAddress(w, context.Address(x), [.. c.Select((counter, d) => d == a.TimeAxis ? time : counter)], strides);
            w.Set(source);
            w.Copy(() => KernelLoops.PushAddress(w, context.Address(node.Outputs[0]!), c, strides), () => w.Get(source), bytes);
        });
    }
}
