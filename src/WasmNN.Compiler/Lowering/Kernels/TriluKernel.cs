using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Trilu on any element type: one pass over [batch, rows, columns] storing each element or a zero of its type by the
/// diagonal test of <see cref="TriluOperator.Keeps"/> (k is a compile-time constant). Causal masks built from
/// constants never get here: FoldConstants evaluates them.
/// </summary>
internal sealed class TriluKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Trilu"];

    public string? Unsupported(Node node) =>
        TriluOperator.Diagonal(node.Inputs) is null ? $"k '{node.Inputs[1]!.Name}' is not a compile-time constant"
        : node.Inputs[0]!.Shape is not { } shape || !Shapes.IsStatic(shape) ? $"'{node.Inputs[0]!.Name}' has no static shape" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var upper = ((TriluAttributes)node.Attributes).Upper;
        int rows = x.Shape![^2], columns = x.Shape![^1], size = x.ElementType.ByteSize();
        // Beyond +-(rows + columns) every k keeps all or nothing; clamping keeps the comparison in i32.
        var k = (int)Math.Clamp(TriluOperator.Diagonal(node.Inputs)!.Value, -(rows + columns), rows + columns);
        int[] dims = [Shapes.ElementCount(x.Shape) / Math.Max(1, rows * columns), rows, columns];
        int[] strides = [rows * columns * size, columns * size, size];
        var kind = ElementAccess.Kind(x.ElementType);
        KernelLoops.Nest(w, dims, counters =>
        {
            KernelLoops.PushAddress(w, context.Address(y), counters, strides);
            KernelLoops.PushAddress(w, context.Address(x), counters, strides);
            ElementAccess.Load(w, x.ElementType);
            ElementAccess.Constant(w, kind, 0);
            // column - row >= k (upper) or <= k (lower).
            w.Get(counters[2]).Get(counters[1]).Op(Opcode.I32Sub).I32(k).Op(upper ? Opcode.I32GeS : Opcode.I32LeS);
            w.Op(Opcode.Select);
            ElementAccess.Store(w, y.ElementType);
        });
    }
}
