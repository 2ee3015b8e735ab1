using WasmNN.Wasm.Instructions;

namespace WasmNN.CodeGen;

/// <summary>sinh, cosh and the inverse hyperbolic functions, from exp and log (and the Cephes polynomials near 0).</summary>
/// <remarks>
/// Each works on a = |x| and restores the sign (sinh, asinh, atanh are odd; cosh is even). Near 0, where the
/// exp/log forms cancel, the Cephes single-precision polynomials take over. Accuracy measured by
/// <c>FloatMathTests</c> is stated there per function. Outside a domain (acosh below 1, atanh beyond 1) the result
/// is NaN; NaN in gives NaN out.
/// </remarks>
public static partial class FloatMath
{
    private const float Ln2 = 0.693147180559945309f;
    private const float ExpSafe = 88f;       // below it e^a is finite; above, e^a is formed as (e^(a/2) / 2) e^(a/2)
    private const float HyperbolicSmall = 1f; // below it sinh by its polynomial (Cephes sinhf)
    private const float InverseLarge = 1500f; // above it asinh a = acosh a = ln a + ln 2 to float precision (and a^2 may overflow)

    /// <summary>Replaces x on the stack by sinh x.</summary>
    public static FunctionBuilder Sinh(this FunctionBuilder b, int n)
    {
        var (x, a, z, half) = (b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n));
        b.Tee(x).Abs(n).Set(a);
        HalfExp(b, n, a, half);
        Choose(b, n,
            () =>
            {
                b.Get(a).Get(a).Mul(n).Set(z);
                Polynomial(b, n, z, [2.03721912945E-4f, 8.33028376239E-3f, 1.66667160211E-1f]);
                b.Get(z).Mul(n).Get(a).Mul(n).Get(a).Add(n);
            },
            // e^a / 2 - e^-a / 2 = half - 1 / (4 half).
            () => b.Get(half).Constant(n, 0.25f).Get(half).Div(n).Sub(n),
            () => b.Get(a).Constant(n, HyperbolicSmall).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        return CopySign(b, n, x);
    }

    /// <summary>Replaces x on the stack by cosh x: e^|x| / 2 + e^-|x| / 2.</summary>
    public static FunctionBuilder Cosh(this FunctionBuilder b, int n)
    {
        var (a, half) = (b.VectorLocal(n), b.VectorLocal(n));
        b.Abs(n).Set(a);
        HalfExp(b, n, a, half);
        return b.Get(half).Constant(n, 0.25f).Get(half).Div(n).Add(n);
    }

    /// <summary>Sets <paramref name="half"/> to e^a / 2 without overflowing before the result does (a &gt;= 0).</summary>
    private static void HalfExp(FunctionBuilder b, int n, uint a, uint half)
    {
        var root = b.VectorLocal(n);
        b.Get(a).Constant(n, 0.5f).Mul(n).Exp(n).Set(root);
        Choose(b, n,
            () => b.Get(a).Exp(n).Constant(n, 0.5f).Mul(n),
            () => b.Get(root).Constant(n, 0.5f).Mul(n).Get(root).Mul(n),
            () => b.Get(a).Constant(n, ExpSafe).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        b.Set(half);
    }

    /// <summary>Replaces x on the stack by asinh x = ln(|x| + sqrt(x^2 + 1)) with the sign of x.</summary>
    public static FunctionBuilder Asinh(this FunctionBuilder b, int n)
    {
        var (x, a, z) = (b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n));
        b.Tee(x).Abs(n).Set(a);
        b.Get(a).Get(a).Mul(n).Set(z);
        Choose(b, n,
            () =>
            {
                Polynomial(b, n, z, [2.0122003309E-2f, -4.2699340972E-2f, 7.4847586088E-2f, -1.6666288134E-1f]);
                b.Get(z).Mul(n).Get(a).Mul(n).Get(a).Add(n);
            },
            () => Choose(b, n,
                () => b.Get(a).Log(n).Constant(n, Ln2).Add(n),
                () => b.Get(a).Get(z).Constant(n, 1).Add(n).Op(n, Opcode.F32Sqrt, Opcode.F32x4Sqrt).Add(n).Log(n),
                () => b.Get(a).Constant(n, InverseLarge).Op(n, Opcode.F32Gt, Opcode.F32x4Gt)),
            () => b.Get(a).Constant(n, 0.5f).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        return CopySign(b, n, x);
    }

    /// <summary>Replaces x on the stack by acosh x = ln(x + sqrt(x^2 - 1)); NaN below 1.</summary>
    public static FunctionBuilder Acosh(this FunctionBuilder b, int n)
    {
        var (x, z) = (b.VectorLocal(n), b.VectorLocal(n));
        b.Tee(x).Constant(n, 1).Sub(n).Set(z);
        return Choose(b, n,
            () =>
            {
                // Cephes acoshf near 1: sqrt(z) P(z), z = x - 1 (negative z gives NaN through the sqrt).
                Polynomial(b, n, z, [1.7596881071E-3f, -7.5272886713E-3f, 2.6454905019E-2f, -1.1784741703E-1f, 1.4142135263E0f]);
                b.Get(z).Op(n, Opcode.F32Sqrt, Opcode.F32x4Sqrt).Mul(n);
            },
            () => Choose(b, n,
                () => b.Get(x).Log(n).Constant(n, Ln2).Add(n),
                () => b.Get(x).Get(z).Get(x).Constant(n, 1).Add(n).Mul(n).Op(n, Opcode.F32Sqrt, Opcode.F32x4Sqrt).Add(n).Log(n),
                () => b.Get(x).Constant(n, InverseLarge).Op(n, Opcode.F32Gt, Opcode.F32x4Gt)),
            () => b.Get(z).Constant(n, 0.5f).Op(n, Opcode.F32Lt, Opcode.F32x4Lt)
                .Get(z).Get(z).Op(n, Opcode.F32Ne, Opcode.F32x4Ne).Op(n, Opcode.I32Or, Opcode.V128Or));
    }

    /// <summary>Replaces x on the stack by atanh x = ln((1 + x) / (1 - x)) / 2; NaN beyond 1, +-inf at +-1.</summary>
    public static FunctionBuilder Atanh(this FunctionBuilder b, int n)
    {
        var (x, a, z) = (b.VectorLocal(n), b.VectorLocal(n), b.VectorLocal(n));
        b.Tee(x).Abs(n).Set(a);
        b.Get(a).Get(a).Mul(n).Set(z);
        Choose(b, n,
            () =>
            {
                Polynomial(b, n, z, [1.81740078349E-1f, 8.24370301058E-2f, 1.46691431730E-1f, 1.99782164500E-1f, 3.33337300303E-1f]);
                b.Get(z).Mul(n).Get(a).Mul(n).Get(a).Add(n);
            },
            () => b.Constant(n, 1).Get(a).Add(n).Constant(n, 1).Get(a).Sub(n).Div(n).Log(n).Constant(n, 0.5f).Mul(n),
            () => b.Get(a).Constant(n, 0.5f).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        return CopySign(b, n, x);
    }
}
