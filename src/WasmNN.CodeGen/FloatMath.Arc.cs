using WasmNN.Wasm.Instructions;

namespace WasmNN.CodeGen;

/// <summary>The inverse circular functions atan, asin and acos (Cephes atanf/asinf/acosf).</summary>
/// <remarks>
/// Each reduces to a small argument where an odd minimax polynomial holds, and adds back a multiple of pi/4 (atan)
/// or reflects through pi/2 (asin, acos); pi/2 is split in two floats so the reflection keeps its accuracy. Outside
/// [-1, 1] asin and acos give NaN (through a square root of a negative number); atan(+-inf) = +-pi/2.
/// </remarks>
public static partial class FloatMath
{
    private const float PiOver2FloatHigh = 1.57079637f;         // the float nearest pi/2
    private const float PiOver2FloatLow = -4.37113883e-8f;      // pi/2 - PiOver2FloatHigh
    private const float PiOver4 = 0.785398163397448310f;
    private const float Tan3PiOver8 = 2.414213562373095f;
    private const float TanPiOver8 = 0.4142135623730950f;

    /// <summary>Replaces x on the stack by atan x.</summary>
    public static FunctionBuilder Atan(this FunctionBuilder b, int n)
    {
        var (x, a, t, z, offset, big, middle) = (b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n), b.MaskLocal(n), b.MaskLocal(n));
        b.Tee(x).Abs(n).Set(a);
        b.Get(a).Constant(n, Tan3PiOver8).Op(n, Opcode.F32Gt, Opcode.F32x4Gt).Set(big);
        b.Get(a).Constant(n, TanPiOver8).Op(n, Opcode.F32Gt, Opcode.F32x4Gt).Set(middle);
        // a > tan(3pi/8): pi/2 + atan(-1/a); a > tan(pi/8): pi/4 + atan((a - 1) / (a + 1)); else atan a.
        Choose(b, n, () => b.Constant(n, -1).Get(a).Div(n),
            () => Choose(b, n, () => b.Get(a).Constant(n, 1).Sub(n).Get(a).Constant(n, 1).Add(n).Div(n), () => b.Get(a), middle), big);
        b.Set(t);
        Choose(b, n, () => b.Constant(n, PiOver2FloatHigh), () => Choose(b, n, () => b.Constant(n, PiOver4), () => b.Constant(n, 0), middle), big);
        b.Set(offset);
        b.Get(t).Get(t).Mul(n).Set(z);
        Polynomial(b, n, z, [8.05374449538e-2f, -1.38776856032E-1f, 1.99777106478E-1f, -3.33329491539E-1f]);
        b.Get(z).Mul(n).Get(t).Mul(n).Get(t).Add(n).Get(offset).Add(n);
        return CopySign(b, n, x);
    }

    /// <summary>Replaces x on the stack by asin x.</summary>
    public static FunctionBuilder Asin(this FunctionBuilder b, int n)
    {
        var (x, a, s, large) = (b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n), b.MaskLocal(n));
        b.Tee(x).Abs(n).Set(a);
        b.Get(a).Constant(n, 0.5f).Op(n, Opcode.F32Gt, Opcode.F32x4Gt).Set(large);
        // a > 1/2: asin a = pi/2 - 2 asin(sqrt((1 - a) / 2)).
        Choose(b, n, () => b.Constant(n, 1).Get(a).Sub(n).Constant(n, 0.5f).Mul(n).Op(n, Opcode.F32Sqrt, Opcode.F32x4Sqrt), () => b.Get(a), large);
        b.Set(s);
        SmallAsin(b, n, s);
        b.Set(s);
        Choose(b, n, () => b.Constant(n, PiOver2FloatHigh).Get(s).Get(s).Add(n).Sub(n).Constant(n, PiOver2FloatLow).Add(n), () => b.Get(s), large);
        return CopySign(b, n, x);
    }

    /// <summary>Replaces x on the stack by acos x.</summary>
    public static FunctionBuilder Acos(this FunctionBuilder b, int n)
    {
        var (x, s, above, below) = (b.VectorLocal(n), b.VectorLocal(n), b.MaskLocal(n), b.MaskLocal(n));
        b.Set(x);
        b.Get(x).Constant(n, 0.5f).Op(n, Opcode.F32Gt, Opcode.F32x4Gt).Set(above);
        b.Get(x).Constant(n, -0.5f).Op(n, Opcode.F32Lt, Opcode.F32x4Lt).Set(below);
        // x > 1/2: 2 asin(sqrt((1 - x) / 2)); x < -1/2: pi - 2 asin(sqrt((1 + x) / 2)); else pi/2 - asin x.
        Choose(b, n, () => b.Constant(n, 1).Get(x).Abs(n).Sub(n).Constant(n, 0.5f).Mul(n).Op(n, Opcode.F32Sqrt, Opcode.F32x4Sqrt), () => b.Get(x),
            () => b.Get(above).Get(below).Op(n, Opcode.I32Or, Opcode.V128Or));
        b.Set(s);
        SmallAsin(b, n, s);
        b.Set(s);
        return Choose(b, n, () => b.Get(s).Get(s).Add(n),
            () => Choose(b, n,
                () => b.Constant(n, 2 * PiOver2FloatHigh).Get(s).Get(s).Add(n).Sub(n).Constant(n, 2 * PiOver2FloatLow).Add(n),
                () => b.Constant(n, PiOver2FloatHigh).Get(s).Sub(n).Constant(n, PiOver2FloatLow).Add(n), below),
            above);
    }

    /// <summary>Pushes asin s for |s| &lt;= 1/2 (the local <paramref name="s"/>): s + s z P(z), z = s^2.</summary>
    private static void SmallAsin(FunctionBuilder b, int n, uint s)
    {
        var z = b.VectorLocal(n);
        b.Get(s).Get(s).Mul(n).Set(z);
        Polynomial(b, n, z, [4.2163199048E-2f, 2.4181311049E-2f, 4.5470025998E-2f, 7.4953002686E-2f, 1.6666752422E-1f]);
        b.Get(z).Mul(n).Get(s).Mul(n).Get(s).Add(n);
    }
}
