using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// MaxPool and AveragePool (1-D and 2-D): one pass over the output, each window walked with unsigned bounds tests
/// (padding and ceil_mode overhang are skipped), the average divided by the in-bounds count or, with
/// count_include_pad, the window clipped to the padded input.
/// </summary>
internal sealed class PoolKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["MaxPool", "AveragePool"];

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        if (x.ElementType != DataType.Float32)
        {
            return $"input is {x.ElementType}; kernels handle float32";
        }
        if (x.Shape is not { Length: 3 or 4 })
        {
            return "only 1-D and 2-D pooling is lowered";
        }
        if (node.Outputs.Skip(1).Any(o => o is not null))
        {
            return "the Indices output is not supported";
        }
        return ElementwiseChain.Unsupported(ChainStep.Epilogue(node));
    }

    public void Emit(Node node, LoweringContext context, KernelWriter w)
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
        w.I32(y).Set(dst);
        w.For(plane, 0, planes, 1, () =>
        {
            w.I32(x).Get(plane).I32(h * width * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(src);
            w.For(oy, 0, oh, 1, () => w.For(ox, 0, ow, 1, () =>
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
                var result = acc;
                if (inTile && node.Epilogue.Count > 0)
                {
                    result = ElementwiseChain.ApplyEpilogueInTile(context, w, node, 1, acc, dst);
                }
                w.Get(dst).Get(result).Store(1).Increment(dst, 4);
            }));
        });
        if (!inTile)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }

    /// <summary>Pushes the window length along one dimension clipped to [start, size + padEnd): (end - start + d - 1) / d.</summary>
    private static void PushPaddedCount(KernelWriter w, uint o, int stride, int padBegin, int kernel, int dilation, int paddedEnd)
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
