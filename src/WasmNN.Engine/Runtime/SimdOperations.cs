using System.Runtime.Intrinsics;

namespace WasmNN.Engine.Runtime;

/// <summary>
/// Scalar definitions of the SIMD instructions the IL compiler lowers to one x86 instruction where the CPU has it
/// (pavgb, pmaddwd, packsswb...). Generated code calls these only on CPUs without that instruction; each follows the
/// wasm spec's lane-wise definition. Operands and results are <c>Vector128&lt;byte&gt;</c> like every v128 in IL.
/// </summary>
internal static class SimdOperations
{
    /// <summary>i8x16.avgr_u: (a + b + 1) / 2 per lane.</summary>
    public static Vector128<byte> AverageRoundedU8(Vector128<byte> a, Vector128<byte> b)
    {
        Span<byte> r = stackalloc byte[16];
        for (int i = 0; i < 16; i++) r[i] = (byte)((a[i] + b[i] + 1) >> 1);
        return Vector128.Create((ReadOnlySpan<byte>)r);
    }

    /// <summary>i16x8.avgr_u.</summary>
    public static Vector128<byte> AverageRoundedU16(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsUInt16();
        var y = b.AsUInt16();
        Span<ushort> r = stackalloc ushort[8];
        for (int i = 0; i < 8; i++) r[i] = (ushort)((x[i] + y[i] + 1) >> 1);
        return Vector128.Create((ReadOnlySpan<ushort>)r).AsByte();
    }

    /// <summary>i16x8.q15mulr_sat_s: (a * b + 0x4000) &gt;&gt; 15, saturated.</summary>
    public static Vector128<byte> Q15MulrSat(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsInt16();
        var y = b.AsInt16();
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = SaturateI16((x[i] * y[i] + 0x4000) >> 15);
        return Vector128.Create((ReadOnlySpan<short>)r).AsByte();
    }

