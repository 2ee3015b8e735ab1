using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The operands of the integer GEMM for an ungrouped convolution (<see cref="IntegerGemmEmitter"/>'s layout): k runs
/// tap-major, k = (i * Kw + j) * Cpad + c with the channels padded to even, so each int16 pair is one tap of two
/// neighbouring channel planes. The im2col then packs a tap's channel pair 8 output pixels per step like the 1x1
/// packing (two 8-byte loads widened less the zero point, two shuffles), stride 2 taking the even bytes of 16 loaded
/// values; pixels whose tap falls in the padding keep the zeroed buffer's 0, and the columns near a border that a
/// whole step would overrun go element by element. The sums are exact int32, so the order of k changes no bit.
/// </summary>
internal static class IntegerConvPacking
{
    private static readonly byte[] s_interleaveLow = [0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23];
    private static readonly byte[] s_interleaveHigh = [8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31];
    private static readonly byte[] s_evenBytes = [0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14];

    /// <summary>Pairs of k: taps times channel pairs, or with <see cref="PairsTaps"/> channels times rows times tap pairs.</summary>
    public static int Pairs(ConvolutionShape s) => PairsTaps(s) ? s.ChannelsPerGroup * s.Kh * TapPairs(s) : s.Kh * s.Kw * ChannelPairs(s);

    /// <summary>
    /// True for a stride-2 convolution of an odd channel count (a network's stem on RGB): its pairs are two
    /// horizontally neighbouring taps of one channel (an odd row's last paired with a zero weight) instead of two
    /// channels of one tap, so no padding channel doubles the third's work (ResNet-50's 7 x 7 stem: 84 pairs, not
    /// 98), and 8 output pixels' pairs are the 16 consecutive input bytes they start at, widened straight into the
    /// GEMM's panels (whole panels per output row: the width a multiple of 8), with no row-major im2col, zeroing or copy.
    /// </summary>
    public static bool PairsTaps(ConvolutionShape s) =>
        s is { Sw: 2, Dw: 1, Kw: >= 2 } && s.ChannelsPerGroup % 2 == 1 && s.OutW % IntegerGemmEmitter.PanelColumns == 0;

    private static int TapPairs(ConvolutionShape s) => (s.Kw + 1) / 2;

    /// <summary>True for a 1x1 convolution whose im2col is x itself (whole planes are packed as one row).</summary>
    public static bool IsPointwise(ConvolutionShape s) => s is { Kh: 1, Kw: 1, Sh: 1, Sw: 1, Pt: 0, Pl: 0 } && s.OutH == s.InH && s.OutW == s.InW;

    private static int ChannelPairs(ConvolutionShape s) => (s.ChannelsPerGroup + 1) / 2;

    /// <summary>W[m, c, i, j] less its zero point as int16 rows in the tap-major k order (0 for the padding channel).</summary>
    public static short[] PackWeights(Tensor weights, ConvolutionShape s, int[] zeroPoints)
    {
        var (channels, taps, paddedChannels, pairs) = (s.ChannelsPerGroup, s.Kh * s.Kw, ChannelPairs(s) * 2, Pairs(s));
        var packed = new short[s.OutChannels * pairs * 2];
        for (var r = 0; r < s.OutChannels; r++)
        {
            var zero = zeroPoints[zeroPoints.Length == 1 ? 0 : r];
            for (var c = 0; c < channels; c++)
            {
                for (var tap = 0; tap < taps; tap++)
                {
                    // Tap pairs: k = ((c * Kh + i) * tap pairs * 2) + j; otherwise tap-major over padded channels.
                    var k = PairsTaps(s) ? ((c * s.Kh) + (tap / s.Kw)) * TapPairs(s) * 2 + (tap % s.Kw) : (tap * paddedChannels) + c;
                    packed[(r * pairs * 2) + k] = (short)(weights.GetInt64(((r * channels) + c) * taps + tap) - zero);
                }
            }
        }
        return packed;
    }

    /// <summary>Packs one image's im2col at <paramref name="col"/> (zeroed before, except for pointwise even channels).</summary>
    /// <remarks>
    /// The taps are a run-time loop over a table of their offsets and bounds, not unrolled: a 7 x 7 stem unrolled
    /// twice per tap (channel pairs, odd channel) passed our engine's JIT limits, which left the whole function,
    /// GEMM and all, unoptimised.
    /// </remarks>
    public static void EmitIm2Col(LoweringContext context, string key, FunctionBuilder w, ConvolutionShape s, Action pushImage, DataType type, int zeroPoint, int col, int paddedColumns)
    {
        if (IsPointwise(s))
        {
            EmitPointwisePack(w, s.ChannelsPerGroup, s.InH * s.InW, pushImage, type, zeroPoint, col);
            return;
        }
        if (PairsTaps(s))
        {
            EmitTapPairs(w, s, pushImage, type, zeroPoint, col);
            return;
        }
        var plane = s.InH * s.InW;
        var channelPairs = ChannelPairs(s);
        var taps = TapTable(s, channelPairs, paddedColumns);
        if (taps.Length == 0)
        {
            return;
        }
        var table = QuantizedArithmetic.Table(context, $"{key}#taps", taps);
        var (image, pair, oh, ow, source, destination, address, entry) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var (sourceOffset, destinationOffset, ohLo, ohHi, owLo, vectorEnd, owHi) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var zero = w.Local(ValueType.V128);
        pushImage();
        w.Set(image);
        w.I32(zeroPoint).Op(Opcode.I16x8Splat).Set(zero);
        void Rows(bool secondChannel) => w.ForDynamic(oh, () => w.Get(ohLo), () => w.Get(ohHi), 1, () =>
        {
            // source = x[2 * pair][oh * sh + rowOffset][columnOffset]; destination = column 0 of the pair's row oh.
            w.Get(pair).I32(2 * plane).Op(Opcode.I32Mul).Get(oh).I32(s.Sh * s.InW).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .Get(sourceOffset).Op(Opcode.I32Add).Get(image).Op(Opcode.I32Add).Set(source);
            w.Get(pair).I32(paddedColumns * 4).Op(Opcode.I32Mul).Get(oh).I32(s.OutW * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .Get(destinationOffset).Op(Opcode.I32Add).Set(destination);
            w.ForDynamic(ow, () => w.Get(owLo), () => w.Get(vectorEnd), 8, () =>
            {
                w.Get(ow).I32(s.Sw).Op(Opcode.I32Mul).Get(source).Op(Opcode.I32Add).Set(address);
                var (first, second) = (w.Local(ValueType.V128), w.Local(ValueType.V128));
                LoadEight(w, address, 0, s.Sw, type, zero);
                w.Set(first);
                if (secondChannel)
                {
                    LoadEight(w, address, (uint)plane, s.Sw, type, zero);
                }
                else
                {
                    w.Code.V128Const(default);
                }
                w.Set(second);
                StoreInterleaved(w, () => w.Get(ow).I32(4).Op(Opcode.I32Mul).Get(destination).Op(Opcode.I32Add), first, second);
            });
            w.ForDynamic(ow, () => w.Get(vectorEnd), () => w.Get(owHi), 1, () =>
            {
                w.Get(ow).I32(s.Sw).Op(Opcode.I32Mul).Get(source).Op(Opcode.I32Add).Set(address);
                for (var half = 0; half < (secondChannel ? 2 : 1); half++)
                {
                    w.Get(ow).I32(4).Op(Opcode.I32Mul).Get(destination).Op(Opcode.I32Add);
                    w.Get(address).Memory(type == DataType.Int8 ? Opcode.I32Load8S : Opcode.I32Load8U, (uint)(half * plane));
                    w.I32(zeroPoint).Op(Opcode.I32Sub).Memory(Opcode.I32Store16, (uint)(2 * half));
                }
            });
        });
        w.For(entry, 0, taps.Length / TapFields, 1, () =>
        {
            var fields = new[] { sourceOffset, destinationOffset, ohLo, ohHi, owLo, vectorEnd, owHi };
            for (var f = 0; f < TapFields; f++)
            {
                w.Get(entry).I32(TapFields * 4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, (uint)(table + (4 * f))).Set(fields[f]);
            }
            w.Get(destinationOffset).I32(col).Op(Opcode.I32Add).Set(destinationOffset);
            if (s.ChannelsPerGroup >= 2)
            {
                w.For(pair, 0, s.ChannelsPerGroup / 2, 1, () => Rows(secondChannel: true));
            }
            if (s.ChannelsPerGroup % 2 == 1)
            {
                // The odd last channel pairs with the padding channel's zeros.
                w.I32(s.ChannelsPerGroup / 2).Set(pair);
                Rows(secondChannel: false);
            }
        });
    }

    private const int TapFields = 7;

    /// <summary>
    /// Per tap that touches x: its offset in x (rowOffset * InW + columnOffset), its rows' byte offset in the im2col,
    /// the output rows [ohLo, ohHi) and columns [owLo, owHi) whose tap lies inside x, and the end of the columns that
    /// go 8 per step (loads staying in the row: 8 bytes at stride 1, 16 at stride 2).
    /// </summary>
    private static int[] TapTable(ConvolutionShape s, int channelPairs, int paddedColumns)
    {
        var table = new List<int>();
        for (var i = 0; i < s.Kh; i++)
        {
            for (var j = 0; j < s.Kw; j++)
            {
                var tap = (i * s.Kw) + j;
                var (rowOffset, columnOffset) = ((i * s.Dh) - s.Pt, (j * s.Dw) - s.Pl);
                var (ohLo, ohHi) = (Math.Max(0, CeilDiv(-rowOffset, s.Sh)), Math.Min(s.OutH, FloorDiv(s.InH - 1 - rowOffset, s.Sh) + 1));
                var (owLo, owHi) = (Math.Max(0, CeilDiv(-columnOffset, s.Sw)), Math.Min(s.OutW, FloorDiv(s.InW - 1 - columnOffset, s.Sw) + 1));
                if (ohLo >= ohHi || owLo >= owHi)
                {
                    continue;
                }
                var lastStart = s.Sw switch
                {
                    1 => owHi - 8,
                    2 => Math.Min(owHi - 8, FloorDiv(s.InW - 16 - columnOffset, 2)),
                    _ => owLo - 1,
                };
                var vectorEnd = lastStart < owLo ? owLo : owLo + (8 * (((lastStart - owLo) / 8) + 1));
                table.AddRange([(rowOffset * s.InW) + columnOffset, tap * channelPairs * paddedColumns * 4, ohLo, ohHi, owLo, vectorEnd, owHi]);
            }
        }
        return [.. table];
    }

    /// <summary>
    /// A 1x1 convolution's im2col is x itself: channel pairs (c, c+1) interleaved per pixel, 8 pixels per step, the
    /// last pixels and an odd last channel element by element, written straight into the GEMM's column panels (a
    /// step of 8 pixels is one panel's pair row).
    /// </summary>
    private static void EmitPointwisePack(FunctionBuilder w, int channels, int pixels, Action pushImage, DataType type, int zeroPoint, int col)
    {
        var pairs = (channels + 1) / 2;
        var (source, destination, pair, p) = (w.Local(), w.Local(), w.Local(), w.Local());
        var (first, second, zero, address) = (w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local());
        var vectorPixels = pixels / 8 * 8;
        w.I32(zeroPoint).Op(Opcode.I16x8Splat).Set(zero);
        void Scalar(int half, int rowOffset, int start)
        {
            w.For(p, start, pixels, 1, () =>
            {
                // destination + panel(p) * panel bytes + (p mod 8) * 4
                w.Get(destination).Get(p).I32(-IntegerGemmEmitter.PanelColumns).Op(Opcode.I32And).I32(pairs * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                    .Get(p).I32(IntegerGemmEmitter.PanelColumns - 1).Op(Opcode.I32And).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                w.Get(source).Get(p).Op(Opcode.I32Add);
                w.Memory(type == DataType.Int8 ? Opcode.I32Load8S : Opcode.I32Load8U, (uint)rowOffset);
                w.I32(zeroPoint).Op(Opcode.I32Sub).Memory(Opcode.I32Store16, (uint)(2 * half));
            });
        }
        pushImage();
        w.Set(source);
        w.I32(col).Set(destination);
        w.For(pair, 0, channels / 2, 1, () =>
        {
            w.For(p, 0, vectorPixels, 8, () =>
            {
                w.Get(source).Get(p).Op(Opcode.I32Add).Set(address);
                LoadEight(w, address, 0, 1, type, zero);
                w.Set(first);
                LoadEight(w, address, (uint)pixels, 1, type, zero);
                w.Set(second);
                StoreInterleaved(w, () => w.Get(destination).Get(p).I32(pairs * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add), first, second);
            });
            Scalar(0, 0, vectorPixels);
            Scalar(1, pixels, vectorPixels);
            w.Increment(source, 2 * pixels).Increment(destination, IntegerGemmEmitter.PanelColumns * 4);
        });
        if (channels % 2 == 1)
        {
            // The odd last channel pairs with zeros (the buffer was zeroed).
            Scalar(0, 0, 0);
        }
    }

    /// <summary>
    /// <see cref="PairsTaps"/>'s im2col, straight into the panels: for each pair row (channel c, kernel row i, taps
    /// 2t and 2t+1) and output row, 8 pixels per step from the 16 input bytes at 2 * ow + 2t - Pl (one load, both
    /// halves widened less the zero point: each pixel's two taps side by side), zeros for a row in the padding, and
    /// the steps that reach past a row's ends element by element with bounds tests. Every byte of every panel is
    /// written, so nothing is zeroed first.
    /// </summary>
    private static void EmitTapPairs(FunctionBuilder w, ConvolutionShape s, Action pushImage, DataType type, int zeroPoint, int col)
    {
        var (plane, tapPairs, pairs, groups) = (s.InH * s.InW, TapPairs(s), Pairs(s), s.OutW / IntegerGemmEmitter.PanelColumns);
        var panelBytes = IntegerGemmEmitter.PanelBytes(pairs);
        var (image, c, i, oh, group, iy, ix, source, destination, tap) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var (bytes, zero) = (w.Local(ValueType.V128), w.Local(ValueType.V128));
        var signed = type == DataType.Int8;
        const int step = 2 * IntegerGemmEmitter.PanelColumns;
        pushImage();
        w.Set(image);
        w.I32(zeroPoint).Op(Opcode.I16x8Splat).Set(zero);
        w.I32(col).Set(destination);
        w.For(c, 0, s.ChannelsPerGroup, 1, () => w.For(i, 0, s.Kh, 1, () =>
        {
            for (var t = 0; t < tapPairs; t++)
            {
                // The groups whose 16 bytes from 2 * 8 * group + 2t - Pl lie inside the row: [vectorLo, vectorHi).
                var first = (2 * t) - s.Pl;
                var vectorLo = Math.Min(groups, Math.Max(0, (-first + step - 1) / step));
                var vectorHi = Math.Max(vectorLo, Math.Min(groups, FloorDiv(s.InW - step - first, step) + 1));
                w.For(oh, 0, s.OutH, 1, () =>
                {
                    w.Get(oh).I32(s.Sh).Op(Opcode.I32Mul).Get(i).I32(s.Dh).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(-s.Pt).Op(Opcode.I32Add).Set(iy);
                    // source = x[c][iy][2t - Pl], the first tap of the row's pixel 0 (may lie before the row).
                    w.Get(c).I32(plane).Op(Opcode.I32Mul).Get(iy).I32(s.InW).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(first).Op(Opcode.I32Add).Get(image).Op(Opcode.I32Add).Set(source);
                    w.Get(iy).I32(s.InH).Op(Opcode.I32LtU);
                    w.Code.If(BlockType.Empty);
                    w.For(group, 0, vectorLo, 1, () => ScalarGroup(first));
                    w.For(group, vectorLo, vectorHi, 1, () =>
                    {
                        w.Get(source).Get(group).I32(step).Op(Opcode.I32Mul).Op(Opcode.I32Add).Memory(Opcode.V128Load).Set(bytes);
                        StoreAt(group, 0, () => w.Get(bytes).Op(signed ? Opcode.I16x8ExtendLowI8x16S : Opcode.I16x8ExtendLowI8x16U).Get(zero).Op(Opcode.I16x8Sub));
                        StoreAt(group, 16, () => w.Get(bytes).Op(signed ? Opcode.I16x8ExtendHighI8x16S : Opcode.I16x8ExtendHighI8x16U).Get(zero).Op(Opcode.I16x8Sub));
                    });
                    w.For(group, vectorHi, groups, 1, () => ScalarGroup(first));
                    w.Code.Else();
                    w.For(group, 0, groups, 1, () =>
                    {
                        StoreAt(group, 0, () => w.Code.V128Const(default));
                        StoreAt(group, 16, () => w.Code.V128Const(default));
                    });
                    w.Code.End();
                    w.Increment(destination, groups * panelBytes);
                });
                // Back to panel 0, one pair row on.
                w.Increment(destination, (IntegerGemmEmitter.PanelColumns * 4) - (s.OutH * groups * panelBytes));
            }
        }));

        // A step reaching past a row's end: byte 2 * 8 * group + first + tap is pixel tap / 2's tap (tap mod 2),
        // x less the zero point inside the row, else 0.
        void ScalarGroup(int first)
        {
            w.Get(group).I32(step).Op(Opcode.I32Mul).I32(first).Op(Opcode.I32Add).Set(ix);
            w.For(tap, 0, step, 1, () =>
            {
                PushGroupAddress(group);
                w.Get(tap).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                w.Get(ix).Get(tap).Op(Opcode.I32Add).I32(s.InW).Op(Opcode.I32LtU);
                w.Code.If(new BlockType(false, ValueType.I32, 0));
                w.Get(source).Get(group).I32(step).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(tap).Op(Opcode.I32Add)
                    .Memory(signed ? Opcode.I32Load8S : Opcode.I32Load8U).I32(zeroPoint).Op(Opcode.I32Sub);
                w.Code.Else();
                w.I32(0);
                w.Code.End();
                w.Memory(Opcode.I32Store16);
            });
        }

        void PushGroupAddress(uint g) => w.Get(destination).Get(g).I32(panelBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);

        void StoreAt(uint g, uint offset, Action pushValue)
        {
            PushGroupAddress(g);
            pushValue();
            w.Memory(Opcode.V128Store, offset);
        }
    }

    /// <summary>
    /// Copies the row-major im2col at <paramref name="rowMajor"/> ([pairs][paddedColumns] int16 pairs) into the
    /// GEMM's column panels at <paramref name="panels"/>: for each panel, its 32 bytes of every pair row.
    /// </summary>
    public static void EmitPackPanels(FunctionBuilder w, int rowMajor, int panels, int pairs, int paddedColumns)
    {
        var (panel, pair, source, destination) = (w.Local(), w.Local(), w.Local(), w.Local());
        w.I32(panels).Set(destination);
        w.For(panel, 0, paddedColumns / IntegerGemmEmitter.PanelColumns, 1, () =>
        {
            w.Get(panel).I32(IntegerGemmEmitter.PanelColumns * 4).Op(Opcode.I32Mul).I32(rowMajor).Op(Opcode.I32Add).Set(source);
            w.For(pair, 0, pairs, 1, () =>
            {
                w.Get(destination).Get(source).Memory(Opcode.V128Load).Memory(Opcode.V128Store);
                w.Get(destination).Get(source).Memory(Opcode.V128Load, 16).Memory(Opcode.V128Store, 16);
                w.Increment(source, paddedColumns * 4).Increment(destination, IntegerGemmEmitter.PanelColumns * 4);
            });
        });
    }

    /// <summary>Pushes 8 values of x from <paramref name="address"/> + <paramref name="offset"/> at the stride (1 or 2) as int16 less the zero point.</summary>
    private static void LoadEight(FunctionBuilder w, uint address, uint offset, int stride, DataType type, uint zero)
    {
        if (stride == 1)
        {
            w.Get(address).Memory(Opcode.V128Load64Zero, offset);
        }
        else
        {
            w.Get(address).Memory(Opcode.V128Load, offset).Get(address).Memory(Opcode.V128Load, offset);
            w.Code.I8x16Shuffle(s_evenBytes);
        }
        w.Op(type == DataType.Int8 ? Opcode.I16x8ExtendLowI8x16S : Opcode.I16x8ExtendLowI8x16U).Get(zero).Op(Opcode.I16x8Sub);
    }

    /// <summary>Stores the int16 pairs (first[p], second[p]) of 8 pixels, 32 bytes, at the address <paramref name="pushAddress"/> pushes.</summary>
    private static void StoreInterleaved(FunctionBuilder w, Action pushAddress, uint first, uint second)
    {
        pushAddress();
        w.Get(first).Get(second);
        w.Code.I8x16Shuffle(s_interleaveLow);
        w.Memory(Opcode.V128Store);
        pushAddress();
        w.Get(first).Get(second);
        w.Code.I8x16Shuffle(s_interleaveHigh);
        w.Memory(Opcode.V128Store, 16);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);

    private static int CeilDiv(int a, int b) => (int)Math.Ceiling((double)a / b);
}
