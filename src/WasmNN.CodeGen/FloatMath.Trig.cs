using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.CodeGen;

/// <summary>The circular functions: sin, cos and tan of f32 lanes, computed in f64.</summary>
/// <remarks>
/// Argument reduction is where float sin/cos lose accuracy: near a multiple of pi/2 the reduced argument r is tiny
/// and an f32 Cody-Waite reduction leaves an absolute error of about 2^-35 in it, tens of ulps of the result. So
/// each f32 is widened to f64 (exactly), reduced there by x = k pi/2 + r with k = round(x 2/pi) and pi/2 in two
/// parts (the first with 33 bits, so k times it is exact for |k| &lt; 2^20, i.e. |x| &lt; 1.6e6), and sin r, cos r
/// come from the fdlibm kernel polynomials on |r| &lt;= pi/4 (relative error below 2^-58); one rounding to f32 at the
/// end. Measured by <c>FloatMathTests</c>: within 0.5 ulp of the correctly rounded result over |x| &lt;= 1e4 (tan
/// within 1 ulp). Beyond 1.6e6 the product k pi/2 rounds, an absolute error of about |x| 2^-53 in r (still below
/// 1e-6 at |x| = 1e9); the results are clamped to [-1, 1], so even |x| near float.MaxValue gives a bounded
/// (meaningless) value. NaN and infinities give NaN. f32x4 lanes are processed as two f64x2 halves.
/// </remarks>
public static partial class FloatMath
{
    private const double TwoOverPi = 0.636619772367581343076;
    private const double PiOver2High = 1.57079632673412561417;   // first 33 bits of pi/2 (fdlibm pio2_1)
    private const double PiOver2Low = 6.07710050650619224932e-11; // pi/2 - PiOver2High (fdlibm pio2_1t)
    private const float SinSmall = 1.0e-4f; // below it sin x and tan x round to x in f32 (keeps -0 and subnormals exact)

    private static readonly double[] s_sinCoefficients =
        [1.58969099521155010221e-10, -2.50507602534068634195e-08, 2.75573137070700676789e-06, -1.98412698298579493134e-04,
         8.33333333332248946124e-03, -1.66666666666666324348e-01];

    private static readonly double[] s_cosCoefficients =
        [-1.13596475577881948265e-11, 2.08757232129817482790e-09, -2.75573143513906633035e-07, 2.48015872894767294178e-05,
         -1.38888888888741095749e-03, 4.16666666666666019037e-02];

    private enum Circular { Sin, Cos, Tan }

    /// <summary>Replaces x on the stack by sin x.</summary>
    public static FunctionBuilder Sin(this FunctionBuilder b, int n) => CircularFunction(b, n, Circular.Sin);

    /// <summary>Replaces x on the stack by cos x.</summary>
    public static FunctionBuilder Cos(this FunctionBuilder b, int n) => CircularFunction(b, n, Circular.Cos);

    /// <summary>Replaces x on the stack by tan x.</summary>
    public static FunctionBuilder Tan(this FunctionBuilder b, int n) => CircularFunction(b, n, Circular.Tan);