    /// <summary>i32x4.dot_i16x8_s: sums of adjacent signed 16-bit products.</summary>
    public static Vector128<byte> DotI16x8(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsInt16();
        var y = b.AsInt16();
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1]);
        return Vector128.Create((ReadOnlySpan<int>)r).AsByte();
    }

    /// <summary>i16x8.extadd_pairwise_i8x16_s.</summary>
    public static Vector128<byte> ExtaddPairwiseI8x16S(Vector128<byte> a)
    {
        var x = a.AsSByte();
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = (short)(x[2 * i] + x[2 * i + 1]);
        return Vector128.Create((ReadOnlySpan<short>)r).AsByte();
    }

    /// <summary>i16x8.extadd_pairwise_i8x16_u.</summary>
    public static Vector128<byte> ExtaddPairwiseI8x16U(Vector128<byte> a)
    {
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = (short)(a[2 * i] + a[2 * i + 1]);
        return Vector128.Create((ReadOnlySpan<short>)r).AsByte();
    }

    /// <summary>i32x4.extadd_pairwise_i16x8_s.</summary>
    public static Vector128<byte> ExtaddPairwiseI16x8S(Vector128<byte> a)
    {
        var x = a.AsInt16();
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = x[2 * i] + x[2 * i + 1];
        return Vector128.Create((ReadOnlySpan<int>)r).AsByte();
    }

    /// <summary>i32x4.extadd_pairwise_i16x8_u.</summary>
    public static Vector128<byte> ExtaddPairwiseI16x8U(Vector128<byte> a)
    {
        var x = a.AsUInt16();
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = x[2 * i] + x[2 * i + 1];
        return Vector128.Create((ReadOnlySpan<int>)r).AsByte();
    }

    /// <summary>i8x16.narrow_i16x8_s: a's lanes then b's, saturated to i8.</summary>
    public static Vector128<byte> NarrowI16x8S(Vector128<byte> a, Vector128<byte> b) =>
        Narrow16(a, b, static v => (byte)(sbyte)Math.Clamp(v, sbyte.MinValue, sbyte.MaxValue));

    /// <summary>i8x16.narrow_i16x8_u: signed lanes saturated to u8.</summary>
    public static Vector128<byte> NarrowI16x8U(Vector128<byte> a, Vector128<byte> b) =>
        Narrow16(a, b, static v => (byte)Math.Clamp(v, byte.MinValue, byte.MaxValue));

    /// <summary>i16x8.narrow_i32x4_s.</summary>
    public static Vector128<byte> NarrowI32x4S(Vector128<byte> a, Vector128<byte> b) =>
        Narrow32(a, b, static v => (ushort)(short)Math.Clamp(v, short.MinValue, short.MaxValue));

    /// <summary>i16x8.narrow_i32x4_u.</summary>
    public static Vector128<byte> NarrowI32x4U(Vector128<byte> a, Vector128<byte> b) =>
        Narrow32(a, b, static v => (ushort)Math.Clamp(v, ushort.MinValue, ushort.MaxValue));

    /// <summary>x86 minps: a &lt; b ? a : b (b when unordered or both zero).</summary>
    public static Vector128<byte> MinNativeF32(Vector128<byte> a, Vector128<byte> b) =>
        Vector128.ConditionalSelect(Vector128.LessThan(a.AsSingle(), b.AsSingle()), a.AsSingle(), b.AsSingle()).AsByte();

    /// <summary>x86 maxps: a &gt; b ? a : b.</summary>
    public static Vector128<byte> MaxNativeF32(Vector128<byte> a, Vector128<byte> b) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(a.AsSingle(), b.AsSingle()), a.AsSingle(), b.AsSingle()).AsByte();

    /// <summary>x86 minpd.</summary>
    public static Vector128<byte> MinNativeF64(Vector128<byte> a, Vector128<byte> b) =>
        Vector128.ConditionalSelect(Vector128.LessThan(a.AsDouble(), b.AsDouble()), a.AsDouble(), b.AsDouble()).AsByte();

    /// <summary>x86 maxpd.</summary>
    public static Vector128<byte> MaxNativeF64(Vector128<byte> a, Vector128<byte> b) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(a.AsDouble(), b.AsDouble()), a.AsDouble(), b.AsDouble()).AsByte();

    /// <summary>i16x8.relaxed_dot_i8x16_i7x16_s where pmaddubsw is missing: signed products, wrapping sums.</summary>
    public static Vector128<byte> DotI8x16I7x16S(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsSByte();
        var y = b.AsSByte();
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = unchecked((short)(x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1]));
        return Vector128.Create((ReadOnlySpan<short>)r).AsByte();
    }

    /// <summary>i32x4.relaxed_dot_i8x16_i7x16_add_s where pmaddubsw is missing.</summary>
    public static Vector128<byte> DotI8x16I7x16AddS(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c)
    {
        var dot = DotI8x16I7x16S(a, b).AsInt16();
        var acc = c.AsInt32();
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(dot[2 * i] + dot[2 * i + 1] + acc[i]);
        return Vector128.Create((ReadOnlySpan<int>)r).AsByte();
    }

    private static short SaturateI16(int value) => (short)Math.Clamp(value, short.MinValue, short.MaxValue);

    private static Vector128<byte> Narrow16(Vector128<byte> a, Vector128<byte> b, Func<short, byte> narrow)
    {
        var x = a.AsInt16();
        var y = b.AsInt16();
        Span<byte> r = stackalloc byte[16];
        for (int i = 0; i < 8; i++)
        {
            r[i] = narrow(x[i]);
            r[i + 8] = narrow(y[i]);
        }
        return Vector128.Create((ReadOnlySpan<byte>)r);
    }

    private static Vector128<byte> Narrow32(Vector128<byte> a, Vector128<byte> b, Func<int, ushort> narrow)
    {
        var x = a.AsInt32();
        var y = b.AsInt32();
        Span<ushort> r = stackalloc ushort[8];
        for (int i = 0; i < 4; i++)
        {
            r[i] = narrow(x[i]);
            r[i + 4] = narrow(y[i]);
        }
        return Vector128.Create((ReadOnlySpan<ushort>)r).AsByte();
    }
}
