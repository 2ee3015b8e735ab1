using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The relaxed-SIMD form of the integer convolution GEMM (modules built with relaxed SIMD, weights within 7 bits):
/// <c>i32x4.relaxed_dot_i8x16_i7x16_add_s</c> multiplies 16 int8 by 16 7-bit values into 4 sums per instruction,
/// twice <c>i32x4.dot_i16x8_s</c>'s products, with the add folded in. Its second operand must lie in [0, 127] (a set
/// top bit is implementation-defined) and x86's pmaddubsw saturates pair sums past int16, so the operands are
/// shifted to fit exactly: the weights as w' = (w - w_zp) + 64, which needs w - w_zp in [-64, 63] (7-bit weights,
/// as onnxruntime's reduce_range writes for x86 without VNNI), the activations as x' = x - s (s = 128 for uint8, 0
/// for int8). Then sum (x - x_zp)(w - w_zp) = sum x' w' - 64 sum x' + (s - x_zp) sum (w - w_zp): the last term is
/// folded into the bias at compile time, and 64 times each column's sum of x' is subtracted in the GEMM. Pair sums
/// are at most 2 * 128 * 127 in magnitude, so nothing saturates and the result is the exact int32 sum, bit for
/// bit the <c>dot_i16x8</c> kernel's.
/// </summary>
/// <remarks>
/// The activations are packed as for the int16 kernel (pairs of x - x_zp in column panels) and then narrowed into
/// quads: each panel's 8 columns hold 4 consecutive k as 4 bytes, k padded to a multiple of 4 with x = x_zp (int16
/// 0), whose products with the padding weights (w' = 64) the column sums take back out.
/// </remarks>
internal static class IntegerRelaxedDot
{
    private const int WeightOffset = 64;
    private static readonly byte[] s_quads = [0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15];

    /// <summary>True when the convolution's weights less their zero points fit the 7-bit operand and the module may use relaxed SIMD.</summary>
    public static bool Covers(LoweringOptions options, Tensor weights, int[] zeroPoints, int outChannels)
    {
        if (!options.RelaxedSimd || !options.Simd)
        {
            return false;
        }
        var perChannel = weights.Length / outChannels;
        for (var i = 0; i < weights.Length; i++)
        {
            var value = weights.GetInt64(i) - zeroPoints[zeroPoints.Length == 1 ? 0 : i / perChannel];
            if (value is < -WeightOffset or >= WeightOffset)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Quads of k for a product over <paramref name="pairs"/> pairs.</summary>
    public static int Quads(int pairs) => (pairs + 1) / 2;

    /// <summary>Scratch past the int16 panels: the quad panels and the column sums.</summary>
    public static long ScratchBytes(int pairs, int paddedColumns) => ((long)Quads(pairs) * paddedColumns * 4) + ((long)paddedColumns * 4);

    /// <summary>The rows (the int16 kernel's packed pairs, [m][pairs * 2]) as [m][quads * 4] bytes w - w_zp + 64.</summary>
    public static byte[] PackRows(short[] pairRows, int m, int pairs)
    {
        var quads = Quads(pairs);
        var packed = new byte[m * quads * 4];
        for (var r = 0; r < m; r++)
        {
            for (var k = 0; k < quads * 4; k++)
            {
                packed[(r * quads * 4) + k] = (byte)((k < pairs * 2 ? pairRows[(r * pairs * 2) + k] : 0) + WeightOffset);
            }
        }
        return packed;
    }

    /// <summary>The bias plus (s - x_zp) times each row's sum of w - w_zp.</summary>
    public static int[] FoldBias(int[]? bias, short[] pairRows, int m, int pairs, DataType xType, int xZeroPoint)
    {
        var shift = Shift(xType) - xZeroPoint;
        var folded = new int[m];
        for (var r = 0; r < m; r++)
        {
            long sum = 0;
            for (var k = 0; k < pairs * 2; k++)
            {
                sum += pairRows[(r * pairs * 2) + k];
            }
            folded[r] = checked((bias?[r] ?? 0) + (int)(shift * sum));
        }
        return folded;
    }

    /// <summary>
    /// Narrows the int16 pair panels at <paramref name="pairPanels"/> into quad panels at <paramref name="quadPanels"/>
    /// (x - x_zp + (x_zp - s) = x - s, in int8 range) and writes 64 times each column's sum of them at
    /// <paramref name="columnSums"/>.
    /// </summary>
    public static void EmitQuadPanels(FunctionBuilder w, int pairPanels, int quadPanels, int columnSums, int pairs, int paddedColumns, DataType xType, int xZeroPoint)
    {
        var (panel, quad, source, destination) = (w.Local(), w.Local(), w.Local(), w.Local());
        var (offset, ones, low, high, sumLow, sumHigh) = (w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128), w.Local(ValueType.V128));
        w.I32(xZeroPoint - Shift(xType)).Op(Opcode.I16x8Splat).Set(offset);
        w.I32(1).Op(Opcode.I8x16Splat).Set(ones);
        w.I32(quadPanels).Set(destination);
        w.For(panel, 0, paddedColumns / IntegerGemmEmitter.PanelColumns, 1, () =>
        {
            w.Get(panel).I32(IntegerGemmEmitter.PanelBytes(pairs)).Op(Opcode.I32Mul).I32(pairPanels).Op(Opcode.I32Add).Set(source);
            w.Code.V128Const(default);
            w.Set(sumLow);
            w.Code.V128Const(default);
            w.Set(sumHigh);
            void Quad(bool secondPair)
            {
                foreach (var (half, vector, sum) in new[] { (0, low, sumLow), (16, high, sumHigh) })
                {
                    // Pair row 2q's 4 columns, then row 2q + 1's (or x = x_zp past the last pair), narrowed and interleaved per column.
                    w.Get(source).Memory(Opcode.V128Load, (uint)half).Get(offset).Op(Opcode.I16x8Add);
                    if (secondPair)
                    {
                        w.Get(source).Memory(Opcode.V128Load, (uint)(half + (IntegerGemmEmitter.PanelColumns * 4))).Get(offset).Op(Opcode.I16x8Add);
                    }
                    else
                    {
                        w.Get(offset);
                    }
                    w.Op(Opcode.I8x16NarrowI16x8S).Set(vector).Get(vector).Get(vector);
                    w.Code.I8x16Shuffle(s_quads);
                    w.Set(vector).Get(destination).Get(vector).Memory(Opcode.V128Store, (uint)half);
                    w.Get(vector).Get(ones).Get(sum).Op(Opcode.I32x4RelaxedDotI8x16I7x16AddS).Set(sum);
                }
                w.Increment(source, 2 * IntegerGemmEmitter.PanelColumns * 4).Increment(destination, IntegerGemmEmitter.PanelColumns * 4);
            }
            w.For(quad, 0, pairs / 2, 1, () => Quad(secondPair: true));
            if (pairs % 2 == 1)
            {
                Quad(secondPair: false);
            }
            // sums[panel * 8 ..] = 64 * sum
            foreach (var (half, sum) in new[] { (0, sumLow), (16, sumHigh) })
            {
                w.Get(panel).I32(IntegerGemmEmitter.PanelColumns * 4).Op(Opcode.I32Mul).Get(sum).I32(6).Op(Opcode.I32x4Shl).Memory(Opcode.V128Store, (uint)(columnSums + half));
            }
        });
    }

    /// <summary>s: what x' = x - s subtracts to bring x into int8 (128 for uint8).</summary>
    private static int Shift(DataType xType) => xType == DataType.UInt8 ? 128 : 0;
}
