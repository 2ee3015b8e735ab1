using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The SIMD paths of the integer products on <see cref="IntegerGemmEmitter"/>: ungrouped ConvInteger/QLinearConv as
/// W (packed at compile time) times an im2col of x packed in scratch, and MatMulInteger/QLinearMatMul with a
/// constant 2-D B (packed at compile time) times A packed in scratch, the batches of A as one taller product.
/// Accumulators finish 4 outputs at a time: the bias added, requantized in f32x4 as <see cref="Quantization.Saturate"/>
/// does (clamp to the range less the zero point, round half to even, add it), narrowed to 8 bits.
/// </summary>
internal static class IntegerGemmKernels
{
    /// <summary>True when the convolution takes the GEMM path.</summary>
    public static bool CoversConv(LoweringOptions options, ConvolutionShape s, Value weights) => options.Simd && s.Group == 1 && weights.IsConstant;

    /// <summary>True when the matrix product takes the GEMM path.</summary>
    public static bool CoversMatMul(LoweringOptions options, Value b) => options.Simd && b is { IsConstant: true, Shape.Length: 2 };

    /// <summary>Scratch for the packed im2col matrix of one image.</summary>
    public static long ConvScratch(ConvolutionShape s)
    {
        var pairs = (s.ChannelsPerGroup * s.Kh * s.Kw + 1) / 2;
        return (long)pairs * IntegerGemmEmitter.PaddedColumns(s.OutH * s.OutW) * 4;
    }

    /// <summary>Scratch for the packed rows of A.</summary>
    public static long MatMulScratch(int rows, int k) => (long)rows * ((k + 1) / 2) * 4;

    public static void EmitConv(Node node, LoweringContext context, FunctionBuilder w, ConvolutionShape s, Value x, Value weights,
        int xZeroPoint, int[] wZeroPoints, int[]? bias, Requantization? requantization)
    {
        var k = s.ChannelsPerGroup * s.Kh * s.Kw;
        var pairs = (k + 1) / 2;
        var n = s.OutH * s.OutW;
        var paddedColumns = IntegerGemmEmitter.PaddedColumns(n);
        var rows = context.AddBytes($"{node.Name}#packed", MemoryMarshal.AsBytes(Pack(weights.Constant!, s.OutChannels, k, pairs, wZeroPoints).AsSpan()).ToArray());
        var col = context.ScratchAddress;
        var colBytes = checked((int)ConvScratch(s));
        int xBase = context.Address(x), yBase = context.Address(node.Outputs[0]!);
        var outBytes = node.Outputs[0]!.ElementType.ByteSize();
        var image = w.Local();
        var epilogue = Finish(context, w, node.Name, requantization, bias, perRow: true, () => w.Get(image).I32(s.OutChannels * n * outBytes).Op(Opcode.I32Mul).I32(yBase).Op(Opcode.I32Add), n, outBytes);
        w.For(image, 0, s.Batch, 1, () =>
        {
            // The pointwise packing writes every pair the product reads but the padded columns, whose outputs are
            // dropped; the others leave padding taps and an odd channel's partner to the zeroing.
            if (!IsPointwise(s) || s.ChannelsPerGroup % 2 == 1)
            {
                w.Zero(() => w.I32(col), colBytes);
            }
            EmitIm2Col(w, s, () => w.Get(image).I32(s.Channels * s.InH * s.InW).Op(Opcode.I32Mul).I32(xBase).Op(Opcode.I32Add), x.ElementType, xZeroPoint, col, paddedColumns);
            IntegerGemmEmitter.Emit(w, s.OutChannels, n, pairs, rows, col, epilogue);
        });
    }

