using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Depthwise QLinearConv (one input channel per output channel, constant weights, 2-D) on SIMD128: each input
/// plane is copied once, less its zero point, as int16 into a zero-bordered plane in scratch (so padding taps add
/// 0 and no tap needs a bounds test); then 8 (or 4) outputs of a row at a time, two horizontally neighbouring taps
/// per <c>i32x4.dot_i16x8_s</c>: the taps' weights as one i32 splat (the last of an odd row paired with 0), times
/// each output's two inputs side by side. At stride 2 those are the plane itself, 4 outputs per 16-byte load; at
/// stride 1 the chunk's sums are its even and its odd outputs, whose pairs are the plane loaded from the pair's
/// column and from one on (one byte shuffle per chunk restores the order; rows of 4 outputs shuffle each load,
/// x0 x1 x1 x2 x2 x3 x3 x4). So a 3x3 kernel takes 6 dots per 4 outputs, where one <c>i32x4.extmul</c> per tap took
/// 9 (each 3 instructions on x64) and a shuffle per tap at stride 2. With horizontal dilation the taps are not neighbours: one extmul per tap, stride 2 picking the even
/// int16 lanes of 16 loaded values with one shuffle. The bias starts the sums; the requantization is the GEMM's
/// (<see cref="IntegerGemmKernels.RequantizeToBytes"/>) and the 8-bit results are stored 8 (or 4) at a time. A row's last
/// chunk overlaps the one before when the width is not a multiple of the chunk, so every store stays in the row; a
/// row of 5 to 7 at stride 1 is one chunk of 8 whose first results are stored.
/// </summary>
internal static class IntegerDepthwiseKernel
{
    /// <summary>Extra int16 elements after the plane: the last stride-2 chunk reads 16 values from its first column.</summary>
    private const int Slack = 16;

    /// <summary>True for a depthwise QLinearConv this kernel runs: SIMD, 2-D, constant weights, strides 1 or 2, rows of at least 4 outputs.</summary>
    public static bool Covers(LoweringOptions options, Node node, ConvolutionShape s, Value weights) =>
        options.Simd && node.OpType == "QLinearConv" && weights.IsConstant && weights.Shape!.Length == 4 && s.ChannelsPerGroup == 1 && s.OutPerGroup == 1
        && s.Sw is 1 or 2 && s.OutW >= 4 && s.Kh * s.Kw <= 64;

    private static (int Height, int Width) PlaneSize(ConvolutionShape s) =>
        (Math.Max(s.InH + s.Pt, ((s.OutH - 1) * s.Sh) + ((s.Kh - 1) * s.Dh) + 1), Math.Max(s.InW + s.Pl, ((s.OutW - 1) * s.Sw) + ((s.Kw - 1) * s.Dw) + 1) + Slack);

    /// <summary>Scratch: one padded int16 plane.</summary>
    public static long ScratchBytes(ConvolutionShape s)
    {
        var (height, width) = PlaneSize(s);
        return (long)height * width * 2;
    }

