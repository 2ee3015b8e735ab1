using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Arithmetic on float64, float16, bfloat16 and the integer dtypes, one element at a time (float32 stays in the
/// vectorised, fusable <see cref="ElementwiseKernel"/>): one emitter per operator written once over the wasm number
/// kind (<see cref="NumberKind"/>), so every integer width, float64 and the 16-bit floats (computed in float32, rounded
/// once on store) share it. ONNX integer semantics: Div truncates toward zero; Mod with fmod = 0 takes the
/// divisor's sign, with fmod = 1 the dividend's (C); uint64 divides and compares unsigned; results wrap to the element type. Where wasm would trap, the
/// kernel defines a result instead so that a model never traps on its data: an integer Div or Mod by zero gives 0
/// (numpy's result) and INT_MIN / -1 wraps to INT_MIN. The reference evaluations (Operators/) define the same.
/// </summary>
internal static class TypedArithmetic
{
    private delegate void Binary(FunctionBuilder w, NumberKind kind, OperatorAttributes attributes, uint a, uint b);

    private static readonly Dictionary<string, Binary> s_binary = new()
    {
        ["Add"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(k.Of(Opcode.F32Add, Opcode.F64Add, Opcode.I64Add, Opcode.I32Add)),
        ["Sum"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(k.Of(Opcode.F32Add, Opcode.F64Add, Opcode.I64Add, Opcode.I32Add)),
        ["Sub"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(k.Of(Opcode.F32Sub, Opcode.F64Sub, Opcode.I64Sub, Opcode.I32Sub)),
        ["Mul"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(k.Of(Opcode.F32Mul, Opcode.F64Mul, Opcode.I64Mul, Opcode.I32Mul)),
        ["Div"] = (w, k, _, a, b) => EmitDiv(w, k, a, b),
        ["Mod"] = EmitMod,
        ["Max"] = (w, k, _, a, b) => MinOrMax(w, k, a, b, k.Ordered(Opcode.F32Max, Opcode.F64Max, Opcode.I64GtS, Opcode.I64GtU, Opcode.I32GtS)),
        ["Min"] = (w, k, _, a, b) => MinOrMax(w, k, a, b, k.Ordered(Opcode.F32Min, Opcode.F64Min, Opcode.I64LtS, Opcode.I64LtU, Opcode.I32LtS)),
    };

    private static readonly Dictionary<string, Action<FunctionBuilder, NumberKind, uint>> s_unary = new()
    {
        ["Neg"] = (w, k, x) => Negated(w, k, x),
        ["Abs"] = (w, k, x) =>
        {
            if (k.IsFloat() || k == NumberKind.U64)
            {
                w.Get(x);
                if (k.IsFloat())
                {
                    w.Op(k.Of(Opcode.F32Abs, Opcode.F64Abs, Opcode.Nop, Opcode.Nop));
                }
                return;
            }
            // x >= 0 ? x : -x (INT_MIN stays INT_MIN, as in two's complement).
            w.Get(x);
            Negated(w, k, x);
            w.Get(x);
            ElementAccess.Constant(w, k, 0);
            w.Op(k.Of(Opcode.F32Ge, Opcode.F64Ge, Opcode.I64GeS, Opcode.I32GeS));
            w.Op(Opcode.Select);
        },
    };

    /// <summary>The operators lowered here.</summary>
    public static IEnumerable<string> OpTypes => [.. s_binary.Keys, .. s_unary.Keys, "Clip", "Pow"];

    /// <summary>True for <paramref name="opType"/> lowered here.</summary>
    public static bool Handles(string opType) => s_binary.ContainsKey(opType) || s_unary.ContainsKey(opType) || opType is "Clip" or "Pow";

    /// <summary>Whether the node's element types are this lowering's: all but float32, except Pow by an integer exponent.</summary>
    public static bool Covers(Node node) => node.Outputs[0]!.ElementType != DataType.Float32 || node.OpType == "Pow";

    /// <summary>Null when the node's dtypes are lowered here, else why not.</summary>
    public static string? Unsupported(Node node)
    {
        var type = node.Outputs[0]!.ElementType;
        if (node.OpType == "Pow")
        {
            return type == DataType.Bool ? "Pow of a bool base is not defined" : null;
        }
        return type is DataType.Float32 or DataType.Bool ? $"{node.OpType} on {type} is not lowered by the typed kernel"
            : node.Inputs.OfType<Value>().FirstOrDefault(v => v.ElementType != type) is { } other
                ? $"operand '{other.Name}' is {other.ElementType}, the output {type}" : null;
    }

    /// <summary>
    /// Pushes the result of the node's operator on the operands that <paramref name="load"/> pushes (by input index,
    /// already widened to the number kind): a left fold over the present inputs for the variadic Sum, Max and Min,
    /// and for Clip (max with min, then min with max).
    /// </summary>
    public static void Emit(FunctionBuilder w, Node node, Action<int> load)
    {
        if (node.OpType == "Pow")
        {
            EmitPow(w, node, load);
            return;
        }
        var kind = ElementAccess.Kind(node.Outputs[0]!.ElementType);
        var type = kind.ValueType();
        var accumulator = w.Local(type);
        load(0);
        w.Set(accumulator);
        if (s_unary.TryGetValue(node.OpType, out var unary))
        {
            unary(w, kind, accumulator);
            return;
        }
        var present = Enumerable.Range(1, node.Inputs.Count - 1).Where(i => node.Inputs[i] is not null).ToList();
        var next = w.Local(type);
        foreach (var i in present)
        {
            load(i);
            w.Set(next);
            s_binary[node.OpType == "Clip" ? i == 1 ? "Max" : "Min" : node.OpType](w, kind, node.Attributes, accumulator, next);
            if (i != present[^1])
            {
                w.Set(accumulator);
            }
        }
        if (present.Count == 0)
        {
            w.Get(accumulator);
        }
    }

    /// <summary>
    /// x^n for an integer exponent by repeated squaring (<see cref="PowOperator.IntegerPower"/>): float32 in float64,
    /// so the result is float64's pow rounded once; integers wrap; a negative n gives 1/x^|n| for floats and its
    /// truncation for integers (1 for x = 1, +-1 for x = -1, else 0, so 0^-n does not divide by zero).
    /// </summary>
    private static void EmitPow(FunctionBuilder w, Node node, Action<int> load)
    {
        if (node.Inputs[1]!.ElementType.IsFloat())
        {
            EmitFloatPow(w, node, load);
            return;
        }
        var baseKind = ElementAccess.Kind(node.Outputs[0]!.ElementType);
        var kind = baseKind == NumberKind.F32 ? NumberKind.F64 : baseKind;
        var type = kind.ValueType();
        uint x = w.Local(type), result = w.Local(type), n = w.Local(ValueType.I64);
        load(0);
        if (baseKind == NumberKind.F32)
        {
            w.Op(Opcode.F64PromoteF32);
        }
        w.Set(x);
        load(1);
        if (ElementAccess.Kind(node.Inputs[1]!.ElementType) == NumberKind.I32)
        {
            w.Op(Opcode.I64ExtendI32S);
        }
        w.Set(n);
        PowerBySquaring(w, kind, x, n, result, unsignedExponent: ElementAccess.Kind(node.Inputs[1]!.ElementType) == NumberKind.U64);
        w.Get(result);
        if (baseKind == NumberKind.F32)
        {
            w.Op(Opcode.F32DemoteF64);
        }
    }

    /// <summary>
    /// x^y for a float exponent, in double as numpy computes it (the base converted to float64), then converted to
    /// the output type (integers truncated toward zero, as numpy's astype): an integral or half-integral y by repeated
    /// squaring (times sqrt x), so 3^6 is exactly 729 and 4^1.5 exactly 8 and neither truncates one less; any other y
    /// as e^(y ln x) (NaN for a negative x).
    /// </summary>
    private static void EmitFloatPow(FunctionBuilder w, Node node, Action<int> load)
    {
        var outputKind = ElementAccess.Kind(node.Outputs[0]!.ElementType);
        uint x = w.Local(ValueType.F64), y = w.Local(ValueType.F64), n = w.Local(ValueType.I64), result = w.Local(ValueType.F64);
        load(0);
        ToDouble(w, ElementAccess.Kind(node.Inputs[0]!.ElementType));
        w.Set(x);
        load(1);
        ToDouble(w, ElementAccess.Kind(node.Inputs[1]!.ElementType));
        w.Set(y);
        // y = n or n + 1/2 with |y| below 2^62: x^n by squaring (times sqrt x), exact where numpy's pow is exact.
        uint floor = w.Local(ValueType.F64), root = w.Local(ValueType.F64);
        w.Get(y).Op(Opcode.F64Floor).Set(floor);
        w.If(() =>
            {
                w.Get(y).Get(floor).Op(Opcode.F64Sub).F64(0).Op(Opcode.F64Eq).Get(y).Get(floor).Op(Opcode.F64Sub).F64(0.5).Op(Opcode.F64Eq).Op(Opcode.I32Or);
                w.Get(y).Op(Opcode.F64Abs).F64(4611686018427387904.0).Op(Opcode.F64Lt).Op(Opcode.I32And);
            },
            () =>
            {
                w.Get(x).Op(Opcode.F64Sqrt).F64(1).Get(y).Get(floor).Op(Opcode.F64Sub).F64(0.5).Op(Opcode.F64Eq).Op(Opcode.Select).Set(root);
                w.Get(floor).Op(Opcode.I64TruncF64S).Set(n);
                PowerBySquaring(w, NumberKind.F64, x, n, result, unsignedExponent: false);
                w.Get(result).Get(root).Op(Opcode.F64Mul).Set(result);
            },
            () => w.Get(y).Get(x).Log64().Op(Opcode.F64Mul).Exp64().Set(result));
        w.Get(result);
        w.Op(outputKind switch
        {
            NumberKind.F32 => Opcode.F32DemoteF64,
            NumberKind.F64 => Opcode.Nop,
            NumberKind.I32 => Opcode.I32TruncSatF64S,
            NumberKind.U64 => Opcode.I64TruncSatF64U,
            _ => Opcode.I64TruncSatF64S,
        });
    }

    /// <summary>Converts the value of <paramref name="kind"/> on the stack to f64.</summary>
    private static void ToDouble(FunctionBuilder w, NumberKind kind) => w.Op(kind switch
    {
        NumberKind.F32 => Opcode.F64PromoteF32,
        NumberKind.F64 => Opcode.Nop,
        NumberKind.I32 => Opcode.F64ConvertI32S,
        NumberKind.U64 => Opcode.F64ConvertI64U,
        _ => Opcode.F64ConvertI64S,
    });

    /// <summary>Sets <paramref name="result"/> to x^n (locals of <paramref name="kind"/>; n an i64 local, read unsigned when <paramref name="unsignedExponent"/>); x and n are consumed.</summary>
    private static void PowerBySquaring(FunctionBuilder w, NumberKind kind, uint x, uint n, uint result, bool unsignedExponent)
    {
        ElementAccess.Constant(w, kind, 1);
        w.Set(result);
        // A uint64 exponent is never negative (the unsigned shifts below read all 64 bits).
        if (unsignedExponent)
        {
            w.I32(0);
        }
        else
        {
            w.Get(n).Code.I64Const(0);
            w.Op(Opcode.I64LtS);
        }
        w.Code.If(BlockType.Empty);
        if (kind == NumberKind.F64)
        {
            // x^-n = (1/x)^n; -n of INT64_MIN stays negative but the unsigned shifts below read it as 2^63.
            w.Code.F64Const(1);
            w.Get(x).Op(Opcode.F64Div).Set(x);
            w.Code.I64Const(0);
            w.Get(n).Op(Opcode.I64Sub).Set(n);
        }
        else
        {
            // |x| = 1 keeps the parity of n (and result 1); any other x truncates to 0 with n = 0.
            var unit = w.Local(ValueType.I32);
            PushEquals(w, kind, x, 1);
            PushEquals(w, kind, x, -1);
            w.Op(Opcode.I32Or).Set(unit);
            w.Get(n).Code.I64Const(1);
            w.Op(Opcode.I64And).Code.I64Const(0);
            w.Get(unit).Op(Opcode.Select).Set(n);
            ElementAccess.Constant(w, kind, 1);
            ElementAccess.Constant(w, kind, 0);
            w.Get(unit).Op(Opcode.Select).Set(result);
        }
        w.Code.End();
        var multiply = kind.Of(Opcode.F32Mul, Opcode.F64Mul, Opcode.I64Mul, Opcode.I32Mul);
        w.Code.Block(BlockType.Empty);
        w.Code.Loop(BlockType.Empty);
        w.Get(n).Op(Opcode.I64Eqz);
        w.Code.Emit(Opcode.BrIf, 1);
        w.If(() => w.Get(n).Code.I64Const(1).Emit(Opcode.I64And).Emit(Opcode.I32WrapI64), () => w.Get(result).Get(x).Op(multiply).Set(result));
        w.Get(x).Get(x).Op(multiply).Set(x);
        w.Get(n).Code.I64Const(1);
        w.Op(Opcode.I64ShrU).Set(n);
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End();
        w.Code.End();
    }

    /// <summary>Pushes -x (0 - x for integers, which wraps).</summary>
    private static void Negated(FunctionBuilder w, NumberKind kind, uint x)
    {
        if (kind.IsFloat())
        {
            w.Get(x).Op(kind.Of(Opcode.F32Neg, Opcode.F64Neg, Opcode.Nop, Opcode.Nop));
            return;
        }
        ElementAccess.Constant(w, kind, 0);
        w.Get(x).Op(kind.Of(Opcode.F32Sub, Opcode.F64Sub, Opcode.I64Sub, Opcode.I32Sub));
    }

    /// <summary>Pushes <c>b == value</c> (an i32 condition).</summary>
    private static void PushEquals(FunctionBuilder w, NumberKind kind, uint b, long value)
    {
        w.Get(b);
        ElementAccess.Constant(w, kind, value);
        w.Op(kind.Of(Opcode.F32Eq, Opcode.F64Eq, Opcode.I64Eq, Opcode.I32Eq));
    }

    /// <summary>The float min/max instruction, or for integers a select by <paramref name="operation"/> (keep the first when true).</summary>
    private static void MinOrMax(FunctionBuilder w, NumberKind kind, uint a, uint b, Opcode operation)
    {
        if (kind.IsFloat())
        {
            w.Get(a).Get(b).Op(operation);
            return;
        }
        w.Get(a).Get(b).Get(a).Get(b).Op(operation).Op(Opcode.Select);
    }

    private static void EmitDiv(FunctionBuilder w, NumberKind kind, uint a, uint b)
    {
        if (kind.IsFloat())
        {
            w.Get(a).Get(b).Op(kind.Of(Opcode.F32Div, Opcode.F64Div, Opcode.Nop, Opcode.Nop));
            return;
        }
        if (kind == NumberKind.U64)
        {
            // b == 0 ? 0 : a / b (unsigned; dividing by 1 instead when b is 0, so it cannot trap).
            w.Get(a);
            ElementAccess.Constant(w, kind, 1);
            w.Get(b);
            PushEquals(w, kind, b, 0);
            w.Op(Opcode.Select).Op(Opcode.I64DivU);
            ElementAccess.Constant(w, kind, 0);
            PushEquals(w, kind, b, 0);
            w.Op(Opcode.I32Eqz).Op(Opcode.Select);
            return;
        }
        // b == -1 ? -a : a / (b is 0 or -1 ? 1 : b), then b == 0 ? 0 : that. Neither division can trap.
        Negated(w, kind, a);
        w.Get(a);
        ElementAccess.Constant(w, kind, 1);
        w.Get(b);
        PushEquals(w, kind, b, 0);
        PushEquals(w, kind, b, -1);
        w.Op(Opcode.I32Or).Op(Opcode.Select).Op(kind.Of(Opcode.Nop, Opcode.Nop, Opcode.I64DivS, Opcode.I32DivS));
        PushEquals(w, kind, b, -1);
        w.Op(Opcode.Select);
        ElementAccess.Constant(w, kind, 0);
        PushEquals(w, kind, b, 0);
        w.Op(Opcode.I32Eqz).Op(Opcode.Select);
    }

    private static void EmitMod(FunctionBuilder w, NumberKind kind, OperatorAttributes attributes, uint a, uint b)
    {
        var fmod = ((ModAttributes)attributes).Fmod;
        if (kind.IsFloat())
        {
            // a - b * trunc(a / b) (fmod) or a - b * floor(a / b), as the float32 kernel.
            w.Get(a).Get(a).Get(b).Op(kind.Of(Opcode.F32Div, Opcode.F64Div, Opcode.Nop, Opcode.Nop));
            w.Op(fmod ? kind.Of(Opcode.F32Trunc, Opcode.F64Trunc, Opcode.Nop, Opcode.Nop) : kind.Of(Opcode.F32Floor, Opcode.F64Floor, Opcode.Nop, Opcode.Nop));
            w.Get(b).Op(kind.Of(Opcode.F32Mul, Opcode.F64Mul, Opcode.Nop, Opcode.Nop)).Op(kind.Of(Opcode.F32Sub, Opcode.F64Sub, Opcode.Nop, Opcode.Nop));
            return;
        }
        // r = a rem (b == 0 ? 1 : b): C's remainder, 0 for a zero divisor; wasm's rem_s gives 0 for INT_MIN rem -1.
        var r = w.Local(kind.ValueType());
        w.Get(a);
        ElementAccess.Constant(w, kind, 1);
        w.Get(b);
        PushEquals(w, kind, b, 0);
        w.Op(Opcode.Select).Op(kind.Ordered(Opcode.Nop, Opcode.Nop, Opcode.I64RemS, Opcode.I64RemU, Opcode.I32RemS)).Tee(r);
        // Unsigned remainders have no sign to fix.
        if (fmod || kind == NumberKind.U64)
        {
            return;
        }
        // The divisor's sign: r + b when r is non-zero and its sign differs from b's.
        w.Get(b);
        ElementAccess.Constant(w, kind, 0);
        PushEquals(w, kind, r, 0);
        w.Op(Opcode.I32Eqz);
        w.Get(r).Get(b).Op(kind.Of(Opcode.Nop, Opcode.Nop, Opcode.I64Xor, Opcode.I32Xor));
        ElementAccess.Constant(w, kind, 0);
        w.Op(kind.Of(Opcode.Nop, Opcode.Nop, Opcode.I64LtS, Opcode.I32LtS)).Op(Opcode.I32And).Op(Opcode.Select);
        w.Op(kind.Of(Opcode.Nop, Opcode.Nop, Opcode.I64Add, Opcode.I32Add));
    }
}