    public static void EmitMatMul(Node node, LoweringContext context, FunctionBuilder w, Value a, Value b, int[] aZeroPoints, int[] bZeroPoints, Requantization? requantization)
    {
        var aShape = a.Shape!;
        var k = b.Shape![0];
        var n = b.Shape[1];
        var m = aShape.Length == 1 ? 1 : aShape[^2];
        var totalRows = Shapes.ElementCount(aShape) / k;
        var pairs = (k + 1) / 2;
        var paddedColumns = IntegerGemmEmitter.PaddedColumns(n);
        // B as columns: for each pair of k, the pair of every column side by side.
        var bData = b.Constant!;
        var columns = new short[pairs * paddedColumns * 2];
        for (var p = 0; p < k; p++)
        {
            for (var j = 0; j < n; j++)
            {
                columns[(p / 2 * paddedColumns + j) * 2 + p % 2] = (short)(bData.GetInt64(p * n + j) - bZeroPoints[bZeroPoints.Length == 1 ? 0 : j]);
            }
        }
        var columnsAddress = context.AddBytes($"{node.Name}#packed", MemoryMarshal.AsBytes(columns.AsSpan()).ToArray());
        var rows = context.ScratchAddress;
        int aBase = context.Address(a), yBase = context.Address(node.Outputs[0]!);
        // A's rows less their zero points, as int16 pairs.
        var (i, p2, zero) = (w.Local(), w.Local(), w.Local());
        w.Zero(() => w.I32(rows), checked((int)MatMulScratch(totalRows, k)));
        w.For(i, 0, totalRows, 1, () =>
        {
            if (aZeroPoints.Length == 1)
            {
                w.I32(aZeroPoints[0]).Set(zero);
            }
            else
            {
                var table = QuantizedArithmetic.Table(context, $"{node.Name}#azero", aZeroPoints);
                w.Get(i).I32(m).Op(Opcode.I32RemU).I32(4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, (uint)table).Set(zero);
            }
            w.For(p2, 0, k, 1, () =>
            {
                w.Get(i).I32(pairs * 4).Op(Opcode.I32Mul).Get(p2).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(rows).Op(Opcode.I32Add);
                w.Get(i).I32(k).Op(Opcode.I32Mul).Get(p2).Op(Opcode.I32Add).I32(aBase).Op(Opcode.I32Add);
                ElementAccess.Load(w, a.ElementType);
                w.Get(zero).Op(Opcode.I32Sub).Memory(Opcode.I32Store16);
            });
        });
        var outBytes = node.Outputs[0]!.ElementType.ByteSize();
        var epilogue = Finish(context, w, node.Name, requantization, bias: null, perRow: false, () => w.I32(yBase), n, outBytes);
        IntegerGemmEmitter.Emit(w, totalRows, n, pairs, rows, columnsAddress, epilogue);
    }

    /// <summary>W[m, k] less its zero point as int16, each row's k padded to whole pairs.</summary>
    private static short[] Pack(Tensor weights, int m, int k, int pairs, int[] zeroPoints)
    {
        var packed = new short[m * pairs * 2];
        for (var r = 0; r < m; r++)
        {
            var zero = zeroPoints[zeroPoints.Length == 1 ? 0 : r];
            for (var p = 0; p < k; p++)
            {
                packed[r * pairs * 2 + p] = (short)(weights.GetInt64(r * k + p) - zero);
            }
        }
        return packed;
    }

    /// <summary>
    /// The im2col matrix of one image as the GEMM's column operand: for k = (c, i, j) and output pixel p, x at the
    /// tap less the zero point (0 in the padding) at pair k / 2, column p, half k % 2. The buffer starts zeroed.
    /// </summary>
    private static void EmitIm2Col(FunctionBuilder w, ConvolutionShape s, Action pushImage, DataType type, int zeroPoint, int col, int paddedColumns)
    {
        if (IsPointwise(s))
        {
            EmitPointwisePack(w, s.ChannelsPerGroup, s.InH * s.InW, pushImage, type, zeroPoint, col, paddedColumns);
            return;
        }
        var (image, c, i, j, k, destination, oh, ow, ih, iw) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        pushImage();
        w.Set(image);
        w.I32(0).Set(k);
        w.For(c, 0, s.ChannelsPerGroup, 1, () => w.For(i, 0, s.Kh, 1, () => w.For(j, 0, s.Kw, 1, () =>
        {
            // destination = col + (k / 2) * paddedColumns * 4 + (k % 2) * 2
            w.Get(k).I32(1).Op(Opcode.I32ShrU).I32(paddedColumns * 4).Op(Opcode.I32Mul).Get(k).I32(1).Op(Opcode.I32And).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .I32(col).Op(Opcode.I32Add).Set(destination);
            w.For(oh, 0, s.OutH, 1, () =>
            {
                w.Get(oh).I32(s.Sh).Op(Opcode.I32Mul).Get(i).I32(s.Dh).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(s.Pt).Op(Opcode.I32Sub).Set(ih);
                w.For(ow, 0, s.OutW, 1, () =>
                {
                    w.Get(ow).I32(s.Sw).Op(Opcode.I32Mul).Get(j).I32(s.Dw).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(s.Pl).Op(Opcode.I32Sub).Set(iw);
                    // Taps in the padding stay 0 (the buffer was zeroed).
                    w.If(() => w.Get(ih).I32(s.InH).Op(Opcode.I32LtU).Get(iw).I32(s.InW).Op(Opcode.I32LtU).Op(Opcode.I32And), () =>
                    {
                        w.Get(destination);
                        w.Get(c).I32(s.InH).Op(Opcode.I32Mul).Get(ih).Op(Opcode.I32Add).I32(s.InW).Op(Opcode.I32Mul).Get(iw).Op(Opcode.I32Add).Get(image).Op(Opcode.I32Add);
                        ElementAccess.Load(w, type);
                        w.I32(zeroPoint).Op(Opcode.I32Sub).Memory(Opcode.I32Store16);
                    });
                    w.Increment(destination, 4);
                });
            });
            w.Increment(k, 1);
        })));
    }

