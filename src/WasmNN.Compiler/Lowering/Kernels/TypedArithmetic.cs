using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Arithmetic on float64 and the integer dtypes, one element at a time (float32 stays in the vectorised, fusable
/// <see cref="ElementwiseKernel"/>): one emitter per operator written once over the wasm number kind, so int8, uint8,
/// int32, int64 and float64 share it. ONNX integer semantics: Div truncates toward zero; Mod with fmod = 0 takes the
/// divisor's sign, with fmod = 1 the dividend's (C); results wrap to the element type. Where wasm would trap, the
/// kernel defines a result instead so that a model never traps on its data: an integer Div or Mod by zero gives 0
/// (numpy's result) and INT_MIN / -1 wraps to INT_MIN. The reference evaluations (Operators/) define the same.
/// </summary>
internal static class TypedArithmetic
{
    private delegate void Binary(FunctionBuilder w, NumberKind kind, OperatorAttributes attributes, uint a, uint b);

    private static readonly Dictionary<string, Binary> s_binary = new()
    {
        ["Add"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(Of(k, Opcode.F32Add, Opcode.F64Add, Opcode.I64Add, Opcode.I32Add)),
        ["Sum"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(Of(k, Opcode.F32Add, Opcode.F64Add, Opcode.I64Add, Opcode.I32Add)),
        ["Sub"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(Of(k, Opcode.F32Sub, Opcode.F64Sub, Opcode.I64Sub, Opcode.I32Sub)),
        ["Mul"] = (w, k, _, a, b) => w.Get(a).Get(b).Op(Of(k, Opcode.F32Mul, Opcode.F64Mul, Opcode.I64Mul, Opcode.I32Mul)),
        ["Div"] = (w, k, _, a, b) => EmitDiv(w, k, a, b),
        ["Mod"] = EmitMod,
        ["Max"] = (w, k, _, a, b) => MinOrMax(w, k, a, b, Opcode.F64Max, Opcode.I64GtS, Opcode.I32GtS),
        ["Min"] = (w, k, _, a, b) => MinOrMax(w, k, a, b, Opcode.F64Min, Opcode.I64LtS, Opcode.I32LtS),
    };

    private static readonly Dictionary<string, Action<FunctionBuilder, NumberKind, uint>> s_unary = new()
    {
        ["Neg"] = (w, k, x) => Negated(w, k, x),
        ["Abs"] = (w, k, x) =>
        {
            if (k == NumberKind.F64)
            {
                w.Get(x).Op(Opcode.F64Abs);
                return;
            }
            // x >= 0 ? x : -x (INT_MIN stays INT_MIN, as in two's complement).
            w.Get(x);
            Negated(w, k, x);
            w.Get(x);
            ElementAccess.Constant(w, k, 0);
            w.Op(Of(k, Opcode.F32Ge, Opcode.F64Ge, Opcode.I64GeS, Opcode.I32GeS));
            w.Op(Opcode.Select);
        },
    };

    /// <summary>The operators lowered here.</summary>
    public static IEnumerable<string> OpTypes => s_binary.Keys.Concat(s_unary.Keys);

    /// <summary>True for <paramref name="opType"/> lowered here.</summary>
    public static bool Handles(string opType) => s_binary.ContainsKey(opType) || s_unary.ContainsKey(opType);

    /// <summary>Null when the node's dtypes are lowered here, else why not.</summary>
    public static string? Unsupported(Node node)
    {
        var type = node.Outputs[0]!.ElementType;
        return type is DataType.Float32 or DataType.Bool ? $"{node.OpType} on {type} is not lowered by the typed kernel"
            : node.Inputs.OfType<Value>().FirstOrDefault(v => v.ElementType != type) is { } other
                ? $"operand '{other.Name}' is {other.ElementType}, the output {type}" : null;
    }

    /// <summary>
    /// Pushes the result of the node's operator on the operands that <paramref name="load"/> pushes (by index,
    /// already widened to the number kind): a left fold for the variadic Sum, Max and Min.
    /// </summary>
    public static void Emit(FunctionBuilder w, Node node, Action<int> load)
    {
        var kind = ElementAccess.Kind(node.Outputs[0]!.ElementType);
        var type = kind switch { NumberKind.F32 => ValueType.F32, NumberKind.F64 => ValueType.F64, NumberKind.I64 => ValueType.I64, _ => ValueType.I32 };
        var accumulator = w.Local(type);
        load(0);
        w.Set(accumulator);
        if (s_unary.TryGetValue(node.OpType, out var unary))
        {
            unary(w, kind, accumulator);
            return;
        }
        var operands = node.Inputs.Count(v => v is not null);
        var next = w.Local(type);
        for (var i = 1; i < operands; i++)
        {
            load(i);
            w.Set(next);
            s_binary[node.OpType](w, kind, node.Attributes, accumulator, next);
            if (i < operands - 1)
            {
                w.Set(accumulator);
            }
        }
        if (operands == 1)
        {
            w.Get(accumulator);
        }
    }

    private static Opcode Of(NumberKind kind, Opcode f32, Opcode f64, Opcode i64, Opcode i32) =>
        kind switch { NumberKind.F32 => f32, NumberKind.F64 => f64, NumberKind.I64 => i64, _ => i32 };

    /// <summary>Pushes -x (0 - x for integers, which wraps).</summary>
    private static void Negated(FunctionBuilder w, NumberKind kind, uint x)
    {
        if (kind is NumberKind.F64)
        {
            w.Get(x).Op(Opcode.F64Neg);
            return;
        }
        ElementAccess.Constant(w, kind, 0);
        w.Get(x).Op(Of(kind, Opcode.F32Sub, Opcode.F64Sub, Opcode.I64Sub, Opcode.I32Sub));
    }

    /// <summary>Pushes <c>b == value</c> (an i32 condition).</summary>
    private static void PushEquals(FunctionBuilder w, NumberKind kind, uint b, long value)
    {
        w.Get(b);
        ElementAccess.Constant(w, kind, value);
        w.Op(Of(kind, Opcode.F32Eq, Opcode.F64Eq, Opcode.I64Eq, Opcode.I32Eq));
    }

    private static void MinOrMax(FunctionBuilder w, NumberKind kind, uint a, uint b, Opcode f64, Opcode i64KeepFirst, Opcode i32KeepFirst)
    {
        if (kind == NumberKind.F64)
        {
            w.Get(a).Get(b).Op(f64);
            return;
        }
        w.Get(a).Get(b).Get(a).Get(b).Op(kind == NumberKind.I64 ? i64KeepFirst : i32KeepFirst).Op(Opcode.Select);
    }

    private static void EmitDiv(FunctionBuilder w, NumberKind kind, uint a, uint b)
    {
        if (kind == NumberKind.F64)
        {
            w.Get(a).Get(b).Op(Opcode.F64Div);
            return;
        }
        // b == -1 ? -a : a / (b is 0 or -1 ? 1 : b), then b == 0 ? 0 : that. Neither division can trap.
        Negated(w, kind, a);
        w.Get(a);
        ElementAccess.Constant(w, kind, 1);
        w.Get(b);
        PushEquals(w, kind, b, 0);
        PushEquals(w, kind, b, -1);
        w.Op(Opcode.I32Or).Op(Opcode.Select).Op(kind == NumberKind.I64 ? Opcode.I64DivS : Opcode.I32DivS);
        PushEquals(w, kind, b, -1);
        w.Op(Opcode.Select);
        ElementAccess.Constant(w, kind, 0);
        PushEquals(w, kind, b, 0);
        w.Op(Opcode.I32Eqz).Op(Opcode.Select);
    }

    private static void EmitMod(FunctionBuilder w, NumberKind kind, OperatorAttributes attributes, uint a, uint b)
    {
        var fmod = ((ModAttributes)attributes).Fmod;
        if (kind == NumberKind.F64)
        {
            // a - b * trunc(a / b) (fmod) or a - b * floor(a / b), as the float32 kernel.
            w.Get(a).Get(a).Get(b).Op(Opcode.F64Div).Op(fmod ? Opcode.F64Trunc : Opcode.F64Floor).Get(b).Op(Opcode.F64Mul).Op(Opcode.F64Sub);
            return;
        }
        // r = a rem (b == 0 ? 1 : b): C's remainder, 0 for a zero divisor; wasm's rem_s gives 0 for INT_MIN rem -1.
        var r = w.Local(kind == NumberKind.I64 ? ValueType.I64 : ValueType.I32);
        w.Get(a);
        ElementAccess.Constant(w, kind, 1);
        w.Get(b);
        PushEquals(w, kind, b, 0);
        w.Op(Opcode.Select).Op(kind == NumberKind.I64 ? Opcode.I64RemS : Opcode.I32RemS).Tee(r);
        if (fmod)
        {
            return;
        }
        // The divisor's sign: r + b when r is non-zero and its sign differs from b's.
        w.Get(b);
        ElementAccess.Constant(w, kind, 0);
        PushEquals(w, kind, r, 0);
        w.Op(Opcode.I32Eqz);
        w.Get(r).Get(b).Op(kind == NumberKind.I64 ? Opcode.I64Xor : Opcode.I32Xor);
        ElementAccess.Constant(w, kind, 0);
        w.Op(kind == NumberKind.I64 ? Opcode.I64LtS : Opcode.I32LtS).Op(Opcode.I32And).Op(Opcode.Select);
        w.Op(kind == NumberKind.I64 ? Opcode.I64Add : Opcode.I32Add);
    }
}
