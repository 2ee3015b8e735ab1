using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// MaxPool and AveragePool (1-D and 2-D): one pass over the output. Outputs whose window lies inside the input take
/// a branch-free path, four outputs per f32x4 for strides 1 and 2; the border (padding, ceil_mode overhang) walks
/// each window with unsigned bounds tests, the average divided by the in-bounds count or, with count_include_pad,
/// the window clipped to the padded input. Other ranks, MaxPool's Indices and other dtypes go to
/// <see cref="WindowPoolKernel"/>.
/// </summary>
internal sealed class PoolKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["MaxPool", "AveragePool"];

    /// <summary>True for the nodes this kernel lowers: float32, 1-D or 2-D, without MaxPool's Indices output.</summary>
    public static bool Handles(Node node) =>
        node.Inputs[0]!.ElementType == DataType.Float32 && node.Inputs[0]!.Shape is { Length: 3 or 4 } && node.Outputs.Skip(1).All(o => o is null);

    public bool Covers(Node node) => Handles(node);

    public string? Unsupported(Node node) => ElementwiseChain.Unsupported(ChainStep.Epilogue(node));

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<PoolAttributes>();
        var xShape = node.Inputs[0]!.Shape!;
        var g = PoolOperator.Geometry(a, xShape);
        var isMax = node.OpType == "MaxPool";
        int D(int[] v, int i, int fill) => v.Length == 2 ? v[i] : i == 0 ? fill : v[0];
        int h = xShape.Length == 4 ? xShape[2] : 1, width = xShape[^1];
        int kh = D(g.Kernel, 0, 1), kw = D(g.Kernel, 1, 1), sh = D(g.Strides, 0, 1), sw = D(g.Strides, 1, 1);
        int dh = D(g.Dilations, 0, 1), dw = D(g.Dilations, 1, 1), pt = D(g.PadBegin, 0, 0), pl = D(g.PadBegin, 1, 0);
        int pb = D(g.PadEnd, 0, 0), pr = D(g.PadEnd, 1, 0), oh = D(g.Output, 0, 1), ow = D(g.Output, 1, 1);
        var planes = xShape[0] * xShape[1];
        var x = context.Address(node.Inputs[0]!);
        var y = context.Address(node.Outputs[0]!);
        var inTile = ElementwiseChain.FitsTile(node);
        var plane = w.Local(ValueType.I32);
        var oy = w.Local(ValueType.I32);
        var ox = w.Local(ValueType.I32);
        var i = w.Local(ValueType.I32);
        var j = w.Local(ValueType.I32);
        var iy = w.Local(ValueType.I32);
        var ix = w.Local(ValueType.I32);
        var count = w.Local(ValueType.I32);
        var acc = w.Local(ValueType.F32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var window = w.Local(ValueType.I32);
        // Outputs whose whole window lies inside the input need no bounds tests: rows [oyLo, oyHi), columns
        // [oxLo, oxHi); of those columns, [oxLo, vectorEnd) go four at a time when the stride is 1 or 2 (stride 2
        // reads one float past the window's last tap, so that float must be inside the row too).
        var (oyLo, oyHi) = FullWindowRange(oh, sh, pt, kh, dh, h);
        var (oxLo, oxHi) = FullWindowRange(ow, sw, pl, kw, dw, width);
        var vectorLanes = context.Width == 4 && sw is 1 or 2 ? 4 : 1;
        var vectorEnd = oxLo;
        while (vectorLanes == 4 && vectorEnd + 4 <= oxHi && (vectorEnd + 3) * sw - pl + (kw - 1) * dw + (sw - 1) < width)
        {
            vectorEnd += 4;
        }
        var vectorAcc = w.VectorLocal(vectorLanes);
        w.I32(y).Set(dst);
        w.For(plane, 0, planes, 1, () =>
        {
            w.I32(x).Get(plane).I32(h * width * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(src);
            w.For(oy, 0, oyLo, 1, () => w.For(ox, 0, ow, 1, BorderOutput));
            w.For(oy, oyLo, oyHi, 1, () =>
            {
                w.For(ox, 0, oxLo, 1, BorderOutput);
                w.For(ox, oxLo, vectorEnd, 4, () => InteriorOutputs(4));
                w.For(ox, vectorEnd, oxHi, 1, () => InteriorOutputs(1));
                w.For(ox, oxHi, ow, 1, BorderOutput);
            });
            w.For(oy, oyHi, oh, 1, () => w.For(ox, 0, ow, 1, BorderOutput));
        });
        if (!inTile)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }

        // One output at (oy, ox) whose window may reach into padding or past the input (ceil_mode).
        void BorderOutput()
        {
            w.Constant(1, isMax ? float.NegativeInfinity : 0).Set(acc).I32(0).Set(count);
            w.For(i, 0, kh, 1, () =>
            {
                // iy = oy*sh - pt + i*dh; skip rows outside [0, h).
                w.Get(oy).I32(sh).Op(Opcode.I32Mul).I32(-pt).Op(Opcode.I32Add).Get(i).I32(dh).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(iy);
                w.Get(iy).I32(h).Op(Opcode.I32LtU).Code.If(Wasm.Instructions.BlockType.Empty);
                w.For(j, 0, kw, 1, () =>
                {
                    w.Get(ox).I32(sw).Op(Opcode.I32Mul).I32(-pl).Op(Opcode.I32Add).Get(j).I32(dw).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(ix);
                    w.Get(ix).I32(width).Op(Opcode.I32LtU).Code.If(Wasm.Instructions.BlockType.Empty);
                    w.Get(acc).Get(src).Get(iy).I32(width).Op(Opcode.I32Mul).Get(ix).Op(Opcode.I32Add).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Load(1);
                    if (isMax)
                    {
                        w.Max(1);
                    }
                    else
                    {
                        w.Add(1);
                    }
                    w.Set(acc).Increment(count, 1);
                    w.Code.End();
                });
                w.Code.End();
            });
            if (!isMax)
            {
                w.Get(acc);
                if (a.CountIncludePad)
                {
                    PushPaddedCount(w, oy, sh, pt, kh, dh, h + pb);
                    PushPaddedCount(w, ox, sw, pl, kw, dw, width + pr);
                    w.Op(Opcode.I32Mul);
                }
                else
                {
                    w.Get(count);
                }
                w.Op(Opcode.F32ConvertI32S).Div(1).Set(acc);
            }
            Store(1, acc);
        }

        // Outputs (oy, ox .. ox+lanes-1) whose windows lie inside the input: every tap is a load at a constant
        // offset from the window's corner, so the engine checks bounds once per run of loads.
        void InteriorOutputs(int lanes)
        {
            var value = lanes == 4 ? vectorAcc : acc;
            // window = src + ((oy*sh - pt)*W + ox*sw - pl)*4.
            w.Get(src).Get(oy).I32(sh * width * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(ox).I32(sw * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .I32((-pt * width - pl) * 4).Op(Opcode.I32Add).Set(window);
            for (var ki = 0; ki < kh; ki++)
            {
                for (var kj = 0; kj < kw; kj++)
                {
                    var offset = (uint)((ki * dh * width + kj * dw) * 4);
                    if (lanes == 4 && sw == 2)
                    {
                        // Taps of four outputs two floats apart: the even lanes of eight consecutive floats.
                        w.Get(window).Load(4, offset).Get(window).Load(4, offset + 16);
                        w.Code.I8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
                    }
                    else
                    {
                        w.Get(window).Load(lanes, offset);
                    }
                    if (ki + kj > 0)
                    {
                        if (isMax)
                        {
                            w.Max(lanes);
                        }
                        else
                        {
                            w.Add(lanes);
                        }
                    }
                }
            }
            if (!isMax)
            {
                // A full window: the count is kh*kw whether or not padding counts.
                w.Constant(lanes, kh * kw).Div(lanes);
            }
            w.Set(value);
            Store(lanes, value);
        }

        void Store(int lanes, uint value)
        {
            var result = value;
            if (inTile && node.Epilogue.Count > 0)
            {
                result = ElementwiseChain.ApplyEpilogueInTile(context, w, node, lanes, value, dst);
            }
            w.Get(dst).Get(result).Store(lanes).Increment(dst, 4 * lanes);
        }
    }

    /// <summary>Outputs o in [lo, hi) whose whole window o*stride - pad + [0, (kernel-1)*dilation] lies in [0, size).</summary>
    internal static (int Lo, int Hi) FullWindowRange(int outputs, int stride, int pad, int kernel, int dilation, int size)
    {
        var lo = 0;
        while (lo < outputs && lo * stride - pad < 0)
        {
            lo++;
        }
        var hi = lo;
        while (hi < outputs && hi * stride - pad + (kernel - 1) * dilation < size)
        {
            hi++;
        }
        return (lo, hi);
    }

    /// <summary>Pushes the window length along one dimension clipped to [start, size + padEnd): (end - start + d - 1) / d.</summary>
    public static void PushPaddedCount(FunctionBuilder w, uint o, int stride, int padBegin, int kernel, int dilation, int paddedEnd)
    {
        var start = w.Local(ValueType.I32);
        var end = w.Local(ValueType.I32);
        w.Get(o).I32(stride).Op(Opcode.I32Mul).I32(-padBegin).Op(Opcode.I32Add).Set(start);
        w.GetPlus(start, (kernel - 1) * dilation + 1).Set(end);
        // end = min(end, paddedEnd).
        w.Get(end).I32(paddedEnd).Get(end).I32(paddedEnd).Op(Opcode.I32LtS).Op(Opcode.Select).Set(end);
        w.Get(end).Get(start).Op(Opcode.I32Sub).I32(dilation - 1).Op(Opcode.I32Add).I32(dilation).Op(Opcode.I32DivS);
    }
}
