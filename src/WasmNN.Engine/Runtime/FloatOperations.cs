using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WasmNN.Engine.Runtime;

/// <summary>Float operations whose wasm semantics differ from the plain .NET ones (NaN propagation, rounding).</summary>
internal static class FloatOperations
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Min(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : MathF.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : Math.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float CopySign(float magnitude, float sign) => BitConverter.Int32BitsToSingle(
        (BitConverter.SingleToInt32Bits(magnitude) & int.MaxValue) | (BitConverter.SingleToInt32Bits(sign) & int.MinValue));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double CopySign(double magnitude, double sign) => BitConverter.Int64BitsToDouble(
        (BitConverter.DoubleToInt64Bits(magnitude) & long.MaxValue) | (BitConverter.DoubleToInt64Bits(sign) & long.MinValue));

    /// <summary>An f32 from its bits, kept out of line so the JIT cannot turn it into a (quieted) constant.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float SingleFromBits(int bits) => BitConverter.Int32BitsToSingle(bits);

    /// <summary>
    /// f32.reinterpret_i32. Not <see cref="BitConverter.Int32BitsToSingle"/>: the .NET 10 JIT (fully optimised code)
    /// folds that over a narrow load (<c>i32.load8_u/16_u/16_s</c>, directly or through a local) into a 4-byte
    /// <c>movd xmm, [mem]</c>, reading two bytes past the value (found by the differential fuzzer against wasmtime;
    /// the f64 and i32-from-f32 forms are correct). The vector route compiles to the same single <c>movd</c> from a register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ReinterpretAsSingle(int bits) => Vector128.CreateScalarUnsafe(bits).AsSingle().ToScalar();

    /// <summary>Returns its argument; out of line so the JIT cannot fold arithmetic with a constant identity.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Opaque(float value) => value;

    /// <summary>Returns its argument; out of line so the JIT cannot fold arithmetic with a constant identity.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static double Opaque(double value) => value;

    /// <summary>u64 -> f32 with one rounding (going through double would round twice).</summary>
    internal static float ConvertUInt64ToSingle(ulong value)
    {
        if ((long)value >= 0) return (long)value;
        // Halve with the lost bit kept sticky so the final rounding is still correct, then double.
        float half = (long)((value >> 1) | (value & 1));
        return half + half;
    }

    internal static double ConvertUInt64ToDouble(ulong value)
    {
        if ((long)value >= 0) return (long)value;
        double half = (long)((value >> 1) | (value & 1));
        return half + half;
    }
}
