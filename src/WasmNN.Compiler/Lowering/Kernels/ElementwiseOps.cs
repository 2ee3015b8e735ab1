using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The float32 elementwise operators as wasm: one emitter per op, written once over a lane width (f32x4 or f32),
/// so the SIMD loop and the scalar tail share it. Operands arrive in locals (null for an absent optional input);
/// the result is left on the stack.
/// </summary>
internal static class ElementwiseOps
{
    private delegate void Emitter(FunctionBuilder w, int width, OperatorAttributes attributes, uint?[] x);

    private static readonly Dictionary<string, Emitter> s_emitters = new()
    {
        ["Relu"] = (w, n, _, x) => w.Get(x[0]!.Value).Constant(n, 0).Max(n),
        ["Neg"] = (w, n, _, x) => w.Get(x[0]!.Value).Neg(n),
        ["Abs"] = (w, n, _, x) => w.Get(x[0]!.Value).Abs(n),
        ["Sqrt"] = (w, n, _, x) => w.Get(x[0]!.Value).Op(n, Opcode.F32Sqrt, Opcode.F32x4Sqrt),
        ["Floor"] = (w, n, _, x) => w.Get(x[0]!.Value).Op(n, Opcode.F32Floor, Opcode.F32x4Floor),
        ["Ceil"] = (w, n, _, x) => w.Get(x[0]!.Value).Op(n, Opcode.F32Ceil, Opcode.F32x4Ceil),
        ["Round"] = (w, n, _, x) => w.Get(x[0]!.Value).Op(n, Opcode.F32Nearest, Opcode.F32x4Nearest),
        ["Reciprocal"] = (w, n, _, x) => w.Constant(n, 1).Get(x[0]!.Value).Div(n),
        ["Softsign"] = (w, n, _, x) => w.Get(x[0]!.Value).Constant(n, 1).Get(x[0]!.Value).Abs(n).Add(n).Div(n),
        ["LeakyRelu"] = (w, n, a, x) => Select(w, n, x[0]!.Value, () => w.Get(x[0]!.Value).Constant(n, ((LeakyReluAttributes)a).Alpha).Mul(n),
            () => w.Get(x[0]!.Value).Constant(n, 0).Op(n, Opcode.F32Ge, Opcode.F32x4Ge)),
        ["ThresholdedRelu"] = (w, n, a, x) => Select(w, n, x[0]!.Value, () => w.Constant(n, 0),
            () => w.Get(x[0]!.Value).Constant(n, ((ThresholdedReluAttributes)a).Alpha).Op(n, Opcode.F32Gt, Opcode.F32x4Gt)),
        ["HardSigmoid"] = (w, n, a, x) => w.Get(x[0]!.Value).Constant(n, ((HardSigmoidAttributes)a).Alpha).Mul(n)
            .Constant(n, ((HardSigmoidAttributes)a).Beta).Add(n).Constant(n, 1).Min(n).Constant(n, 0).Max(n),
        ["HardSwish"] = (w, n, _, x) => w.Get(x[0]!.Value).Get(x[0]!.Value).Constant(n, 1f / 6).Mul(n).Constant(n, 0.5f).Add(n)
            .Constant(n, 1).Min(n).Constant(n, 0).Max(n).Mul(n),
        ["Clip"] = EmitClip,
        ["Gelu"] = EmitGelu,
        // a - b * trunc(a / b) (fmod) or a - b * floor(a / b).
        ["Mod"] = (w, n, a, x) => w.Get(x[0]!.Value).Get(x[0]!.Value).Get(x[1]!.Value).Div(n)
            .Op(n, ((ModAttributes)a).Fmod ? Opcode.F32Trunc : Opcode.F32Floor, ((ModAttributes)a).Fmod ? Opcode.F32x4Trunc : Opcode.F32x4Floor)
            .Get(x[1]!.Value).Mul(n).Sub(n),
        ["Exp"] = (w, n, _, x) => w.Get(x[0]!.Value).Exp(n),
        ["Sigmoid"] = (w, n, _, x) => w.Get(x[0]!.Value).Sigmoid(n),
        // x * sigmoid(alpha * x) in the operations of Mul(x, Sigmoid(x)), so a Swish node gives the bits of the pair it stands for.
        ["Swish"] = (w, n, a, x) =>
        {
            var alpha = ((SwishAttributes)a).Alpha;
            w.Get(x[0]!.Value).Get(x[0]!.Value);
            if (alpha != 1)
            {
                w.Constant(n, alpha).Mul(n);
            }
            w.Sigmoid(n).Mul(n);
        },
        ["Tanh"] = (w, n, _, x) => w.Get(x[0]!.Value).Tanh(n),
        ["Sin"] = (w, n, _, x) => w.Get(x[0]!.Value).Sin(n),
        ["Cos"] = (w, n, _, x) => w.Get(x[0]!.Value).Cos(n),
        ["Tan"] = (w, n, _, x) => w.Get(x[0]!.Value).Tan(n),
        ["Sinh"] = (w, n, _, x) => w.Get(x[0]!.Value).Sinh(n),
        ["Cosh"] = (w, n, _, x) => w.Get(x[0]!.Value).Cosh(n),
        ["Asin"] = (w, n, _, x) => w.Get(x[0]!.Value).Asin(n),
        ["Acos"] = (w, n, _, x) => w.Get(x[0]!.Value).Acos(n),
        ["Atan"] = (w, n, _, x) => w.Get(x[0]!.Value).Atan(n),
        ["Asinh"] = (w, n, _, x) => w.Get(x[0]!.Value).Asinh(n),
        ["Acosh"] = (w, n, _, x) => w.Get(x[0]!.Value).Acosh(n),
        ["Atanh"] = (w, n, _, x) => w.Get(x[0]!.Value).Atanh(n),
        ["Elu"] = (w, n, a, x) => Select(w, n, x[0]!.Value,
            () => w.Get(x[0]!.Value).Exp(n).Constant(n, 1).Sub(n).Constant(n, ((EluAttributes)a).Alpha).Mul(n),
            () => w.Get(x[0]!.Value).Constant(n, 0).Op(n, Opcode.F32Gt, Opcode.F32x4Gt)),
        ["Selu"] = (w, n, a, x) =>
        {
            var s = (SeluAttributes)a;
            Select(w, n, x[0]!.Value, () => w.Get(x[0]!.Value).Exp(n).Constant(n, s.Alpha).Mul(n).Constant(n, s.Alpha).Sub(n),
                () => w.Get(x[0]!.Value).Constant(n, 0).Op(n, Opcode.F32Gt, Opcode.F32x4Gt));
            w.Constant(n, s.Gamma).Mul(n);
        },
        ["Celu"] = (w, n, a, x) =>
        {
            var alpha = ((CeluAttributes)a).Alpha;
            w.Get(x[0]!.Value).Constant(n, 0).Max(n);
            w.Get(x[0]!.Value).Constant(n, alpha).Div(n).Exp(n).Constant(n, 1).Sub(n).Constant(n, alpha).Mul(n).Constant(n, 0).Min(n).Add(n);
        },
        ["Log"] = (w, n, _, x) => w.Get(x[0]!.Value).Log(n),
        ["Erf"] = (w, n, _, x) => w.Get(x[0]!.Value).Erf(n),
        // ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow for large x.
        ["Softplus"] = (w, n, _, x) => w.Get(x[0]!.Value).Constant(n, 0).Max(n)
            .Get(x[0]!.Value).Abs(n).Neg(n).Exp(n).Constant(n, 1).Add(n).Log(n).Add(n),
        // x * tanh(softplus(x)), softplus as above.
        ["Mish"] = (w, n, _, x) => w.Get(x[0]!.Value).Get(x[0]!.Value).Constant(n, 0).Max(n)
            .Get(x[0]!.Value).Abs(n).Neg(n).Exp(n).Constant(n, 1).Add(n).Log(n).Add(n).Tanh(n).Mul(n),
        ["Shrink"] = (w, n, a, x) =>
        {
            var s = (ShrinkAttributes)a;
            FloatMath.Choose(w, n, () => w.Get(x[0]!.Value).Constant(n, s.Bias).Add(n),
                () => FloatMath.Choose(w, n, () => w.Get(x[0]!.Value).Constant(n, s.Bias).Sub(n), () => w.Constant(n, 0),
                    () => w.Get(x[0]!.Value).Constant(n, s.Lambd).Op(n, Opcode.F32Gt, Opcode.F32x4Gt)),
                () => w.Get(x[0]!.Value).Constant(n, -s.Lambd).Op(n, Opcode.F32Lt, Opcode.F32x4Lt));
        },
        ["Sign"] = (w, n, _, x) =>
        {
            var positive = w.MaskLocal(n);
            var negative = w.MaskLocal(n);
            w.Get(x[0]!.Value).Constant(n, 0).Op(n, Opcode.F32Gt, Opcode.F32x4Gt).Set(positive);
            w.Get(x[0]!.Value).Constant(n, 0).Op(n, Opcode.F32Lt, Opcode.F32x4Lt).Set(negative);
            FloatMath.Choose(w, n, () => w.Constant(n, 1),
                () => FloatMath.Choose(w, n, () => w.Constant(n, -1), () => w.Get(x[0]!.Value), negative), positive);
        },
        ["PRelu"] = (w, n, _, x) => Select(w, n, x[0]!.Value, () => w.Get(x[0]!.Value).Get(x[1]!.Value).Mul(n),
            () => w.Get(x[0]!.Value).Constant(n, 0).Op(n, Opcode.F32Ge, Opcode.F32x4Ge)),
        ["Pow"] = EmitPow,
        // Only as a fused epilogue step, where fusion guarantees float32 to float32 (CastKernel lowers the node).
        ["Cast"] = (w, _, _, x) => w.Get(x[0]!.Value),
        ["Add"] = (w, n, _, x) => w.Get(x[0]!.Value).Get(x[1]!.Value).Add(n),
        ["Sub"] = (w, n, _, x) => w.Get(x[0]!.Value).Get(x[1]!.Value).Sub(n),
        ["Mul"] = (w, n, _, x) => w.Get(x[0]!.Value).Get(x[1]!.Value).Mul(n),
        ["Div"] = (w, n, _, x) => w.Get(x[0]!.Value).Get(x[1]!.Value).Div(n),
        ["Sum"] = (w, n, _, x) => Fold(w, x, () => w.Add(n)),
        ["Max"] = (w, n, _, x) => Fold(w, x, () => w.Max(n)),
        ["Min"] = (w, n, _, x) => Fold(w, x, () => w.Min(n)),
        ["Mean"] = (w, n, _, x) =>
        {
            Fold(w, x, () => w.Add(n));
            w.Constant(n, x.Count(v => v is not null)).Div(n);
        },
    };

