using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Conv (1-D, 2-D and 3-D) as GEMM: Y[g](Mg x OH*OW) = W[g](Mg x Cg*kh*kw) . col, where col is X itself for a 1x1,
/// stride-1, unpadded conv and an im2col copy in scratch otherwise. The weights are packed at compile time and col
/// at run time (<see cref="GemmPacking"/>) so the micro-kernel reads both contiguously. Depthwise convs (one input
/// channel per group) take a direct kernel over a zero-padded plane instead. The bias and fused epilogue are
/// applied in the tile. A 3-D conv is laid out as a 2-D one over merged dimensions (H = D*H, kh = kd*kh, OH = OD*OH),
/// which the GEMM and its sizes only see as products; its im2col walks the volume (<see cref="EmitIm2ColVolume"/>).
/// In the threads build the GEMM form splits output columns (whole panels; im2col by input
/// channels before a barrier) and the depthwise form splits planes, each worker padding into its own scratch plane.
/// </summary>
internal sealed class ConvKernel : IParallelKernel
{
    /// <summary>Slack after scratch for vector loads that run one vector past a padded row.</summary>
    private const int Slack = 64;

    private sealed record Layout(int Batch, int C, int H, int W, int M, int Group, int Kh, int Kw, int Sh, int Sw, int Dh, int Dw,
        int Pt, int Pl, int Pb, int Pr, int Oh, int Ow)
    {
        public int Cg => C / Group;

        public int Mg => M / Group;

        public int K => Cg * Kh * Kw;

        /// <summary>The full geometry of a 3-D conv, whose 2-D fields above are merged; null for 1-D and 2-D.</summary>
        public VolumeLayout? Volume { get; init; }

        public bool IsDepthwise => Volume is null && Cg == 1 && Mg == 1 && Group > 1;

        public bool IsPointwise => Volume is { } v
            ? v.Geometry.Kernel.All(k => k == 1) && v.Geometry.Strides.All(k => k == 1) && v.Geometry.PadBegin.All(p => p == 0) && v.Geometry.PadEnd.All(p => p == 0)
            : Kh == 1 && Kw == 1 && Sh == 1 && Sw == 1 && Pt == 0 && Pl == 0 && Pb == 0 && Pr == 0;
    }

    /// <summary>A 3-D conv's spatial input dimensions and window geometry.</summary>
    private sealed record VolumeLayout(int[] Spatial, WindowGeometry Geometry);