    private static FunctionBuilder CircularFunction(FunctionBuilder b, int n, Circular function)
    {
        var x = b.VectorLocal(n);
        b.Set(x);
        if (n == FunctionBuilder.VectorWidth)
        {
            // Lanes 0-1 and 2-3 as two f64x2, each demoted back into lanes 0-1 of a v128, then the halves joined.
            b.Get(x).Op(Opcode.F64x2PromoteLowF32x4);
            CircularInDoubles(b, 2, function);
            b.Op(Opcode.F32x4DemoteF64x2Zero);
            b.Get(x).Get(x).Code.I8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
            b.Op(Opcode.F64x2PromoteLowF32x4);
            CircularInDoubles(b, 2, function);
            b.Op(Opcode.F32x4DemoteF64x2Zero);
            b.Code.I8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
        }
        else
        {
            b.Get(x).Op(Opcode.F64PromoteF32);
            CircularInDoubles(b, 1, function);
            b.Op(Opcode.F32DemoteF64);
        }
        if (function == Circular.Cos)
        {
            return b;
        }
        // sin x = tan x = x for tiny x, which also keeps the sign of -0 (the reduction would give +0).
        var result = b.VectorLocal(n);
        b.Set(result);
        return Choose(b, n, () => b.Get(x), () => b.Get(result), () => b.Get(x).Abs(n).Constant(n, SinSmall).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
    }

    /// <summary>
    /// Replaces the doubles on the stack (f64 at <paramref name="lanes"/> 1, f64x2 at 2) by the function of them.
    /// </summary>
    private static void CircularInDoubles(FunctionBuilder b, int lanes, Circular function)
    {
        var d = new DoubleLanes(b, lanes);
        var x = d.Local();
        var k = d.Local();
        var r = d.Local();
        var z = d.Local();
        var sine = d.Local();
        var cosine = d.Local();
        var quadrant = d.Local();
        b.Set(x);
        b.Get(x); d.Constant(TwoOverPi); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); d.Op(Opcode.F64Nearest, Opcode.F64x2Nearest); b.Set(k);
        b.Get(x).Get(k); d.Constant(PiOver2High); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); d.Op(Opcode.F64Sub, Opcode.F64x2Sub);
        b.Get(k); d.Constant(PiOver2Low); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); d.Op(Opcode.F64Sub, Opcode.F64x2Sub); b.Tee(r);
        b.Get(r); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); b.Set(z);
        // sin r = r + r z S(z); cos r = 1 - z/2 + z^2 C(z).
        d.Polynomial(z, s_sinCoefficients);
        b.Get(z); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); b.Get(r); d.Op(Opcode.F64Mul, Opcode.F64x2Mul);
        b.Get(r); d.Op(Opcode.F64Add, Opcode.F64x2Add); b.Set(sine);
        d.Polynomial(z, s_cosCoefficients);
        b.Get(z); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); b.Get(z); d.Op(Opcode.F64Mul, Opcode.F64x2Mul);
        b.Get(z); d.Constant(0.5); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); d.Op(Opcode.F64Sub, Opcode.F64x2Sub);
        d.Constant(1); d.Op(Opcode.F64Add, Opcode.F64x2Add); b.Set(cosine);
        // The quadrant k mod 4 (cos x = sin(x + pi/2): one quadrant on), as a double in {0, 1, 2, 3}.
        b.Get(k);
        if (function == Circular.Cos)
        {
            d.Constant(1); d.Op(Opcode.F64Add, Opcode.F64x2Add);
        }
        b.Set(quadrant);
        b.Get(quadrant);
        b.Get(quadrant); d.Constant(0.25); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); d.Op(Opcode.F64Floor, Opcode.F64x2Floor);
        d.Constant(4); d.Op(Opcode.F64Mul, Opcode.F64x2Mul); d.Op(Opcode.F64Sub, Opcode.F64x2Sub); b.Set(quadrant);
        var odd = d.Mask(() => { b.Get(quadrant); d.Constant(1); d.Op(Opcode.F64Eq, Opcode.F64x2Eq); b.Get(quadrant); d.Constant(3); d.Op(Opcode.F64Eq, Opcode.F64x2Eq); d.Or(); });
        if (function == Circular.Tan)
        {
            // Odd quadrants: tan x = -cos r / sin r; even: sin r / cos r.
            d.Choose(() => { b.Get(cosine); d.Op(Opcode.F64Neg, Opcode.F64x2Neg); }, () => b.Get(sine), odd);
            d.Choose(() => b.Get(sine), () => b.Get(cosine), odd);
            d.Op(Opcode.F64Div, Opcode.F64x2Div);
            return;
        }
        d.Choose(() => b.Get(cosine), () => b.Get(sine), odd);
        var negative = d.Mask(() => { b.Get(quadrant); d.Constant(2); d.Op(Opcode.F64Ge, Opcode.F64x2Ge); });
        var value = d.Local();
        b.Set(value);
        d.Choose(() => { b.Get(value); d.Op(Opcode.F64Neg, Opcode.F64x2Neg); }, () => b.Get(value), negative);
        d.Constant(1); d.Op(Opcode.F64Min, Opcode.F64x2Min); d.Constant(-1); d.Op(Opcode.F64Max, Opcode.F64x2Max);
    }

    /// <summary>f64 arithmetic at 1 lane (f64) or 2 (f64x2 in a v128); comparisons give an i32 or a lane mask.</summary>
    private readonly struct DoubleLanes(FunctionBuilder b, int lanes)
    {
        private bool Vector => lanes == 2;

        public uint Local() => b.Local(Vector ? ValueType.V128 : ValueType.F64);

        public void Op(Opcode scalar, Opcode vector) => b.Op(Vector ? vector : scalar);

        public void Constant(double value)
        {
            b.Code.F64Const(value);
            if (Vector)
            {
                b.Op(Opcode.F64x2Splat);
            }
        }

        public void Or() => b.Op(Vector ? Opcode.V128Or : Opcode.I32Or);

        /// <summary>Evaluates <paramref name="condition"/> into a fresh mask local.</summary>
        public uint Mask(Action condition)
        {
            var mask = b.Local(Vector ? ValueType.V128 : ValueType.I32);
            condition();
            b.Set(mask);
            return mask;
        }

        public void Choose(Action ifTrue, Action ifFalse, uint condition)
        {
            ifTrue();
            ifFalse();
            b.Get(condition).Op(Vector ? Opcode.V128Bitselect : Opcode.Select);
        }

        /// <summary>Pushes <c>c0 v^(m-1) + ... + c(m-1)</c> by Horner.</summary>
        public void Polynomial(uint v, ReadOnlySpan<double> coefficients)
        {
            Constant(coefficients[0]);
            foreach (var c in coefficients[1..])
            {
                b.Get(v);
                Op(Opcode.F64Mul, Opcode.F64x2Mul);
                Constant(c);
                Op(Opcode.F64Add, Opcode.F64x2Add);
            }
        }
    }
}