    /// <summary>The op types this table lowers as standalone elementwise kernels (Cast has its own kernel).</summary>
    public static IEnumerable<string> OpTypes => s_emitters.Keys.Where(op => op != "Cast");

    /// <summary>True when <paramref name="opType"/> has an emitter.</summary>
    public static bool Supports(string opType) => s_emitters.ContainsKey(opType);

    /// <summary>Pushes <c>op(x...)</c> at <paramref name="width"/> lanes; operands are locals of that width.</summary>
    public static void Emit(FunctionBuilder w, int width, string opType, OperatorAttributes attributes, uint?[] operands) =>
        s_emitters[opType](w, width, attributes, operands);

    /// <summary>0.5 x (1 + erf(x / sqrt 2)), or with tanh(sqrt(2 / pi) (x + 0.044715 x^3)) for approximate = tanh.</summary>
    private static void EmitGelu(FunctionBuilder w, int n, OperatorAttributes attributes, uint?[] operands)
    {
        var x = operands[0]!.Value;
        w.Get(x).Constant(n, 0.5f).Mul(n);
        if (((GeluAttributes)attributes).Tanh)
        {
            w.Get(x).Get(x).Mul(n).Get(x).Mul(n).Constant(n, 0.044715f).Mul(n).Get(x).Add(n).Constant(n, 0.7978845608f).Mul(n).Tanh(n);
        }
        else
        {
            w.Get(x).Constant(n, 0.70710678f).Mul(n).Erf(n);
        }
        w.Constant(n, 1).Add(n).Mul(n);
    }