    public IEnumerable<string> OpTypes => ["Conv"];

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        if (x.ElementType != DataType.Float32)
        {
            return $"input is {x.ElementType}; kernels handle float32";
        }
        if (x.Shape is not { Length: 3 or 4 or 5 })
        {
            return "only 1-D, 2-D and 3-D convolutions are lowered";
        }
        return ElementwiseChain.Unsupported(ChainStep.Epilogue(node));
    }

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        var l = LayoutOf(node);
        if (l.IsDepthwise)
        {
            return options.Threaded ? options.ScratchCopies * DepthwiseScratchBytes(l) : (long)(l.H + l.Pt + l.Pb) * (l.W + l.Pl + l.Pr) * 4 + Slack;
        }
        // The packed B, after the im2col matrix when there is one.
        var matrix = PlanMemory.AlignUp((long)l.K * l.Oh * l.Ow * 4);
        return l.IsPointwise ? matrix : 2 * matrix;
    }

    private static int DepthwiseScratchBytes(Layout l) => checked((int)PlanMemory.AlignUp((long)(l.H + l.Pt + l.Pb) * (l.W + l.Pl + l.Pr) * 4 + Slack));

    public long ParallelWork(Node node, LoweringOptions options)
    {
        var l = LayoutOf(node);
        // A 3-D conv's im2col walks the whole volume on every worker: it runs on worker 0 until that walk splits too.
        if (l.Volume is not null || (node.Epilogue.Count > 0 && !ElementwiseChain.FitsTile(node)))
        {
            return 0;
        }
        if (l.IsDepthwise)
        {
            // Per plane copies and edge loops: about a quarter of the GEMM's multiply-adds per second (measured on
            // V8, EfficientNet-B0's 3x3 depthwise layers), so each one counts for four.
            return l.Batch * l.C < 2 ? 0 : DepthwiseCost * l.Batch * l.C * l.Oh * l.Ow * l.Kh * l.Kw;
        }
        return SplitsRows(l, options.Width) || l.Oh * l.Ow >= 2 * GemmEmitter.Panels(options.Width)[0].Columns
            ? (long)l.Batch * l.M * l.Oh * l.Ow * l.K
            : 0;
    }

    /// <summary>Work units per depthwise multiply-add (see <see cref="ParallelWork"/>).</summary>
    private const int DepthwiseCost = 4;

    /// <summary>
    /// Whether the threads build splits this convolution's GEMM by output channels (blocks of four rows) rather
    /// than by output positions: late layers have a few positions (3 x 3, 7 x 7) and hundreds of channels, too few
    /// column panels to share evenly.
    /// </summary>
    private static bool SplitsRows(Layout l, int width) =>
        l.Volume is null && l.Mg >= 8 && l.Oh * l.Ow < RowSplitColumns * GemmEmitter.Panels(width)[0].Columns;

    /// <summary>Column panels below which the GEMM is split by rows (<see cref="SplitsRows"/>).</summary>
    private const int RowSplitColumns = 8;

    public void EmitParallel(Node node, LoweringContext context, FunctionBuilder w, WorkerShare share)
    {
        var l = LayoutOf(node);
        GemmEmitter.Epilogue? epilogue = node.Epilogue.Count > 0
            ? (kw, lanes, acc, address) => ElementwiseChain.ApplyEpilogueInTile(context, kw, node, lanes, acc, address)
            : null;
        if (l.IsDepthwise)
        {
            EmitDepthwise(node, context, w, l, epilogue, share);
        }
        else
        {
            EmitGemm(node, context, w, l, epilogue, share);
        }
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var l = LayoutOf(node);
        var inTile = ElementwiseChain.FitsTile(node);
        GemmEmitter.Epilogue? epilogue = inTile && node.Epilogue.Count > 0
            ? (kw, lanes, acc, address) => ElementwiseChain.ApplyEpilogueInTile(context, kw, node, lanes, acc, address)
            : null;
        if (l.IsDepthwise)
        {
            EmitDepthwise(node, context, w, l, epilogue);
        }
        else
        {
            EmitGemm(node, context, w, l, epilogue);
        }
        if (!inTile)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }

    private static Layout LayoutOf(Node node)
    {
        var a = node.GetAttributes<ConvAttributes>();
        var x = node.Inputs[0]!.Shape!;
        var wShape = node.Inputs[1]!.Shape!;
        var g = ConvOperator.Geometry(a, x, wShape);
        if (x.Length == 5)
        {
            return new Layout(x[0], x[1], x[2] * x[3], x[4], wShape[0], a.Group, g.Kernel[0] * g.Kernel[1], g.Kernel[2], 1, 1, 1, 1,
                0, 0, 0, 0, g.Output[0] * g.Output[1], g.Output[2]) { Volume = new VolumeLayout(x[2..], g) };
        }
        // 1-D is 2-D over a height of 1.
        int Dim(int[] values, int index2D, int fill) => values.Length == 2 ? values[index2D] : index2D == 0 ? fill : values[0];
        return new Layout(x[0], x[1], x.Length == 4 ? x[2] : 1, x[^1], wShape[0], a.Group,
            Dim(g.Kernel, 0, 1), Dim(g.Kernel, 1, 1), Dim(g.Strides, 0, 1), Dim(g.Strides, 1, 1), Dim(g.Dilations, 0, 1), Dim(g.Dilations, 1, 1),
            Dim(g.PadBegin, 0, 0), Dim(g.PadBegin, 1, 0), Dim(g.PadEnd, 0, 0), Dim(g.PadEnd, 1, 0), Dim(g.Output, 0, 1), Dim(g.Output, 1, 1));
    }

    private static void EmitGemm(Node node, LoweringContext context, FunctionBuilder w, Layout l, GemmEmitter.Epilogue? epilogue, WorkerShare? share = null)
    {
        var xAddress = context.Address(node.Inputs[0]!);
        var weights = node.Inputs[1]!;
        var wAddress = weights.Constant is { } constant
            ? context.AddWeights(weights.Name + "#rowpanels", constant.Length, () => GemmPacking.PackRowPanels(constant.ReadFloat32(), l.Group, l.Mg, l.K))
            : context.Address(weights);
        var yAddress = context.Address(node.Outputs[0]!);
        var bias = node.Inputs.ElementAtOrDefault(2);
        var n = l.Oh * l.Ow;
        var ldb = l.IsPointwise ? l.H * l.W : n;
        var packedB = context.ScratchAddress + (l.IsPointwise ? 0 : checked((int)PlanMemory.AlignUp((long)l.K * n * 4)));
        var shape = new GemmShape(l.Mg, n, l.K, l.K, n, n)
        {
            Bias = bias is null ? BiasKind.None : BiasKind.Row,
            BiasAddress = bias is null ? 0 : context.Address(bias),
            PackedA = weights.IsConstant,
            PackedB = true,
        };
        var a = w.Local(ValueType.I32);
        var b = w.Local(ValueType.I32);
        var c = w.Local(ValueType.I32);
        var packedBLocal = w.Local(ValueType.I32);
        w.I32(packedB).Set(packedBLocal);
        var batch = w.Local(ValueType.I32);
        var group = w.Local(ValueType.I32);
        var biasOffset = w.Local(ValueType.I32);
        var splitRows = share is not null && SplitsRows(l, context.Width);
        var grain = GemmEmitter.Panels(context.Width)[0].Columns;
        var slices = l.Batch * l.Group;
        var slice = w.Local(ValueType.I32);
        w.For(batch, 0, l.Batch, 1, () => w.For(group, 0, l.Group, 1, () =>
        {
            // Input slice of this batch and group.
            w.I32(xAddress).Get(batch).I32(l.C * l.H * l.W * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .Get(group).I32(l.Cg * l.H * l.W * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(b);
            if (share is not null)
            {
                // Each slice's phases have counters of their own (slice = batch * groups + group).
                w.Get(batch).I32(l.Group).Op(Opcode.I32Mul).Get(group).Op(Opcode.I32Add).Set(slice);
            }
            if (l.Volume is not null && !l.IsPointwise)
            {
                EmitIm2ColVolume(context, w, l, b);
                w.I32(context.ScratchAddress).Set(b);
            }
            else if (!l.IsPointwise)
            {
                if (share is null)
                {
                    EmitIm2Col(context, w, l, b, null);
                }
                else
                {
                    // Shared by input channels; the phase ends when all of im2col is written.
                    share.EmitChunks(w, context, l.Cg, 1, (begin, end) => EmitIm2Col(context, w, l, b, (begin, end)), slices, slice);
                }
                w.I32(context.ScratchAddress).Set(b);
            }
            w.I32(wAddress).Get(group).I32(l.Mg * l.K * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(a);
            w.I32(yAddress).Get(batch).I32(l.M * n * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .Get(group).I32(l.Mg * n * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(c);
            // Row bias of this group's first output channel.
            w.Get(group).I32(l.Mg * 4).Op(Opcode.I32Mul).Set(biasOffset);
            void Multiply((uint, uint)? columns, (uint, uint)? rows) =>
                GemmEmitter.Emit(w, context.Width, shape, a, packedBLocal, c, epilogue, biasOffset, context.Options.RelaxedSimd, columns, rows);
            if (share is null)
            {
                GemmPacking.EmitPackColumnPanels(w, context.Width, b, packedB, l.K, n, ldb);
                Multiply(null, null);
            }
            else if (splitRows)
            {
                // Packed by column panels, then multiplied by blocks of rows: every worker reads all of B.
                share.EmitChunks(w, context, n, grain, (begin, end) => GemmPacking.EmitPackColumnPanels(w, context.Width, b, packedB, l.K, n, ldb, (begin, end)), slices, slice);
                share.EmitChunks(w, context, l.Mg, 4, (begin, end) => Multiply(null, (begin, end)), slices, slice);
            }
            else
            {
                // A chunk packs its own column panels and multiplies them.
                share.EmitChunks(w, context, n, grain, (begin, end) =>
                {
                    GemmPacking.EmitPackColumnPanels(w, context.Width, b, packedB, l.K, n, ldb, (begin, end));
                    Multiply((begin, end), null);
                }, slices, slice);
            }
        }));
    }

    /// <summary>col[(c*kh + i)*kw + j, oh*OW + ow] = X[c, oh*sh - pt + i*dh, ow*sw - pl + j*dw] or 0 in the padding.</summary>
    private static void EmitIm2Col(LoweringContext context, FunctionBuilder w, Layout l, uint source, (uint Begin, uint End)? channels)
    {
        var channel = w.Local(ValueType.I32);
        var oh = w.Local(ValueType.I32);
        var ow = w.Local(ValueType.I32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var rowBytes = l.Ow * 4;
        var planeBytes = l.Oh * rowBytes;
        void ForChannels(Action body)
        {
            if (channels is { } range)
            {
                WorkerShare.ForClipped(w, channel, 0, l.Cg, 1, range.Begin, range.End, body);
            }
            else
            {
                w.For(channel, 0, l.Cg, 1, body);
            }
        }
        ForChannels(() =>
        {
            for (var i = 0; i < l.Kh; i++)
            {
                for (var j = 0; j < l.Kw; j++)
                {
                    var tap = i * l.Kw + j;
                    // Valid output ranges for this tap, known at compile time.
                    var (ohLo, ohHi) = KernelLoops.ValidRange(l.Oh, l.Sh, l.Pt - i * l.Dh, l.H);
                    var (owLo, owHi) = KernelLoops.ValidRange(l.Ow, l.Sw, l.Pl - j * l.Dw, l.W);
                    // dst = scratch + (channel*kh*kw + tap) * planeBytes.
                    w.Get(channel).I32(l.Kh * l.Kw * planeBytes).Op(Opcode.I32Mul).I32(context.ScratchAddress + tap * planeBytes).Op(Opcode.I32Add).Set(dst);
                    if (ohLo >= ohHi || owLo >= owHi)
                    {
                        w.Zero(() => w.Get(dst), planeBytes);
                        continue;
                    }
                    w.Zero(() => w.Get(dst), ohLo * rowBytes);
                    w.Zero(() => w.GetPlus(dst, ohHi * rowBytes), (l.Oh - ohHi) * rowBytes);
                    w.For(oh, ohLo, ohHi, 1, () =>
                    {
                        var rowDst = w.Local(ValueType.I32);
                        w.Get(dst).Get(oh).I32(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(rowDst);
                        w.Zero(() => w.Get(rowDst), owLo * 4);
                        w.Zero(() => w.GetPlus(rowDst, owHi * 4), (l.Ow - owHi) * 4);
                        // src = X[channel, oh*sh - pt + i*dh, owLo*sw - pl + j*dw].
                        w.Get(source).Get(channel).I32(l.H * l.W * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                            .Get(oh).I32(l.Sh * l.W * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                            .I32(((i * l.Dh - l.Pt) * l.W + owLo * l.Sw - l.Pl + j * l.Dw) * 4).Op(Opcode.I32Add).Set(src);
                        if (l.Sw == 1)
                        {
                            w.Copy(() => w.GetPlus(rowDst, owLo * 4), () => w.Get(src), (owHi - owLo) * 4);
                        }
                        else
                        {
                            w.GetPlus(rowDst, owLo * 4).Set(rowDst);
                            w.For(ow, owLo, owHi, 1, () =>
                            {
                                w.Get(rowDst).Get(src).Load(1).Store(1);
                                w.Increment(rowDst, 4).Increment(src, l.Sw * 4);
                            });
                        }
                    });
                }
            }
        });
    }

    /// <summary>
    /// col[c*taps + t, o] = X[c, o*stride - padBegin + tap*dilation] or 0 in the padding, for any number of spatial
    /// dimensions: per channel and tap (unrolled at compile time), one element per output position with a bounds test.
    /// </summary>
    private static void EmitIm2ColVolume(LoweringContext context, FunctionBuilder w, Layout l, uint source)
    {
        var (spatial, g) = (l.Volume!.Spatial, l.Volume.Geometry);
        var rank = spatial.Length;
        var strides = Shapes.Strides(spatial);
        var planeBytes = Shapes.ElementCount(spatial) * 4;
        var taps = Shapes.ElementCount(g.Kernel);
        var channel = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var inside = w.Local(ValueType.I32);
        w.I32(context.ScratchAddress).Set(dst);
        w.For(channel, 0, l.Cg, 1, () =>
        {
            for (var t = 0; t < taps; t++)
            {
                var tap = new int[rank];
                ReferenceMath.Unravel(t, g.Kernel, tap);
                // Position along d = o[d] * stride[d] + shift[d].
                var shifts = Enumerable.Range(0, rank).Select(d => tap[d] * g.Dilations[d] - g.PadBegin[d]).ToArray();
                var offset = Enumerable.Range(0, rank).Sum(d => shifts[d] * strides[d]) * 4;
                KernelLoops.Nest(w, g.Output, o =>
                {
                    w.I32(1);
                    for (var d = 0; d < rank; d++)
                    {
                        w.Get(o[d]).I32(g.Strides[d]).Op(Opcode.I32Mul).I32(shifts[d]).Op(Opcode.I32Add).I32(spatial[d]).Op(Opcode.I32LtU).Op(Opcode.I32And);
                    }
                    w.Set(inside);
                    w.If(() => w.Get(inside), () =>
                    {
                        w.Get(dst).Get(source).Get(channel).I32(planeBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                        for (var d = 0; d < rank; d++)
                        {
                            w.Get(o[d]).I32(g.Strides[d] * strides[d] * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                        }
                        w.I32(offset).Op(Opcode.I32Add).Load(1).Store(1);
                    }, () => w.Get(dst).Constant(1, 0).Store(1));
                    w.Increment(dst, 4);
                });
            }
        });
    }

    /// <summary>
    /// Depthwise: per channel, copy the plane into a zero-bordered scratch plane, then each output vector is the sum
    /// over taps of a splatted weight times four neighbouring (stride 1) or every-other (stride 2, one shuffle) inputs.
    /// </summary>
    private static void EmitDepthwise(Node node, LoweringContext context, FunctionBuilder w, Layout l, GemmEmitter.Epilogue? epilogue, WorkerShare? share = null)
    {
        var xAddress = context.Address(node.Inputs[0]!);
        var wAddress = context.Address(node.Inputs[1]!);
        var yAddress = context.Address(node.Outputs[0]!);
        var bias = node.Inputs.ElementAtOrDefault(2);
        var hp = l.H + l.Pt + l.Pb;
        var wp = l.W + l.Pl + l.Pr;
        var scratch = context.ScratchAddress;
        var plane = w.Local(ValueType.I32);
        var row = w.Local(ValueType.I32);
        var oh = w.Local(ValueType.I32);
        var ow = w.Local(ValueType.I32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var inRow = w.Local(ValueType.I32);
        var width = context.Width;
        var vectorizable = width == 4 && l.Sw is 1 or 2;
        var taps = l.Kh * l.Kw;
        // A worker pads into its own scratch plane; the one-thread kernel keeps the address a constant.
        var scratchLocal = share is null ? 0 : w.Local(ValueType.I32);
        void PushScratch(int offset)
        {
            if (share is null)
            {
                w.I32(scratch + offset);
            }
            else
            {
                w.Get(scratchLocal).I32(offset).Op(Opcode.I32Add);
            }
        }
        var planes = l.Batch * l.C;
        void ForPlanes(Action body)
        {
            if (share is null)
            {
                w.For(plane, 0, planes, 1, body);
                return;
            }
            w.Get(share.Worker).I32(DepthwiseScratchBytes(l)).Op(Opcode.I32Mul).I32(scratch).Op(Opcode.I32Add).Set(scratchLocal);
            share.EmitChunks(w, context, planes, 1, (begin, end) => WorkerShare.ForClipped(w, plane, 0, planes, 1, begin, end, body));
        }
        ForPlanes(() =>
        {
            // Padded copy of this plane.
            w.Zero(() => PushScratch(0), hp * wp * 4);
            w.I32(xAddress).Get(plane).I32(l.H * l.W * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(src);
            w.For(row, 0, l.H, 1, () =>
            {
                w.Copy(() => { w.Get(row).I32(wp * 4).Op(Opcode.I32Mul); PushScratch((l.Pt * wp + l.Pl) * 4); w.Op(Opcode.I32Add); }, () => w.Get(src), l.W * 4);
                w.Increment(src, l.W * 4);
            });
            // channel = plane % C: weights and bias address.
            var channelOffset = w.Local(ValueType.I32);
            w.Get(plane).I32(l.C).Op(Opcode.I32RemU).I32(4).Op(Opcode.I32Mul).Set(channelOffset);
            var tapLocals = new uint[taps];
            var tapLanes = vectorizable ? 4 : 1;
            for (var t = 0; t < taps; t++)
            {
                tapLocals[t] = w.VectorLocal(tapLanes);
                w.Get(channelOffset).I32(taps).Op(Opcode.I32Mul).LoadSplat(tapLanes, (uint)(wAddress + t * 4)).Set(tapLocals[t]);
            }
            var biasLocal = w.VectorLocal(tapLanes);
            if (bias is null)
            {
                w.Constant(tapLanes, 0).Set(biasLocal);
            }
            else
            {
                w.Get(channelOffset).LoadSplat(tapLanes, (uint)context.Address(bias)).Set(biasLocal);
            }
            w.I32(yAddress).Get(plane).I32(l.Oh * l.Ow * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(dst);
            w.For(oh, 0, l.Oh, 1, () =>
            {
                // inRow = scratch + oh*sh*wp*4.
                w.Get(oh).I32(l.Sh * wp * 4).Op(Opcode.I32Mul);
                PushScratch(0);
                w.Op(Opcode.I32Add).Set(inRow);
                var vectorEnd = vectorizable ? l.Ow / 4 * 4 : 0;
                w.For(ow, 0, vectorEnd, 4, () => Output(4));
                w.For(ow, vectorEnd, l.Ow, 1, () => Output(1));
            });

            void Output(int lanes)
            {
                var acc = w.VectorLocal(lanes);
                var address = w.Local(ValueType.I32);
                w.Get(biasLocal);
                if (lanes == 1 && tapLanes == 4)
                {
                    w.Code.Emit(Opcode.F32x4ExtractLane, 0);
                }
                w.Set(acc);
                // address = inRow + ow*sw*4.
                w.Get(inRow).Get(ow).I32(l.Sw * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(address);
                for (var i = 0; i < l.Kh; i++)
                {
                    for (var j = 0; j < l.Kw; j++)
                    {
                        var offset = (uint)((i * l.Dh * wp + j * l.Dw) * 4);
                        w.Get(acc).Get(tapLocals[i * l.Kw + j]);
                        if (lanes == 1 && tapLanes == 4)
                        {
                            w.Code.Emit(Opcode.F32x4ExtractLane, 0);
                        }
                        if (lanes == 4 && l.Sw == 2)
                        {
                            w.Get(address).Load(4, offset).Get(address).Load(4, offset + 16);
                            w.Code.I8x16Shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
                        }
                        else
                        {
                            w.Get(address).Load(lanes, offset);
                        }
                        w.Mul(lanes).Add(lanes).Set(acc);
                    }
                }
                var result = acc;
                var outAddress = w.Local(ValueType.I32);
                w.Get(dst).Get(oh).I32(l.Ow * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(ow).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(outAddress);
                if (epilogue is not null)
                {
                    result = epilogue(w, lanes, acc, outAddress);
                }
                w.Get(outAddress).Get(result).Store(lanes);
            }
        });
    }
}
