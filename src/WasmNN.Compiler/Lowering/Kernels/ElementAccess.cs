using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>The wasm number type an element is computed in.</summary>
internal enum NumberKind
{
    /// <summary>float32, and float16/bfloat16 (storage types converted on load and store).</summary>
    F32,
    F64,
    /// <summary>int64, and uint32 zero-extended on load (so signed i64 compares and divides it right).</summary>
    I64,
    /// <summary>int32, and the 8- and 16-bit integers and bool widened on load.</summary>
    I32,
    /// <summary>uint64: i64 arithmetic with unsigned comparison, division and conversion.</summary>
    U64,
}

/// <summary>Instructions by number kind.</summary>
internal static class NumberKinds
{
    /// <summary>The wasm value type of <paramref name="kind"/>.</summary>
    public static ValueType ValueType(this NumberKind kind) =>
        kind switch { NumberKind.F32 => Wasm.ValueType.F32, NumberKind.F64 => Wasm.ValueType.F64, NumberKind.I32 => Wasm.ValueType.I32, _ => Wasm.ValueType.I64 };

    /// <summary>True for the float kinds.</summary>
    public static bool IsFloat(this NumberKind kind) => kind is NumberKind.F32 or NumberKind.F64;

    /// <summary>The instruction of <paramref name="kind"/> for an operation whose integer form ignores signedness (add, eq...).</summary>
    public static Opcode Of(this NumberKind kind, Opcode f32, Opcode f64, Opcode i64, Opcode i32) =>
        kind switch { NumberKind.F32 => f32, NumberKind.F64 => f64, NumberKind.I32 => i32, _ => i64 };

    /// <summary>The instruction of <paramref name="kind"/> for an operation whose integer form depends on signedness (lt, div...).</summary>
    public static Opcode Ordered(this NumberKind kind, Opcode f32, Opcode f64, Opcode i64Signed, Opcode i64Unsigned, Opcode i32) =>
        kind == NumberKind.U64 ? i64Unsigned : kind.Of(f32, f64, i64Signed, i32);
}

/// <summary>
/// One table of how each element type is loaded, stored and computed in wasm (docs/ABI.md layouts). float16 and
/// bfloat16 are storage types: a load widens them to float32 exactly, a store rounds the float32 to nearest, ties
/// to even (NaN stays NaN, overflow gives infinity), as onnxruntime and numpy convert.
/// </summary>
internal static class ElementAccess
{
    private const int HalfExponentMask = 0x7C00;

    /// <summary>2^112: float32's exponent bias minus float16's, as a scale.</summary>
    private static readonly float s_halfRebias = MathF.ScaleB(1, 112);

    public static NumberKind Kind(DataType type) => type switch
    {
        DataType.Float32 or DataType.Float16 or DataType.BFloat16 => NumberKind.F32,
        DataType.Float64 => NumberKind.F64,
        DataType.Int64 or DataType.UInt32 => NumberKind.I64,
        DataType.UInt64 => NumberKind.U64,
        _ => NumberKind.I32,
    };

    /// <summary>A local of the type elements of <paramref name="type"/> are computed in.</summary>
    public static uint Local(FunctionBuilder w, DataType type) => w.Local(Kind(type).ValueType());

    /// <summary>Pushes <paramref name="value"/> as a number of <paramref name="kind"/>.</summary>
    public static void Constant(FunctionBuilder w, NumberKind kind, long value)
    {
        switch (kind)
        {
            case NumberKind.F32: w.F32(value); break;
            case NumberKind.F64: w.Code.F64Const(value); break;
            case NumberKind.I32: w.I32(checked((int)value)); break;
            default: w.Code.I64Const(value); break;
        }
    }

    /// <summary>The load (widening to the <see cref="Kind"/>), the store (narrowing from it) and the natural alignment of <paramref name="type"/>.</summary>
    private static (Opcode Load, Opcode Store, uint Align) Access(DataType type) => type switch
    {
        DataType.Float32 => (Opcode.F32Load, Opcode.F32Store, 2u),
        DataType.Float64 => (Opcode.F64Load, Opcode.F64Store, 3u),
        DataType.Int64 or DataType.UInt64 => (Opcode.I64Load, Opcode.I64Store, 3u),
        DataType.Int32 => (Opcode.I32Load, Opcode.I32Store, 2u),
        DataType.UInt32 => (Opcode.I64Load32U, Opcode.I64Store32, 2u),
        DataType.Int16 => (Opcode.I32Load16S, Opcode.I32Store16, 1u),
        DataType.UInt16 or DataType.Float16 or DataType.BFloat16 => (Opcode.I32Load16U, Opcode.I32Store16, 1u),
        DataType.Int8 => (Opcode.I32Load8S, Opcode.I32Store8, 0u),
        _ => (Opcode.I32Load8U, Opcode.I32Store8, 0u),
    };

    /// <summary>Replaces the address on the stack by the element there, as a number of its <see cref="Kind"/>.</summary>
    public static void Load(FunctionBuilder w, DataType type)
    {
        var (opcode, _, align) = Access(type);
        w.Code.EmitMemArg(opcode, align, 0);
        if (type == DataType.Float16)
        {
            HalfBitsToSingle(w);
        }
        else if (type == DataType.BFloat16)
        {
            w.I32(16).Op(Opcode.I32Shl).Op(Opcode.F32ReinterpretI32);
        }
    }

    /// <summary>Stores the value on the stack (a number of the type's <see cref="Kind"/>) at the address below it.</summary>
    public static void Store(FunctionBuilder w, DataType type)
    {
        if (type == DataType.Float16)
        {
            SingleToHalfBits(w);
        }
        else if (type == DataType.BFloat16)
        {
            SingleToBFloat16Bits(w);
        }
        var (_, opcode, align) = Access(type);
        w.Code.EmitMemArg(opcode, align, 0);
    }