    private static void Fold(FunctionBuilder w, uint?[] x, Action combine)
    {
        var first = true;
        foreach (var operand in x.OfType<uint>())
        {
            w.Get(operand);
            if (!first)
            {
                combine();
            }
            first = false;
        }
    }

    private static void EmitClip(FunctionBuilder w, int n, OperatorAttributes attributes, uint?[] x)
    {
        var a = (ClipAttributes)attributes;
        w.Get(x[0]!.Value);
        if (x.ElementAtOrDefault(1) is { } min)
        {
            w.Get(min).Max(n);
        }
        else if (a.Min is { } minAttribute)
        {
            w.Constant(n, minAttribute).Max(n);
        }
        if (x.ElementAtOrDefault(2) is { } max)
        {
            w.Get(max).Min(n);
        }
        else if (a.Max is { } maxAttribute)
        {
            w.Constant(n, maxAttribute).Min(n);
        }
    }

    /// <summary>x^y as e^(y ln|x|), with the sign (odd integer y) or NaN (fractional y) of a negative base and x^0 = 1.</summary>
    private static void EmitPow(FunctionBuilder w, int n, OperatorAttributes attributes, uint?[] operands)
    {
        uint x = operands[0]!.Value, y = operands[1]!.Value;
        var (negative, integral, odd, zeroExponent) = (w.MaskLocal(n), w.MaskLocal(n), w.MaskLocal(n), w.MaskLocal(n));
        var magnitude = w.VectorLocal(n);
        var (lt, eq, ne, floor) = n == 4 ? (Opcode.F32x4Lt, Opcode.F32x4Eq, Opcode.F32x4Ne, Opcode.F32x4Floor) : (Opcode.F32Lt, Opcode.F32Eq, Opcode.F32Ne, Opcode.F32Floor);
        w.Get(x).Constant(n, 0).Op(lt).Set(negative);
        w.Get(y).Op(floor).Get(y).Op(eq).Set(integral);
        w.Get(y).Constant(n, 0.5f).Mul(n).Op(floor).Get(y).Constant(n, 0.5f).Mul(n).Op(ne).Set(odd);
        w.Get(y).Constant(n, 0).Op(eq).Set(zeroExponent);
        w.Get(x).Abs(n);
        w.Log(n).Get(y).Mul(n).Exp(n).Set(magnitude);
        FloatMath.Choose(w, n, () => w.Constant(n, 1), () =>
            FloatMath.Choose(w, n, () =>
                FloatMath.Choose(w, n, () =>
                    FloatMath.Choose(w, n, () => w.Get(magnitude).Neg(n), () => w.Get(magnitude), odd),
                    () => w.Constant(n, float.NaN), integral),
                () => w.Get(magnitude), negative),
            zeroExponent);
    }

    /// <summary>Pushes <c>condition ? x : alternative</c> lane by lane (LeakyRelu, Elu...).</summary>
    private static void Select(FunctionBuilder w, int n, uint x, Action alternative, Action condition) =>
        FloatMath.Choose(w, n, () => w.Get(x), alternative, condition);
}