    public static void Emit(Node node, LoweringContext context, FunctionBuilder w, ConvolutionShape s, Value x, Value weights,
        int xZeroPoint, int[] wZeroPoints, int[]? bias, Requantization requantization)
    {
        var (height, width) = PlaneSize(s);
        var taps = s.Kh * s.Kw;
        var channels = s.OutChannels;
        // Weights less their zero points as int16, one row of taps per channel.
        var packed = new short[channels * taps];
        for (var m = 0; m < channels; m++)
        {
            for (var t = 0; t < taps; t++)
            {
                packed[(m * taps) + t] = (short)(weights.Constant!.GetInt64((m * taps) + t) - wZeroPoints[wZeroPoints.Length == 1 ? 0 : m]);
            }
        }
        var paired = s.Dw == 1;
        var pairsPerRow = (s.Kw + 1) / 2;
        // Paired: per channel and kernel row, taps 2p and 2p + 1 (0 past the row's end) as one i32.
        var weightTable = paired ? QuantizedArithmetic.Table(context, $"{node.Name}#dwpairs", PairTaps(packed, channels, s.Kh, s.Kw))
            : context.AddBytes($"{node.Name}#dwweights", MemoryMarshal.AsBytes(packed.AsSpan()).ToArray());
        var withinRoundingRange = IntegerGemmKernels.WithinRoundingRange(requantization, channels, m =>
            (IntegerGemmKernels.SumOfMagnitudes(packed.AsSpan(m * taps, taps)) * IntegerGemmKernels.MaxDistanceFromZeroPoint(x.ElementType, xZeroPoint)) + Math.Abs((long)(bias?[m] ?? 0)));
        var biasTable = QuantizedArithmetic.Table(context, $"{node.Name}#dwbias", bias ?? new int[channels]);
        var multiplierTable = requantization.Multipliers.Length > 1 ? context.AddWeights($"{node.Name}#dwmultipliers", requantization.Multipliers) : 0;
        var plane = context.ScratchAddress;
        int xBase = context.Address(x), yBase = context.Address(node.Outputs[0]!);
        // Stride 1, paired taps, rows of 5 or more: a chunk's sums are its even outputs (low) and odd outputs (high),
        // so each pair of taps takes the plane as loaded (from the pair's column, and one on), with no shuffle per
        // load; one byte shuffle per chunk puts the 8 results back in order.
        var evenOdd = paired && s.Sw == 1 && s.OutW >= 5;
        var chunk = evenOdd || s.OutW >= 8 ? 8 : 4;

        var (image, channel, source, row, column, output, rowPointer) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var (zero, value, multiplier, low, high) = (w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128));
        var tapWeights = Enumerable.Range(0, paired ? s.Kh * pairsPerRow : taps).Select(_ => w.Local(ValueType.V128)).ToArray();
        var (biasValue, outputRow, address) = (w.Local(ValueType.V128), w.Local(), w.Local());
        // Stride 1 without vertical dilation: two output rows per step share the loads and shuffles of the input
        // rows they both read (kernel row i of the first is row i - 1 of the second).
        var rowsPerStep = paired && s is { Sw: 1, Sh: 1, Dh: 1 } && s.OutH >= 2 ? 2 : 1;
        var (lowNext, highNext) = (w.Local(ValueType.V128), w.Local(ValueType.V128));
        w.I32(xZeroPoint).Op(Opcode.I16x8Splat).Set(zero);
        // The border (and slack) stays zero for every plane; the interior is rewritten per channel.
        w.Zero(() => w.I32(plane), checked((int)ScratchBytes(s)));
        w.I32(xBase).Set(source);
        w.I32(yBase).Set(output);
        w.For(image, 0, s.Batch, 1, () => w.For(channel, 0, channels, 1, () =>
        {
            CopyPlane(w, s, x.ElementType, xZeroPoint, plane, width, source, row, column, zero);
            for (var t = 0; t < tapWeights.Length; t++)
            {
                if (paired)
                {
                    w.Get(channel).I32(tapWeights.Length * 4).Op(Opcode.I32Mul).Memory(Opcode.V128Load32Splat, (uint)(weightTable + (4 * t))).Set(tapWeights[t]);
                }
                else
                {
                    w.Get(channel).I32(taps * 2).Op(Opcode.I32Mul).Memory(Opcode.V128Load16Splat, (uint)(weightTable + (2 * t))).Set(tapWeights[t]);
                }
            }
            w.Get(channel).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load32Splat, (uint)biasTable).Set(biasValue);
            if (multiplierTable == 0)
            {
                w.F32(requantization.Multipliers[0]).Op(Opcode.F32x4Splat).Set(multiplier);
            }
            else
            {
                w.Get(channel).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load32Splat, (uint)multiplierTable).Set(multiplier);
            }
            void Rows(int rows)
            {
                // rowPointer = plane + row * sh * width * 2; outputRow = output + row * OutW
                w.Get(row).I32(s.Sh * width * 2).Op(Opcode.I32Mul).I32(plane).Op(Opcode.I32Add).Set(rowPointer);
                w.Get(row).I32(s.OutW).Op(Opcode.I32Mul).Get(output).Op(Opcode.I32Add).Set(outputRow);
                void Chunk()
                {
                    foreach (var sums in rows == 2 ? new[] { low, high, lowNext, highNext } : [low, high])
                    {
                        w.Get(biasValue).Set(sums);
                    }
                    // address = rowPointer + column * sw * 2
                    w.Get(column).I32(s.Sw * 2).Op(Opcode.I32Mul).Get(rowPointer).Op(Opcode.I32Add).Set(address);
                    if (paired)
                    {
                        PairedTaps(w, s, width, chunk, evenOdd, address, tapWeights, value, rows == 2 ? [(low, high), (lowNext, highNext)] : [(low, high)]);
                    }
                    else
                    {
                        SingleTaps(w, s, width, chunk, address, tapWeights, value, low, high);
                    }
                    // 8 (or 4) bytes per row, stored at outputRow + column (+ OutW for the second row).
                    foreach (var (rowLow, rowHigh, offset) in rows == 2 ? new[] { (low, high, 0u), (lowNext, highNext, (uint)s.OutW) } : [(low, high, 0u)])
                    {
                        IntegerGemmKernels.RequantizeToBytes(w, () => w.Get(rowLow), () => w.Get(chunk == 8 ? rowHigh : rowLow), () => w.Get(multiplier), () => w.Get(multiplier), requantization, withinRoundingRange);
                        if (evenOdd)
                        {
                            // Bytes 0-3 are outputs 0, 2, 4, 6 and bytes 4-7 outputs 1, 3, 5, 7.
                            w.Code.V128Const(default);
                            w.Code.I8x16Shuffle([0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15]);
                        }
                        w.Set(value);
                        StoreChunk(w, Math.Min(chunk, s.OutW), outputRow, column, value, offset);
                    }
                }
                if (s.OutW < chunk)
                {
                    // One chunk wider than the row (5 to 7 outputs): its first OutW results are stored.
                    w.I32(0).Set(column);
                    Chunk();
                }
                else
                {
                    var whole = s.OutW / chunk * chunk;
                    w.For(column, 0, whole, chunk, Chunk);
                    if (whole < s.OutW)
                    {
                        w.I32(s.OutW - chunk).Set(column);
                        Chunk();
                    }
                }
            }
            var steppedRows = s.OutH / rowsPerStep * rowsPerStep;
            w.For(row, 0, steppedRows, rowsPerStep, () => Rows(rowsPerStep));
            if (steppedRows < s.OutH)
            {
                w.I32(steppedRows).Set(row);
                Rows(1);
            }
            w.Increment(source, s.InH * s.InW).Increment(output, s.OutH * s.OutW);
        }));
    }

    /// <summary>Stores the first <paramref name="count"/> (4 to 8) bytes of <paramref name="value"/> at outputRow + column + offset.</summary>
    private static void StoreChunk(FunctionBuilder w, int count, uint outputRow, uint column, uint value, uint offset)
    {
        void Store(Opcode store, uint at, byte lane) => w.Get(outputRow).Get(column).Op(Opcode.I32Add).Get(value).Code.EmitMemArgLane(store, offset + at, lane);
        if (count == 8)
        {
            Store(Opcode.V128Store64Lane, 0, 0);
            return;
        }
        Store(Opcode.V128Store32Lane, 0, 0);
        if (count >= 6)
        {
            Store(Opcode.V128Store16Lane, 4, 2);
        }
        if (count is 5 or 7)
        {
            Store(Opcode.V128Store8Lane, (uint)count - 1, (byte)(count - 1));
        }
    }

    /// <summary>Each channel's taps as pairs along the kernel row, (2p, 2p + 1) as one i32, low half first; an odd row's last tap paired with 0.</summary>
    private static int[] PairTaps(short[] packed, int channels, int kh, int kw)
    {
        var pairsPerRow = (kw + 1) / 2;
        var pairs = new int[channels * kh * pairsPerRow];
        for (var m = 0; m < channels; m++)
        {
            for (var i = 0; i < kh; i++)
            {
                for (var p = 0; p < pairsPerRow; p++)
                {
                    var first = packed[(((m * kh) + i) * kw) + (2 * p)];
                    var second = 2 * p + 1 < kw ? packed[(((m * kh) + i) * kw) + (2 * p) + 1] : (short)0;
                    pairs[(((m * kh) + i) * pairsPerRow) + p] = (ushort)first | (second << 16);
                }
            }
        }
        return pairs;
    }

    /// <summary>
    /// Adds a chunk's taps to the sums of each output row (outputs 0-3 and 4-7 of the chunk), two neighbouring taps
    /// per dot: output o's inputs for the pair at kernel column 2p sit at plane column o * sw + 2p and the next,
    /// side by side at stride 2; at stride 1 the shuffle duplicates the inner ones (x0 x1, x1 x2, x2 x3, x3 x4).
    /// <paramref name="evenOdd"/> (stride 1): the sums are outputs 0, 2, 4, 6 and 1, 3, 5, 7 instead, whose pairs
    /// lie side by side in the plane loaded at column 2p and 2p + 1, so no shuffle.
    /// The second tap of an odd row's last pair has weight 0, so whatever it reads (the slack) adds nothing. With
    /// two output rows (stride 1, no vertical dilation) each input row's pairs serve both: kernel row t of
    /// the first and t - 1 of the second.
    /// </summary>
    private static void PairedTaps(FunctionBuilder w, ConvolutionShape s, int width, int chunk, bool evenOdd, uint address, uint[] pairWeights, uint value, (uint Low, uint High)[] rows)
    {
        var pairsPerRow = (s.Kw + 1) / 2;
        for (var t = 0; t < s.Kh + rows.Length - 1; t++)
        {
            for (var p = 0; p < pairsPerRow; p++)
            {
                var offset = (uint)(((t * s.Dh * width) + (2 * p)) * 2);
                for (var half = 0u; half < (chunk == 8 ? 2u : 1u); half++)
                {
                    // The half's 4 outputs start 4 columns on: 8 int16 at stride 1, 4 pairs (16 bytes) at stride 2;
                    // the odd outputs' pairs one column on.
                    w.Get(address).Memory(Opcode.V128Load, offset + (half * (evenOdd ? 2u : s.Sw == 1 ? 8u : 16u)));
                    if (s.Sw == 1 && !evenOdd)
                    {
                        w.Code.V128Const(default);
                        w.Code.I8x16Shuffle([0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9]);
                    }
                    w.Set(value);
                    for (var r = 0; r < rows.Length; r++)
                    {
                        var kernelRow = t - r;
                        if (kernelRow < 0 || kernelRow >= s.Kh)
                        {
                            continue;
                        }
                        var sums = half == 0 ? rows[r].Low : rows[r].High;
                        w.Get(sums).Get(value).Get(pairWeights[(kernelRow * pairsPerRow) + p]).Op(Opcode.I32x4DotI16x8S).Op(Opcode.I32x4Add).Set(sums);
                    }
                }
            }
        }
    }

    /// <summary>Adds a chunk's taps one at a time (horizontal dilation): the tap's 8 inputs times its weight splat by <c>i32x4.extmul</c>.</summary>
    private static void SingleTaps(FunctionBuilder w, ConvolutionShape s, int width, int chunk, uint address, uint[] tapWeights, uint value, uint low, uint high)
    {
        for (var i = 0; i < s.Kh; i++)
        {
            for (var j = 0; j < s.Kw; j++)
            {
                var offset = (uint)(((i * s.Dh * width) + (j * s.Dw)) * 2);
                if (s.Sw == 1)
                {
                    w.Get(address).Memory(chunk == 8 ? Opcode.V128Load : Opcode.V128Load64Zero, offset);
                }
                else
                {
                    // 16 int16 from the first column; the even ones are the chunk's taps.
                    w.Get(address).Memory(Opcode.V128Load, offset).Get(address).Memory(Opcode.V128Load, offset + 16);
                    w.Code.I8x16Shuffle([0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29]);
                }
                w.Set(value);
                w.Get(low).Get(value).Get(tapWeights[(i * s.Kw) + j]).Op(Opcode.I32x4ExtmulLowI16x8S).Op(Opcode.I32x4Add).Set(low);
                if (chunk == 8)
                {
                    w.Get(high).Get(value).Get(tapWeights[(i * s.Kw) + j]).Op(Opcode.I32x4ExtmulHighI16x8S).Op(Opcode.I32x4Add).Set(high);
                }
            }
        }
    }

    /// <summary>
    /// Copies the input plane at <paramref name="source"/> into the padded int16 plane less the zero point: 8 per
    /// step (the row's last 8 overlapping when the width is not a multiple), element by element under 8 wide.
    /// </summary>
    private static void CopyPlane(FunctionBuilder w, ConvolutionShape s, DataType type, int zeroPoint, int plane, int width,
        uint source, uint row, uint column, uint zero)
    {
        var widen = type == DataType.Int8 ? Opcode.I16x8ExtendLowI8x16S : Opcode.I16x8ExtendLowI8x16U;
        var destination = (uint)(plane + (2 * ((s.Pt * width) + s.Pl)));
        w.For(row, 0, s.InH, 1, () =>
        {
            void Store()
            {
                // plane[(row + pt) * width + pl + column] = x[row * InW + column] - zero point
                w.Get(row).I32(width * 2).Op(Opcode.I32Mul).Get(column).I32(2).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                w.Get(row).I32(s.InW).Op(Opcode.I32Mul).Get(column).Op(Opcode.I32Add).Get(source).Op(Opcode.I32Add);
            }
            if (s.InW >= 8)
            {
                void Vector()
                {
                    Store();
                    w.Memory(Opcode.V128Load64Zero).Op(widen).Get(zero).Op(Opcode.I16x8Sub).Memory(Opcode.V128Store, destination);
                }
                var whole = s.InW / 8 * 8;
                w.For(column, 0, whole, 8, Vector);
                if (whole < s.InW)
                {
                    w.I32(s.InW - 8).Set(column);
                    Vector();
                }
            }
            else
            {
                w.For(column, 0, s.InW, 1, () =>
                {
                    Store();
                    ElementAccess.Load(w, type);
                    w.I32(zeroPoint).Op(Opcode.I32Sub).Memory(Opcode.I32Store16, destination);
                });
            }
        });
    }
}
