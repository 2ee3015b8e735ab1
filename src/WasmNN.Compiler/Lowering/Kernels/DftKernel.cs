using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// DFT on float32 or float64 by the direct sum, in double: each output frequency k walks the signal with the twiddle
/// index j = k n mod L kept incrementally (no multiply that could overflow), reading cos and sin from a table of the
/// L twiddle factors placed as data (<see cref="DftOperator.Twiddles"/>). O(L^2) per signal: meant for the short
/// transforms of audio front ends, not for long FFTs.
/// </summary>
internal sealed class DftKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["DFT"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType is not (DataType.Float32 or DataType.Float64) ? $"input is {node.Inputs[0]!.ElementType}; the kernel handles float32 and float64"
        : node.Epilogue.Count > 0 ? "a fused epilogue is not supported" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<DftAttributes>();
        var x = node.Inputs[0]!;
        var g = DftOperator.Geometry(a, x.Shape!, ReferenceMath.ConstantInts(node.Inputs.Count > 1 ? node.Inputs[1] : null)?.Single());
        var twiddles = context.AddBytes($"dft-twiddles/{g.Length}", MemoryMarshal.AsBytes(DftOperator.Twiddles(g.Length).AsSpan()).ToArray());
        var (source, destination) = (context.Address(x), context.Address(node.Outputs[0]!));
        var isDouble = x.ElementType == DataType.Float64;
        var size = isDouble ? 8 : 4;
        var (n, j, at, table) = (w.Local(), w.Local(), w.Local(), w.Local());
        var (re, im, xr, xi, c, s) = (w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64));
        void Load(uint offset)
        {
            w.Get(at).Memory(isDouble ? Opcode.F64Load : Opcode.F32Load, offset);
            if (!isDouble)
            {
                w.Op(Opcode.F64PromoteF32);
            }
        }
        KernelLoops.Nest(w, [g.Outer, g.Inner, g.Frequencies], counters =>
        {
            var (o, i, k) = (counters[0], counters[1], counters[2]);
            w.F64(0).Set(re).F64(0).Set(im).I32(0).Set(j);
            w.For(n, 0, Math.Min(g.Size, g.Length), 1, () =>
            {
                KernelLoops.PushAddress(w, source, [o, n, i], [g.Size * g.Inner * g.Components * size, g.Inner * g.Components * size, g.Components * size]);
                w.Set(at);
                Load(0);
                w.Set(xr);
                if (g.Components == 2)
                {
                    Load((uint)size);
                }
                else
                {
                    w.F64(0);
                }
                w.Set(xi);
                w.Get(j).I32(16).Op(Opcode.I32Mul).I32(twiddles).Op(Opcode.I32Add).Set(table);
                w.Get(table).Memory(Opcode.F64Load).Set(c);
                w.Get(table).Memory(Opcode.F64Load, 8);
                if (!a.Inverse)
                {
                    w.Op(Opcode.F64Neg);
                }
                w.Set(s);
                // (xr + i xi)(c + i s)
                w.Get(re).Get(xr).Get(c).Op(Opcode.F64Mul).Get(xi).Get(s).Op(Opcode.F64Mul).Op(Opcode.F64Sub).Op(Opcode.F64Add).Set(re);
                w.Get(im).Get(xr).Get(s).Op(Opcode.F64Mul).Get(xi).Get(c).Op(Opcode.F64Mul).Op(Opcode.F64Add).Op(Opcode.F64Add).Set(im);
                // j = (j + k) mod L, with k < L.
                w.Get(j).Get(k).Op(Opcode.I32Add).Set(j);
                w.If(() => w.Get(j).I32(g.Length).Op(Opcode.I32GeU), () => w.Get(j).I32(g.Length).Op(Opcode.I32Sub).Set(j));
            });
            foreach (var (part, offset) in new[] { (re, 0u), (im, (uint)size) })
            {
                KernelLoops.PushAddress(w, destination, [o, k, i], [g.Frequencies * g.Inner * 2 * size, g.Inner * 2 * size, 2 * size]);
                w.Get(part);
                if (a.Inverse)
                {
                    w.F64(g.Length).Op(Opcode.F64Div);
                }
                if (!isDouble)
                {
                    w.Op(Opcode.F32DemoteF64);
                }
                w.Memory(isDouble ? Opcode.F64Store : Opcode.F32Store, offset);
            }
        });
    }
}
