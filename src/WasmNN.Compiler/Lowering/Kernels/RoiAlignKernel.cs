using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// RoiAlign on float32, in double as <see cref="RoiAlignOperator.Region"/> and <see cref="RoiAlignOperator.Sample"/>
/// define it: per region the start, bin size and samples per bin come from its run-time coordinates (a batch index
/// outside [0, N) is clamped, so no read leaves X), then every channel's bins average (or take the max of) their
/// bilinear samples, the sample loops running to the run-time grid size.
/// </summary>
internal sealed class RoiAlignKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["RoiAlign"];

    public string? Unsupported(Node node) => node.Epilogue.Count > 0 ? "a fused epilogue is not supported" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<RoiAlignAttributes>();
        var shape = node.Inputs[0]!.Shape!;
        var (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3]);
        var (x, rois, indices, y) = (context.Address(node.Inputs[0]!), context.Address(node.Inputs[1]!), context.Address(node.Inputs[2]!), context.Address(node.Outputs[0]!));
        var count = node.Inputs[1]!.Shape![0];
        uint F64() => w.Local(ValueType.F64);
        var (startY, startX, binHeight, binWidth, sampleY, sampleX, sum, value) = (F64(), F64(), F64(), F64(), F64(), F64(), F64(), F64());
        var (r, c, ph, pw, iy, ix, image, gridHeight, gridWidth, plane) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var corners = new BilinearCorners(w);
        w.For(r, 0, count, 1, () =>
        {
            // image = clamp(batch_indices[r], 0, N - 1)
            w.Get(r).I32(8).Op(Opcode.I32Mul).I32(indices).Op(Opcode.I32Add).Memory(Opcode.I64Load).Op(Opcode.I32WrapI64).Set(image);
            w.MaxI32(() => w.I32(0), () => w.MinI32(() => w.Get(image), () => w.I32(batch - 1))).Set(image);
            void Coordinate(int k) => w.Get(r).I32(16).Op(Opcode.I32Mul).I32(rois).Op(Opcode.I32Add).Memory(Opcode.F32Load, (uint)(4 * k))
                .Op(Opcode.F64PromoteF32).F64(a.SpatialScale).Op(Opcode.F64Mul).F64(a.HalfPixel ? 0.5 : 0).Op(Opcode.F64Sub);
            Coordinate(0);
            w.Set(startX);
            Coordinate(1);
            w.Set(startY);
            foreach (var (start, bin, k, pooled, grid) in new[] { (startX, binWidth, 2, a.OutputWidth, gridWidth), (startY, binHeight, 3, a.OutputHeight, gridHeight) })
            {
                Coordinate(k);
                w.Get(start).Op(Opcode.F64Sub);
                if (!a.HalfPixel)
                {
                    w.F64(1).Op(Opcode.F64Max);
                }
                w.F64(pooled).Op(Opcode.F64Div).Set(bin);
                if (a.SamplingRatio > 0)
                {
                    w.I32(a.SamplingRatio).Set(grid);
                }
                else
                {
                    w.Get(bin).Op(Opcode.F64Ceil).F64(0).Op(Opcode.F64Max).F64(64).Op(Opcode.F64Min).Op(Opcode.I32TruncSatF64S).Set(grid);
                }
            }
            w.For(c, 0, channels, 1, () =>
            {
                w.Get(image).I32(channels).Op(Opcode.I32Mul).Get(c).Op(Opcode.I32Add).I32(height * width * 4).Op(Opcode.I32Mul).I32(x).Op(Opcode.I32Add).Set(plane);
                w.For(ph, 0, a.OutputHeight, 1, () => w.For(pw, 0, a.OutputWidth, 1, () =>
                {
                    w.F64(a.Max ? double.NegativeInfinity : 0).Set(sum);
                    w.ForDynamic(iy, () => w.I32(0), () => w.Get(gridHeight), 1, () => w.ForDynamic(ix, () => w.I32(0), () => w.Get(gridWidth), 1, () =>
                    {
                        // start + p * bin + (i + 0.5) * bin / grid, per axis.
                        foreach (var (start, bin, p, i, grid, sample) in new[] { (startY, binHeight, ph, iy, gridHeight, sampleY), (startX, binWidth, pw, ix, gridWidth, sampleX) })
                        {
                            w.Get(start).Get(p).Op(Opcode.F64ConvertI32S).Get(bin).Op(Opcode.F64Mul).Op(Opcode.F64Add);
                            w.Get(i).Op(Opcode.F64ConvertI32S).F64(0.5).Op(Opcode.F64Add).Get(bin).Op(Opcode.F64Mul).Get(grid).Op(Opcode.F64ConvertI32S).Op(Opcode.F64Div)
                                .Op(Opcode.F64Add).Set(sample);
                        }
                        corners.Emit(sampleY, sampleX, height, width);
                        for (var k = 0; k < 4; k++)
                        {
                            w.Get(corners.Weight[k]).Get(plane).Get(corners.Offset[k]).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                                .Memory(Opcode.F32Load).Op(Opcode.F64PromoteF32).Op(Opcode.F64Mul);
                            if (a.Max)
                            {
                                if (k > 0)
                                {
                                    w.Get(value).Op(Opcode.F64Max);
                                }
                                w.Set(value);
                            }
                            else
                            {
                                w.Get(sum).Op(Opcode.F64Add).Set(sum);
                            }
                        }
                        if (a.Max)
                        {
                            w.Get(sum).Get(value).Op(Opcode.F64Max).Set(sum);
                        }
                    }));
                    KernelLoops.PushAddress(w, y, [r, c, ph, pw], [channels * a.OutputHeight * a.OutputWidth * 4, a.OutputHeight * a.OutputWidth * 4, a.OutputWidth * 4, 4]);
                    w.Get(sum);
                    if (a.Max)
                    {
                        // No samples (an empty grid) gives 0.
                        w.F64(0).Get(gridHeight).Get(gridWidth).Op(Opcode.I32Mul).Op(Opcode.Select);
                    }
                    else
                    {
                        // Divided by max(samples, 1).
                        w.Get(gridHeight).Get(gridWidth).Op(Opcode.I32Mul).I32(1).Get(gridHeight).Get(gridWidth).Op(Opcode.I32Mul)
                            .Op(Opcode.Select).Op(Opcode.F64ConvertI32S).Op(Opcode.F64Div);
                    }
                    w.Op(Opcode.F32DemoteF64).Memory(Opcode.F32Store);
                }));
            });
        });
    }

    /// <summary>The four corners (element offsets in a plane, and weights) of a bilinear sample, as <see cref="RoiAlignOperator.Sample"/>.</summary>
    private sealed class BilinearCorners(FunctionBuilder w)
    {
        private readonly uint _outside = w.Local();
        private readonly uint[] _low = [w.Local(), w.Local()];
        private readonly uint[] _high = [w.Local(), w.Local()];
        private readonly uint[] _fraction = [w.Local(ValueType.F64), w.Local(ValueType.F64)];
        private readonly uint _coordinate = w.Local(ValueType.F64);

        public uint[] Offset { get; } = [w.Local(), w.Local(), w.Local(), w.Local()];

        public uint[] Weight { get; } = [w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64)];

        public void Emit(uint sampleY, uint sampleX, int height, int width)
        {
            w.Get(sampleY).F64(-1).Op(Opcode.F64Lt).Get(sampleY).F64(height).Op(Opcode.F64Gt).Op(Opcode.I32Or)
                .Get(sampleX).F64(-1).Op(Opcode.F64Lt).Op(Opcode.I32Or).Get(sampleX).F64(width).Op(Opcode.F64Gt).Op(Opcode.I32Or).Set(_outside);
            foreach (var (axis, sample, size) in new[] { (0, sampleY, height), (1, sampleX, width) })
            {
                // v = max(v, 0); low = (int)v; at or past the last pixel: low = high = size - 1 and v = size - 1.
                w.Get(sample).F64(0).Op(Opcode.F64Max).Set(_coordinate);
                w.Get(_coordinate).Op(Opcode.I32TruncSatF64S).Set(_low[axis]);
                w.If(() => w.Get(_low[axis]).I32(size - 1).Op(Opcode.I32GeS), () =>
                {
                    w.I32(size - 1).Set(_low[axis]).I32(size - 1).Set(_high[axis]).F64(size - 1).Set(_coordinate);
                }, () => w.Get(_low[axis]).I32(1).Op(Opcode.I32Add).Set(_high[axis]));
                w.Get(_coordinate).Get(_low[axis]).Op(Opcode.F64ConvertI32S).Op(Opcode.F64Sub).Set(_fraction[axis]);
            }
            // Corners (low, low), (low, high), (high, low), (high, high) as (y, x).
            for (var k = 0; k < 4; k++)
            {
                var (rowHigh, columnHigh) = (k >= 2, k % 2 == 1);
                w.I32(0).Get(rowHigh ? _high[0] : _low[0]).I32(width).Op(Opcode.I32Mul).Get(columnHigh ? _high[1] : _low[1]).Op(Opcode.I32Add)
                    .Get(_outside).Op(Opcode.Select).Set(Offset[k]);
                w.F64(0);
                PushFactor(0, rowHigh);
                PushFactor(1, columnHigh);
                w.Op(Opcode.F64Mul).Get(_outside).Op(Opcode.Select).Set(Weight[k]);
            }
        }

        /// <summary>Pushes the fraction l (for the high corner) or 1 - l (for the low one) of an axis.</summary>
        private void PushFactor(int axis, bool high)
        {
            if (high)
            {
                w.Get(_fraction[axis]);
            }
            else
            {
                w.F64(1).Get(_fraction[axis]).Op(Opcode.F64Sub);
            }
        }
    }
}
