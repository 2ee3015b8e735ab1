using System.Runtime.Intrinsics;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine;

/// <summary>
/// One WebAssembly value of any type, as passed to <see cref="WasmFunction.Call"/> and host callbacks.
/// Floats are kept as raw bits so NaN payloads survive the trip between host and guest.
/// </summary>
public readonly struct WasmValue : IEquatable<WasmValue>
{
    private readonly ulong _bits;
    private readonly Vector128<byte> _vector;
    private readonly object? _reference;

    private WasmValue(ValueType type, ulong bits, Vector128<byte> vector = default, object? reference = null)
    {
        Type = type;
        _bits = bits;
        _vector = vector;
        _reference = reference;
    }

    /// <summary>The value's type.</summary>
    public ValueType Type { get; }

    /// <summary>An i32.</summary>
    public static WasmValue FromInt32(int value) => new(ValueType.I32, (uint)value);

    /// <summary>An i64.</summary>
    public static WasmValue FromInt64(long value) => new(ValueType.I64, (ulong)value);

    /// <summary>An f32.</summary>
    public static WasmValue FromSingle(float value) => new(ValueType.F32, BitConverter.SingleToUInt32Bits(value));

    /// <summary>An f64.</summary>
    public static WasmValue FromDouble(double value) => new(ValueType.F64, BitConverter.DoubleToUInt64Bits(value));

    /// <summary>An f32 given by its IEEE bits (keeps NaN payloads exactly).</summary>
    public static WasmValue FromSingleBits(uint bits) => new(ValueType.F32, bits);

    /// <summary>An f64 given by its IEEE bits (keeps NaN payloads exactly).</summary>
    public static WasmValue FromDoubleBits(ulong bits) => new(ValueType.F64, bits);

    /// <summary>A v128.</summary>
    public static WasmValue FromVector(Vector128<byte> value) => new(ValueType.V128, 0, value);

    /// <summary>A funcref (null for the null reference).</summary>
    public static WasmValue FromFunction(WasmFunction? function) => new(ValueType.FuncRef, 0, default, function);

    /// <summary>An externref: any host object, or null.</summary>
    public static WasmValue FromExtern(object? value) => new(ValueType.ExternRef, 0, default, value);

    /// <summary>The zero value of <paramref name="type"/> (null for references).</summary>
    public static WasmValue Default(ValueType type) => new(type, 0);

    /// <summary>The i32 value.</summary>
    public int AsInt32() => (int)(uint)_bits;

    /// <summary>The i64 value.</summary>
    public long AsInt64() => (long)_bits;

    /// <summary>The f32 value.</summary>
    public float AsSingle() => BitConverter.UInt32BitsToSingle((uint)_bits);

    /// <summary>The f64 value.</summary>
    public double AsDouble() => BitConverter.UInt64BitsToDouble(_bits);

    /// <summary>The v128 value.</summary>
    public Vector128<byte> AsVector() => _vector;

    /// <summary>The reference (a <see cref="WasmFunction"/> for funcref, any object for externref), or null.</summary>
    public object? AsReference() => _reference;

    /// <summary>The raw bits of a numeric value (zero-extended for 32-bit types).</summary>
    public ulong Bits => _bits;

    /// <summary>Converts an int to an i32 value.</summary>
    public static implicit operator WasmValue(int value) => FromInt32(value);

    /// <summary>Converts a long to an i64 value.</summary>
    public static implicit operator WasmValue(long value) => FromInt64(value);

    /// <summary>Converts a float to an f32 value.</summary>
    public static implicit operator WasmValue(float value) => FromSingle(value);

    /// <summary>Converts a double to an f64 value.</summary>
    public static implicit operator WasmValue(double value) => FromDouble(value);

    /// <summary>Boxes the value as the natural .NET type (int, long, float, double, Vector128&lt;byte&gt;, or the reference).</summary>
    public object? ToObject() => Type switch
    {
        ValueType.I32 => AsInt32(),
        ValueType.I64 => AsInt64(),
        ValueType.F32 => AsSingle(),
        ValueType.F64 => AsDouble(),
        ValueType.V128 => AsVector(),
        _ => _reference,
    };

    /// <summary>Converts a boxed .NET value to a wasm value of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The object does not fit the type.</exception>
    public static WasmValue FromObject(object? value, ValueType type) => (type, value) switch
    {
        (_, WasmValue v) when v.Type == type => v,
        (ValueType.I32, int i) => FromInt32(i),
        (ValueType.I32, uint u) => FromInt32((int)u),
        (ValueType.I64, long l) => FromInt64(l),
        (ValueType.I64, ulong u) => FromInt64((long)u),
        (ValueType.I64, int i) => FromInt64(i),
        (ValueType.F32, float f) => FromSingle(f),
        (ValueType.F64, double d) => FromDouble(d),
        (ValueType.F64, float f) => FromDouble(f),
        (ValueType.V128, Vector128<byte> v) => FromVector(v),
        (ValueType.FuncRef, null) => FromFunction(null),
        (ValueType.FuncRef, WasmFunction f) => FromFunction(f),
        (ValueType.ExternRef, _) => FromExtern(value),
        _ => throw new ArgumentException($"a {value?.GetType().Name ?? "null"} cannot be passed as {type.ToWat()}"),
    };

    /// <inheritdoc />
    public bool Equals(WasmValue other) =>
        Type == other.Type && _bits == other._bits && _vector == other._vector && Equals(_reference, other._reference);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WasmValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, _bits, _vector, _reference);

    /// <summary>Equality.</summary>
    public static bool operator ==(WasmValue left, WasmValue right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(WasmValue left, WasmValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        ValueType.I32 => $"i32:{AsInt32()}",
        ValueType.I64 => $"i64:{AsInt64()}",
        ValueType.F32 => $"f32:{AsSingle():R} (0x{(uint)_bits:x8})",
        ValueType.F64 => $"f64:{AsDouble():R} (0x{_bits:x16})",
        ValueType.V128 => $"v128:{_vector}",
        _ => $"{Type.ToWat()}:{_reference?.ToString() ?? "null"}",
    };
}
