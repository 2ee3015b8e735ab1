using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// Scratch for one image's packed im2col: the panels, and for all but pointwise convolutions the row-major
    /// im2col they are packed from.
    /// </summary>
    /// <remarks>With relaxed SIMD also <see cref="IntegerRelaxedDot"/>'s quad panels and column sums (reserved whenever
    /// the module may use relaxed SIMD: whether the weights fit is decided when the kernel is emitted).</remarks>
    public static long ConvScratch(ConvolutionShape s, LoweringOptions options) => (PanelsBytes(s) * (IntegerConvPacking.IsPointwise(s) ? 1 : 2))
        + (options.RelaxedSimd ? IntegerRelaxedDot.ScratchBytes(IntegerConvPacking.Pairs(s), IntegerGemmEmitter.PaddedColumns(s.OutH * s.OutW)) : 0);

    private static long PanelsBytes(ConvolutionShape s) => (long)IntegerConvPacking.Pairs(s) * IntegerGemmEmitter.PaddedColumns(s.OutH * s.OutW) * 4;

    /// <summary>Scratch for the packed rows of A.</summary>
    public static long MatMulScratch(int rows, int k) => (long)rows * ((k + 1) / 2) * 4;

    public static void EmitConv(Node node, LoweringContext context, FunctionBuilder w, ConvolutionShape s, Value x, Value weights,
        int xZeroPoint, int[] wZeroPoints, int[]? bias, Requantization? requantization)
    {
        var pairs = IntegerConvPacking.Pairs(s);
        var n = s.OutH * s.OutW;
        var paddedColumns = IntegerGemmEmitter.PaddedColumns(n);
        var pairRows = IntegerConvPacking.PackWeights(weights.Constant!, s, wZeroPoints);
        // Bounded before the relaxed fold changes the bias: the sums the epilogue sees are the same either way.
        var xRange = MaxDistanceFromZeroPoint(x.ElementType, xZeroPoint);
        var withinRoundingRange = requantization is not null && WithinRoundingRange(requantization, s.OutChannels,
            m => (SumOfMagnitudes(pairRows.AsSpan(m * pairs * 2, pairs * 2)) * xRange) + Math.Abs((long)(bias?[m] ?? 0)));
        var relaxed = IntegerRelaxedDot.Covers(context.Options, weights.Constant!, wZeroPoints, s.OutChannels);
        if (relaxed)
        {
            bias = IntegerRelaxedDot.FoldBias(bias, pairRows, s.OutChannels, pairs, x.ElementType, xZeroPoint);
        }
        var rows = relaxed ? context.AddBytes($"{node.Name}#packed-quads", IntegerRelaxedDot.PackRows(pairRows, s.OutChannels, pairs))
            : context.AddBytes($"{node.Name}#packed", MemoryMarshal.AsBytes(pairRows.AsSpan()).ToArray());
        var col = context.ScratchAddress;
        var colBytes = checked((int)PanelsBytes(s));
        // With relaxed SIMD the quad panels and column sums follow the int16 panels (and the row-major im2col).
        var quadPanels = col + (colBytes * (IntegerConvPacking.IsPointwise(s) ? 1 : 2));
        var columnSums = quadPanels + (IntegerRelaxedDot.Quads(pairs) * paddedColumns * 4);
        int xBase = context.Address(x), yBase = context.Address(node.Outputs[0]!);
        var outBytes = node.Outputs[0]!.ElementType.ByteSize();
        var image = w.Local();
        var (epilogue, rowStart) = Finish(context, w, node.Name, requantization, bias, perRow: true,
            () => w.Get(image).I32(s.OutChannels * n * outBytes).Op(Opcode.I32Mul).I32(yBase).Op(Opcode.I32Add), n, outBytes, withinRoundingRange);
        w.For(image, 0, s.Batch, 1, () =>
        {
            // The pointwise packing writes every pair the product reads but the padded columns, whose outputs are
            // dropped; the others leave padding taps and an odd channel's partner to the zeroing.
            // The general im2col goes row-major after the panels, then into them.
            // Tap pairs go straight into the panels too, every byte written.
            var direct = IntegerConvPacking.IsPointwise(s) || IntegerConvPacking.PairsTaps(s);
            var rowMajor = direct ? col : col + colBytes;
            if (!IntegerConvPacking.PairsTaps(s) && (!IntegerConvPacking.IsPointwise(s) || s.ChannelsPerGroup % 2 == 1))
            {
                w.Zero(() => w.I32(rowMajor), colBytes);
            }
            IntegerConvPacking.EmitIm2Col(context, node.Name, w, s, () => w.Get(image).I32(s.Channels * s.InH * s.InW).Op(Opcode.I32Mul).I32(xBase).Op(Opcode.I32Add), x.ElementType, xZeroPoint, rowMajor, paddedColumns);
            if (!direct)
            {
                IntegerConvPacking.EmitPackPanels(w, rowMajor, col, pairs, paddedColumns);
            }
            if (relaxed)
            {
                IntegerRelaxedDot.EmitQuadPanels(w, col, quadPanels, columnSums, pairs, paddedColumns, x.ElementType, xZeroPoint);
                IntegerGemmEmitter.Emit(w, s.OutChannels, n, IntegerRelaxedDot.Quads(pairs), rows, quadPanels, epilogue, rowStart, columnSums);
            }
            else
            {
                IntegerGemmEmitter.Emit(w, s.OutChannels, n, pairs, rows, col, epilogue, rowStart);
            }
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
        // B as column panels: for each pair of k, the pairs of a panel's 8 columns side by side.
        var bData = b.Constant!;
        var columns = new short[pairs * paddedColumns * 2];
        for (var p = 0; p < k; p++)
        {
            for (var j = 0; j < n; j++)
            {
                columns[(IntegerGemmEmitter.ColumnOffset(pairs, p / 2, j) / 2) + (p % 2)] = (short)(bData.GetInt64(p * n + j) - bZeroPoints[bZeroPoints.Length == 1 ? 0 : j]);
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
        var aRange = aZeroPoints.Max(zeroPoint => MaxDistanceFromZeroPoint(a.ElementType, zeroPoint));
        var withinRoundingRange = requantization is not null && WithinRoundingRange(requantization, n, j =>
        {
            long sum = 0;
            for (var p = 0; p < pairs * 2; p++)
            {
                sum += Math.Abs((int)columns[(IntegerGemmEmitter.ColumnOffset(pairs, p / 2, j) / 2) + (p % 2)]);
            }
            return sum * aRange;
        });
        var (epilogue, _) = Finish(context, w, node.Name, requantization, bias: null, perRow: false, () => w.I32(yBase), n, outBytes, withinRoundingRange);
        IntegerGemmEmitter.Emit(w, totalRows, n, pairs, rows, columnsAddress, epilogue);
    }

    /// <summary>
    /// The epilogue of one tile row: int32 out, or requantized with a multiplier per row (conv output channels) or
    /// per column (matmul columns), stored at out + (row * n + column) * bytes; a row's two accumulators requantize
    /// into one 8-byte store. The bias (per row) starts the accumulators (the returned <see cref="IntegerGemmEmitter.RowStart"/>),
    /// and the address is computed once per tile, at row 0: the other rows store at a constant offset from it.
    /// </summary>
    private static (IntegerGemmEmitter.Epilogue Epilogue, IntegerGemmEmitter.RowStart? RowStart) Finish(LoweringContext context, FunctionBuilder w, string key,
        Requantization? requantization, int[]? bias, bool perRow, Action pushOut, int n, int outBytes, bool withinRoundingRange)
    {
        var biasTable = bias is null ? 0 : QuantizedArithmetic.Table(context, $"{key}#bias", bias);
        var multiplierTable = requantization is { Multipliers.Length: > 1 } q
            ? context.AddWeights($"{key}#multipliers" + (perRow ? "" : "x4"), perRow ? q.Multipliers : [.. q.Multipliers, 0, 0, 0])
            : 0;
        var address = w.Local();
        IntegerGemmEmitter.RowStart? rowStart = bias is null ? null
            : (rowBase, row) => w.Get(rowBase).I32(4).Op(Opcode.I32Mul).Memory(Opcode.V128Load32Splat, (uint)(biasTable + 4 * row));
        return ((rowBase, row, column, accumulators, lanes) =>
        {
            if (row == 0)
            {
                // address = out + (rowBase * n + column) * bytes
                w.Get(rowBase).I32(n).Op(Opcode.I32Mul).Get(column).Op(Opcode.I32Add).I32(outBytes).Op(Opcode.I32Mul);
                pushOut();
                w.Op(Opcode.I32Add).Set(address);
            }
            var rowOffset = row * n * outBytes;
            if (requantization is null)
            {
                for (var t = 0; t < accumulators.Length; t++)
                {
                    w.Get(accumulators[t]);
                    StoreLanes(w, address, rowOffset + (16 * t), lanes[t], Opcode.V128Store, Opcode.I32x4ExtractLane, Opcode.I32Store, 4);
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
            RequantizeToBytes(w, () => w.Get(accumulators[0]), () => w.Get(accumulators[high]), () => PushMultiplier(0), () => PushMultiplier(high), requantization, withinRoundingRange);
            var total = lanes.Sum();
            if (total is 4 or 8)
            {
                var narrowed = w.Local(ValueType.V128);
                w.Set(narrowed).Get(address).Get(narrowed).Code.EmitMemArgLane(total == 8 ? Opcode.V128Store64Lane : Opcode.V128Store32Lane, (uint)rowOffset, 0);
                return;
            }
            // Fewer than 4 columns, or a partial second accumulator: byte i is column i.
            StoreLanes(w, address, rowOffset, total, Opcode.Nop, Opcode.I8x16ExtractLaneU, Opcode.I32Store8, 1);
        }, rowStart);
    }

    /// <summary>
    /// Requantizes two int32x4 sums (<paramref name="pushLow"/>, <paramref name="pushHigh"/>) by their f32x4
    /// multipliers into 8 bytes (the low half of the i8x16 left on the stack), as <see cref="Quantization.Saturate"/>
    /// does: scaled, rounded half to even, the zero point added, saturated to the type. The clamp is the saturating
    /// narrows' (i32 to i16, then to 8 bits) after the zero point is added in i32. The type's bounds less the zero
    /// point are integers, so clamping after rounding gives what clamping before it gives.
    /// </summary>
    /// <remarks>
    /// Rounding is the float trick rather than <c>f32x4.nearest</c> + <c>i32x4.trunc_sat_f32x4_s</c> (one roundps,
    /// but about seven instructions for the saturating conversion on x64, in V8 and .NET alike): the scaled sum plus
    /// 1.5 * 2^23 lands where floats are the integers, so the add rounds half to even, and its bits less those of
    /// 1.5 * 2^23 are the rounded value; the zero point is added by the same subtraction. That holds within +-2^22:
    /// unless <paramref name="withinRoundingRange"/> (<see cref="WithinRoundingRange(Requantization, int, Func{int, long})"/> proved every scaled sum lies
    /// there) the scaled sum is first clamped to it by <c>pmin</c>/<c>pmax</c> (single minps/maxps; no NaN can
    /// occur). Beyond +-2^22 every result saturates the narrows anyway, so the bits are unchanged.
    /// </remarks>
    public static void RequantizeToBytes(FunctionBuilder w, Action pushLow, Action pushHigh, Action pushLowMultiplier, Action pushHighMultiplier,
        Requantization requantization, bool withinRoundingRange)
    {
        foreach (var (pushSum, pushMultiplier) in new[] { (pushLow, pushLowMultiplier), (pushHigh, pushHighMultiplier) })
        {
            pushSum();
            w.Op(Opcode.F32x4ConvertI32x4S);
            pushMultiplier();
            w.Op(Opcode.F32x4Mul);
            RoundAddingZeroPoint(w, requantization.ZeroPoint, withinRoundingRange);
        }
        var packed = w.Local(ValueType.V128);
        w.Op(Opcode.I16x8NarrowI32x4S).Set(packed).Get(packed).Get(packed)
            .Op(requantization.Type == DataType.Int8 ? Opcode.I8x16NarrowI16x8S : Opcode.I8x16NarrowI16x8U);
    }

    /// <summary>
    /// Replaces the f32x4 on the stack by the i32x4 of its values rounded half to even plus <paramref name="zeroPoint"/>,
    /// by the rounding trick (<see cref="RequantizeToBytes"/>): clamped to +-2^22 first unless
    /// <paramref name="withinRoundingRange"/>. Past +-2^22 the result is only right in that the saturating narrows
    /// that follow saturate it as they would the exact value.
    /// </summary>
    public static void RoundAddingZeroPoint(FunctionBuilder w, int zeroPoint, bool withinRoundingRange)
    {
        if (!withinRoundingRange)
        {
            w.Code.V128Const(Vector128.Create(-RoundingBound).AsByte());
            w.Op(Opcode.F32x4Pmax);
            w.Code.V128Const(Vector128.Create(RoundingBound).AsByte());
            w.Op(Opcode.F32x4Pmin);
        }
        w.Code.V128Const(Vector128.Create(RoundingMagic).AsByte());
        w.Op(Opcode.F32x4Add);
        w.Code.V128Const(Vector128.Create(BitConverter.SingleToInt32Bits(RoundingMagic) - zeroPoint).AsByte());
        w.Op(Opcode.I32x4Sub);
    }

    /// <summary>True when values of magnitude at most <paramref name="bound"/> (with a margin for float32 rounding) lie within the rounding trick's +-2^22.</summary>
    public static bool WithinRoundingRange(double bound) => bound * 1.01 < RoundingBound;

    /// <summary>
    /// True when every channel's scaled sum provably lies within the rounding trick's +-2^22 (with a margin for the
    /// float32 conversion and product), so <see cref="RequantizeToBytes"/> may leave out its clamp: channel
    /// <c>c</c>'s sums are at most <paramref name="sumBound"/>(c) in magnitude, scaled by its multiplier.
    /// </summary>
    public static bool WithinRoundingRange(Requantization requantization, int channels, Func<int, long> sumBound)
    {
        for (var c = 0; c < channels; c++)
        {
            var multiplier = Math.Abs((double)requantization.Multipliers[requantization.Multipliers.Length == 1 ? 0 : c]);
            if (!WithinRoundingRange(sumBound(c) * multiplier))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The largest magnitude of an 8-bit value less its zero point.</summary>
    public static long MaxDistanceFromZeroPoint(DataType type, int zeroPoint)
    {
        var (min, max) = Quantization.Range(type);
        return Math.Max(Math.Abs((long)zeroPoint - min), Math.Abs((long)max - zeroPoint));
    }

    /// <summary>The sum of the magnitudes of <paramref name="values"/>.</summary>
    public static long SumOfMagnitudes(ReadOnlySpan<short> values)
    {
        long sum = 0;
        foreach (var value in values)
        {
            sum += Math.Abs((int)value);
        }
        return sum;
    }

    /// <summary>1.5 * 2^23: floats in [2^23, 2^24) are the integers.</summary>
    private const float RoundingMagic = 12582912f;

    /// <summary>2^22: within it, x + <see cref="RoundingMagic"/> stays in [2^23, 2^24].</summary>
    private const float RoundingBound = 4194304f;

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