    private static bool IsPointwise(ConvolutionShape s) => s is { Kh: 1, Kw: 1, Sh: 1, Sw: 1, Pt: 0, Pl: 0 } && s.OutH == s.InH && s.OutW == s.InW;

    /// <summary>
    /// A 1x1 convolution's im2col is x itself: channel pairs (c, c+1) interleaved per pixel, 8 pixels per step
    /// (two 8-byte loads widened to int16 less the zero point, two shuffles), the last pixels and an odd last
    /// channel element by element.
    /// </summary>
    private static void EmitPointwisePack(FunctionBuilder w, int channels, int pixels, Action pushImage, DataType type, int zeroPoint, int col, int paddedColumns)
    {
        var (source, destination, pair, p) = (w.Local(), w.Local(), w.Local(), w.Local());
        var (first, second, zero) = (w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128));
        var widen = type == DataType.Int8 ? Opcode.I16x8ExtendLowI8x16S : Opcode.I16x8ExtendLowI8x16U;
        var vectorPixels = pixels / 8 * 8;
        w.I32(zeroPoint).Op(Opcode.I16x8Splat).Set(zero);
        void Scalar(int half, int rowOffset, int start)
        {
            w.For(p, start, pixels, 1, () =>
            {
                w.Get(destination).Get(p).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add);
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
                w.Get(source).Get(p).Op(Opcode.I32Add).Memory(Opcode.V128Load64Zero).Op(widen).Get(zero).Op(Opcode.I16x8Sub).Set(first);
                w.Get(source).Get(p).Op(Opcode.I32Add).Memory(Opcode.V128Load64Zero, (uint)pixels).Op(widen).Get(zero).Op(Opcode.I16x8Sub).Set(second);
                w.Get(destination).Get(p).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(first).Get(second);
                w.Code.I8x16Shuffle([0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23]);
                w.Memory(Opcode.V128Store);
                w.Get(destination).Get(p).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(first).Get(second);
                w.Code.I8x16Shuffle([8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31]);
                w.Memory(Opcode.V128Store, 16);
            });
            Scalar(0, 0, vectorPixels);
            Scalar(1, pixels, vectorPixels);
            w.Increment(source, 2 * pixels).Increment(destination, paddedColumns * 4);
        });
        if (channels % 2 == 1)
        {
            // The odd last channel pairs with zeros (the buffer was zeroed).
            Scalar(0, 0, 0);
        }
    }

    /// <summary>
    /// The epilogue of one tile row: bias (per row), then int32 out, or requantized with a multiplier per row (conv
    /// output channels) or per column (matmul columns), stored at out + (row * n + column) * bytes; a row's two
    /// accumulators requantize into one 8-byte store.
    /// </summary>
    private static IntegerGemmEmitter.Epilogue Finish(LoweringContext context, FunctionBuilder w, string key, Requantization? requantization, int[]? bias,
        bool perRow, Action pushOut, int n, int outBytes)
    {
        var biasTable = bias is null ? 0 : QuantizedArithmetic.Table(context, $"{key}#bias", bias);
        var multiplierTable = requantization is { Multipliers.Length: > 1 } q
            ? context.AddWeights($"{key}#multipliers" + (perRow ? "" : "x4"), perRow ? q.Multipliers : [.. q.Multipliers, 0, 0, 0])
            : 0;
        var address = w.Local();
        return (rowBase, row, column, accumulators, lanes) =>
        {
            // address = out + ((rowBase + row) * n + column) * bytes
            w.Get(rowBase).I32(row).Op(Opcode.I32Add).I32(n).Op(Opcode.I32Mul).Get(column).Op(Opcode.I32Add).I32(outBytes).Op(Opcode.I32Mul);
            pushOut();
            w.Op(Opcode.I32Add).Set(address);
            if (bias is not null)
            {
                var rowBias = w.Local(ValueType.V128);
                w.Get(rowBase).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load32Splat, (uint)(biasTable + 4 * row)).Set(rowBias);
                foreach (var accumulator in accumulators)
                {
                    w.Get(accumulator).Get(rowBias).Op(Opcode.I32x4Add).Set(accumulator);
                }
            }
            if (requantization is null)
            {
                for (var t = 0; t < accumulators.Length; t++)
                {
                    w.Get(accumulators[t]);
                    StoreLanes(w, address, 16 * t, lanes[t], Opcode.V128Store, Opcode.I32x4ExtractLane, Opcode.I32Store, 4);
                }
                return;
            }
            void PushMultiplier(int t)
            {
                if (multiplierTable == 0)
                {
                    w.F32(requantization.Multipliers[0]).Op(Opcode.F32x4Splat);
                }
                else if (perRow)
                {
                    w.Get(rowBase).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load32Splat, (uint)(multiplierTable + 4 * row));
                }
                else
                {
                    w.Get(column).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load, (uint)(multiplierTable + 16 * t));
                }
            }
            var high = accumulators.Length - 1;
            RequantizeToBytes(w, () => w.Get(accumulators[0]), () => w.Get(accumulators[high]), () => PushMultiplier(0), () => PushMultiplier(high), requantization);
            var total = lanes.Sum();
            if (total is 4 or 8)
            {
                var narrowed = w.Local(ValueType.V128);
                w.Set(narrowed).Get(address).Get(narrowed).Code.EmitMemArgLane(total == 8 ? Opcode.V128Store64Lane : Opcode.V128Store32Lane, 0, 0);
                return;
            }
            // Fewer than 4 columns, or a partial second accumulator: byte i is column i.
            StoreLanes(w, address, 0, total, Opcode.Nop, Opcode.I8x16ExtractLaneU, Opcode.I32Store8, 1);
        };
    }

    /// <summary>
    /// Requantizes two int32x4 sums (<paramref name="pushLow"/>, <paramref name="pushHigh"/>) by their f32x4
    /// multipliers into 8 bytes (the low half of the i8x16 left on the stack), as <see cref="Quantization.Saturate"/>
    /// does: scaled, rounded half to even, the zero point added, saturated to the type. The clamp is the saturating
    /// narrows': i32 to i16, the zero point added with i16 saturation, i16 to 8 bits. The type's bounds less the zero
    /// point are integers, so clamping after rounding gives what clamping before it gives.
    /// </summary>
    public static void RequantizeToBytes(FunctionBuilder w, Action pushLow, Action pushHigh, Action pushLowMultiplier, Action pushHighMultiplier, Requantization requantization)
    {
        foreach (var (pushSum, pushMultiplier) in new[] { (pushLow, pushLowMultiplier), (pushHigh, pushHighMultiplier) })
        {
            pushSum();
            w.Op(Opcode.F32x4ConvertI32x4S);
            pushMultiplier();
            w.Op(Opcode.F32x4Mul).Op(Opcode.F32x4Nearest).Op(Opcode.I32x4TruncSatF32x4S);
        }
        var packed = w.Local(ValueType.V128);
        w.Op(Opcode.I16x8NarrowI32x4S).I32(requantization.ZeroPoint).Op(Opcode.I16x8Splat).Op(Opcode.I16x8AddSatS).Set(packed).Get(packed).Get(packed)
            .Op(requantization.Type == DataType.Int8 ? Opcode.I8x16NarrowI16x8S : Opcode.I8x16NarrowI16x8U);
    }

    /// <summary>
    /// Stores the first <paramref name="lanes"/> lanes of the vector on the stack at <paramref name="address"/> +
    /// <paramref name="offset"/> (all 4 in one store when there is a whole vector store).
    /// </summary>
    private static void StoreLanes(FunctionBuilder w, uint address, int offset, int lanes, Opcode wholeStore, Opcode extract, Opcode store, int bytes)
    {
        var vector = w.Local(ValueType.V128);
        w.Set(vector);
        if (lanes == 4 && wholeStore != Opcode.Nop)
        {
            w.Get(address).Get(vector).Memory(wholeStore, (uint)offset);
            return;
        }
        for (var lane = 0; lane < lanes; lane++)
        {
            w.Get(address).Get(vector).Code.Emit(extract, (uint)lane);
            w.Memory(store, (uint)(offset + lane * bytes));
        }
    }
}
