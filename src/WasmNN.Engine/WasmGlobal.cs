using System.Runtime.Intrinsics;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine;

/// <summary>A global variable, shareable between instances through imports and exports.</summary>
public sealed class WasmGlobal
{
    // Read and written by generated code: numeric values live in Bits (f32/i32 in the low 4 bytes), v128 in
    // Vector, references in Reference.
    internal ulong Bits;
    internal Vector128<byte> Vector;
    internal object? Reference;

    /// <summary>Creates a global holding <paramref name="value"/>.</summary>
    /// <param name="type">Its value type and mutability.</param>
    /// <param name="value">The initial value; must have <paramref name="type"/>'s value type.</param>
    public WasmGlobal(GlobalType type, WasmValue value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>The global's type.</summary>
    public GlobalType Type { get; }

    /// <summary>The current value. Setting it ignores mutability (the host may always write).</summary>
    public WasmValue Value
    {
        get => Type.ValueType switch
        {
            ValueType.I32 => WasmValue.FromInt32((int)Bits),
            ValueType.I64 => WasmValue.FromInt64((long)Bits),
            ValueType.F32 => WasmValue.FromSingleBits((uint)Bits),
            ValueType.F64 => WasmValue.FromDoubleBits(Bits),
            ValueType.V128 => WasmValue.FromVector(Vector),
            ValueType.FuncRef => WasmValue.FromFunction((WasmFunction?)Reference),
            _ => WasmValue.FromExtern(Reference),
        };
        set
        {
            if (value.Type != Type.ValueType) throw new ArgumentException($"global of type {Type.ValueType.ToWat()} cannot hold {value.Type.ToWat()}", nameof(value));
            Bits = value.Bits;
            Vector = value.AsVector();
            Reference = value.AsReference();
        }
    }
}
