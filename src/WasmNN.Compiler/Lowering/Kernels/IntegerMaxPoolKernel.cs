using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// 2-D MaxPool of int8/uint8 tensors (what FuseQuantizedOperators leaves of DequantizeLinear -> MaxPool ->
/// QuantizeLinear, so a quantized network's stem stays 8-bit): outputs whose window lies inside the input go 16 per
/// <c>i8x16.max</c> at strides 1 and 2 (stride 2: the even bytes of two overlapping loads), the last 16 of a row
/// overlapping the step before; the border walks each window with unsigned bounds tests.
/// </summary>
internal sealed class IntegerMaxPoolKernel : IKernelLowering
{
    private const int Lanes = 16;

    /// <summary>Even bytes of [load(b), load(b + 15)]: bytes b, b+2, ..., b+30, so the second load ends where the window's last tap does.</summary>
    private static readonly byte[] s_evenBytes = [0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31];

    public IEnumerable<string> OpTypes => ["MaxPool"];

    /// <summary>True for the nodes this kernel lowers: 8-bit, 2-D, without the Indices output or an epilogue.</summary>
    public static bool Handles(Node node) =>
        node.OpType == "MaxPool" && node.Inputs[0]!.ElementType is DataType.Int8 or DataType.UInt8 && node.Inputs[0]!.Shape is { Length: 4 }
        && node.Outputs.Skip(1).All(o => o is null) && node.Epilogue.Count == 0;

    public bool Covers(Node node) => Handles(node);

    public string? Unsupported(Node node) => null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var xShape = node.Inputs[0]!.Shape!;
        var g = PoolOperator.Geometry(node.GetAttributes<PoolAttributes>(), xShape);
        var signed = node.Inputs[0]!.ElementType == DataType.Int8;
        int h = xShape[2], width = xShape[3];
        int kh = g.Kernel[0], kw = g.Kernel[1], sh = g.Strides[0], sw = g.Strides[1], dh = g.Dilations[0], dw = g.Dilations[1];
        int pt = g.PadBegin[0], pl = g.PadBegin[1], oh = g.Output[0], ow = g.Output[1];
        var (oyLo, oyHi) = PoolKernel.FullWindowRange(oh, sh, pt, kh, dh, h);
        var (oxLo, oxHi) = PoolKernel.FullWindowRange(ow, sw, pl, kw, dw, width);
        var vector = context.Options.Simd && sw is 1 or 2 && oxHi - oxLo >= Lanes;
        var vectorEnd = vector ? oxLo + ((oxHi - oxLo) / Lanes * Lanes) : oxLo;
        var (plane, oy, ox, i, j, iy, ix) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var (acc, value, src, dst, window) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var maxima = w.Local(ValueType.V128);
        var load = signed ? Opcode.I32Load8S : Opcode.I32Load8U;
        var (x, y) = (context.Address(node.Inputs[0]!), context.Address(node.Outputs[0]!));
        w.For(plane, 0, xShape[0] * xShape[1], 1, () =>
        {
            w.Get(plane).I32(h * width).Op(Opcode.I32Mul).I32(x).Op(Opcode.I32Add).Set(src);
            void Row(Action columns)
            {
                // dst = the output row (plane, oy).
                w.Get(plane).I32(oh).Op(Opcode.I32Mul).Get(oy).Op(Opcode.I32Add).I32(ow).Op(Opcode.I32Mul).I32(y).Op(Opcode.I32Add).Set(dst);
                columns();
            }
            w.For(oy, 0, oyLo, 1, () => Row(() => w.For(ox, 0, ow, 1, BorderOutput)));
            w.For(oy, oyLo, oyHi, 1, () => Row(() =>
            {
                w.For(ox, 0, oxLo, 1, BorderOutput);
                w.For(ox, oxLo, vectorEnd, Lanes, InteriorVector);
                if (vector && vectorEnd < oxHi)
                {
                    // The row's last 16 interior outputs, overlapping the step before (same values written twice).
                    w.I32(oxHi - Lanes).Set(ox);
                    InteriorVector();
                }
                w.For(ox, vector ? oxHi : vectorEnd, oxHi, 1, InteriorScalar);
                w.For(ox, oxHi, ow, 1, BorderOutput);
            }));
            w.For(oy, oyHi, oh, 1, () => Row(() => w.For(ox, 0, ow, 1, BorderOutput)));
        });

        // window = src + (oy*sh - pt)*W + ox*sw - pl: the top-left tap of output (oy, ox).
        void SetWindow() => w.Get(src).Get(oy).I32(sh * width).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(ox).I32(sw).Op(Opcode.I32Mul).Op(Opcode.I32Add)
            .I32((-pt * width) - pl).Op(Opcode.I32Add).Set(window);

        // acc = max(acc, the i32 on the stack).
        void MaxIntoAcc()
        {
            w.Set(value);
            w.Get(acc).Get(value).Get(acc).Get(value).Op(signed ? Opcode.I32GtS : Opcode.I32GtU).Op(Opcode.Select).Set(acc);
        }

        void InteriorVector()
        {
            SetWindow();
            for (var ki = 0; ki < kh; ki++)
            {
                for (var kj = 0; kj < kw; kj++)
                {
                    var offset = (uint)((ki * dh * width) + (kj * dw));
                    w.Get(window).Memory(Opcode.V128Load, offset);
                    if (sw == 2)
                    {
                        w.Get(window).Memory(Opcode.V128Load, offset + Lanes - 1);
                        w.Code.I8x16Shuffle(s_evenBytes);
                    }
                    if (ki + kj > 0)
                    {
                        w.Get(maxima).Op(signed ? Opcode.I8x16MaxS : Opcode.I8x16MaxU);
                    }
                    w.Set(maxima);
                }
            }
            w.Get(dst).Get(ox).Op(Opcode.I32Add).Get(maxima).Memory(Opcode.V128Store);
        }

        void InteriorScalar()
        {
            SetWindow();
            for (var ki = 0; ki < kh; ki++)
            {
                for (var kj = 0; kj < kw; kj++)
                {
                    w.Get(window).Memory(load, (uint)((ki * dh * width) + (kj * dw)));
                    if (ki + kj == 0)
                    {
                        w.Set(acc);
                    }
                    else
                    {
                        MaxIntoAcc();
                    }
                }
            }
            w.Get(dst).Get(ox).Op(Opcode.I32Add).Get(acc).Memory(Opcode.I32Store8);
        }

        // One output whose window may reach into the padding or past the input (ceil_mode): padding never wins.
        void BorderOutput()
        {
            w.I32(signed ? sbyte.MinValue : 0).Set(acc);
            w.For(i, 0, kh, 1, () =>
            {
                w.Get(oy).I32(sh).Op(Opcode.I32Mul).I32(-pt).Op(Opcode.I32Add).Get(i).I32(dh).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(iy);
                w.Get(iy).I32(h).Op(Opcode.I32LtU).Code.If(BlockType.Empty);
                w.For(j, 0, kw, 1, () =>
                {
                    w.Get(ox).I32(sw).Op(Opcode.I32Mul).I32(-pl).Op(Opcode.I32Add).Get(j).I32(dw).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(ix);
                    w.Get(ix).I32(width).Op(Opcode.I32LtU).Code.If(BlockType.Empty);
                    w.Get(src).Get(iy).I32(width).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(ix).Op(Opcode.I32Add).Memory(load);
                    MaxIntoAcc();
                    w.Code.End();
                });
                w.Code.End();
            });
            w.Get(dst).Get(ox).Op(Opcode.I32Add).Get(acc).Memory(Opcode.I32Store8);
        }
    }
}