    /// <summary>
    /// Replaces the f64 on the stack by an f32 rounded to odd (truncated, last bit set when inexact), so that rounding
    /// it to float16 or bfloat16 on store equals rounding the f64 once (float32 has more than 2p + 1 bits for both).
    /// </summary>
    public static void DemoteRoundingToOdd(FunctionBuilder w)
    {
        uint wide = w.Local(ValueType.F64), narrow = w.Local(ValueType.F32);
        w.Tee(wide).Op(Opcode.F32DemoteF64).Set(narrow);
        // bits - (|narrow| > |wide| ? 1 : 0): back to the truncation when rounding went away from zero.
        w.Get(narrow).Op(Opcode.I32ReinterpretF32);
        w.Get(narrow).Op(Opcode.F64PromoteF32).Op(Opcode.F64Abs).Get(wide).Op(Opcode.F64Abs).Op(Opcode.F64Gt).Op(Opcode.I32Sub);
        w.Get(narrow).Op(Opcode.F64PromoteF32).Get(wide).Op(Opcode.F64Ne).Op(Opcode.I32Or);
        w.Op(Opcode.F32ReinterpretI32);
    }

    /// <summary>
    /// float16 bits (i32) to the f32 of the same value: the magnitude's bits shifted into float32's place are the
    /// value times 2^-112 for normal and subnormal numbers alike (one exact multiply fixes it); infinity and NaN
    /// get float32's all-ones exponent instead; then the sign.
    /// </summary>
    private static void HalfBitsToSingle(FunctionBuilder w)
    {
        uint half = w.Local(), magnitude = w.Local(), shifted = w.Local();
        w.Tee(half).I32(0x7FFF).Op(Opcode.I32And).Tee(magnitude).I32(13).Op(Opcode.I32Shl).Tee(shifted);
        w.Op(Opcode.F32ReinterpretI32).F32(s_halfRebias).Op(Opcode.F32Mul).Op(Opcode.I32ReinterpretF32);
        w.Get(shifted).I32(0x7F800000).Op(Opcode.I32Or);
        w.Get(magnitude).I32(HalfExponentMask).Op(Opcode.I32LtU).Op(Opcode.Select);
        w.Get(half).I32(0x8000).Op(Opcode.I32And).I32(16).Op(Opcode.I32Shl).Op(Opcode.I32Or);
        w.Op(Opcode.F32ReinterpretI32);
    }

    /// <summary>
    /// The f32 on the stack to float16 bits (i32), rounded to nearest even: below 2^-14 (float16 subnormals) adding
    /// 0.5 lets the float32 adder round at float16's last place; normal numbers re-bias the exponent and round by
    /// adding 0xFFF plus the kept mantissa's last bit; 65520 and above (and infinity) give infinity, NaN a quiet NaN.
    /// </summary>
    private static void SingleToHalfBits(FunctionBuilder w)
    {
        uint bits = w.Local(), magnitude = w.Local();
        w.Op(Opcode.I32ReinterpretF32).Tee(bits).I32(0x7FFFFFFF).Op(Opcode.I32And).Set(magnitude);
        // Subnormal or zero: bits(|x| + 0.5) - bits(0.5).
        w.Get(magnitude).Op(Opcode.F32ReinterpretI32).F32(0.5f).Op(Opcode.F32Add).Op(Opcode.I32ReinterpretF32).I32(0x3F000000).Op(Opcode.I32Sub);
        // Normal: (|x| - (112 << 23) + 0xFFF + odd) >> 13.
        w.Get(magnitude).I32(unchecked((int)0xC8000FFF)).Op(Opcode.I32Add);
        w.Get(magnitude).I32(13).Op(Opcode.I32ShrU).I32(1).Op(Opcode.I32And).Op(Opcode.I32Add).I32(13).Op(Opcode.I32ShrU);
        w.Get(magnitude).I32(113 << 23).Op(Opcode.I32LtU).Op(Opcode.Select);
        // Too large for float16: infinity, or a quiet NaN.
        w.I32(0x7E00).I32(HalfExponentMask).Get(magnitude).I32(0x7F800000).Op(Opcode.I32GtU).Op(Opcode.Select);
        w.Get(magnitude).I32(143 << 23).Op(Opcode.I32LtU).Op(Opcode.Select);
        w.Get(bits).I32(16).Op(Opcode.I32ShrU).I32(0x8000).Op(Opcode.I32And).Op(Opcode.I32Or);
    }

    /// <summary>The f32 on the stack to bfloat16 bits (i32): its upper half rounded to nearest even; a NaN keeps its upper bits, quietened.</summary>
    private static void SingleToBFloat16Bits(FunctionBuilder w)
    {
        var bits = w.Local();
        // Not NaN ? rounded : the NaN's upper half with the quiet bit set.
        w.Op(Opcode.I32ReinterpretF32).Tee(bits).I32(0x7FFF).Op(Opcode.I32Add);
        w.Get(bits).I32(16).Op(Opcode.I32ShrU).I32(1).Op(Opcode.I32And).Op(Opcode.I32Add).I32(16).Op(Opcode.I32ShrU);
        w.Get(bits).I32(16).Op(Opcode.I32ShrU).I32(0x40).Op(Opcode.I32Or);
        w.Get(bits).I32(0x7FFFFFFF).Op(Opcode.I32And).I32(0x7F800000).Op(Opcode.I32LeU).Op(Opcode.Select);
    }
}
