using System.Collections.Immutable;

namespace WasmNN.Wasm;

/// <summary>A WebAssembly value type, with its binary encoding as the enum value.</summary>
public enum ValueType : byte
{
    /// <summary>32-bit integer.</summary>
    I32 = 0x7F,
    /// <summary>64-bit integer.</summary>
    I64 = 0x7E,
    /// <summary>32-bit IEEE float.</summary>
    F32 = 0x7D,
    /// <summary>64-bit IEEE float.</summary>
    F64 = 0x7C,
    /// <summary>128-bit SIMD vector.</summary>
    V128 = 0x7B,
    /// <summary>Reference to a function (nullable).</summary>
    FuncRef = 0x70,
    /// <summary>Opaque host reference (nullable).</summary>
    ExternRef = 0x6F,
}

/// <summary>Helpers on <see cref="ValueType"/>.</summary>
public static class ValueTypeExtensions
{
    /// <summary>The text-format name (<c>i32</c>, <c>funcref</c>, ...).</summary>
    public static string ToWat(this ValueType type) => type switch
    {
        ValueType.I32 => "i32",
        ValueType.I64 => "i64",
        ValueType.F32 => "f32",
        ValueType.F64 => "f64",
        ValueType.V128 => "v128",
        ValueType.FuncRef => "funcref",
        ValueType.ExternRef => "externref",
        _ => $"<0x{(byte)type:X2}>",
    };

    /// <summary>Parses a text-format type name (<c>i32</c>, <c>funcref</c>, ...); the inverse of <see cref="ToWat"/>.</summary>
    public static bool TryParseWat(string name, out ValueType type)
    {
        ValueType? parsed = name switch
        {
            "i32" => ValueType.I32,
            "i64" => ValueType.I64,
            "f32" => ValueType.F32,
            "f64" => ValueType.F64,
            "v128" => ValueType.V128,
            "funcref" => ValueType.FuncRef,
            "externref" => ValueType.ExternRef,
            _ => null,
        };
        type = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>True for <c>funcref</c> and <c>externref</c>.</summary>
    public static bool IsReference(this ValueType type) => type is ValueType.FuncRef or ValueType.ExternRef;

    /// <summary>True when <paramref name="b"/> is a valid value-type encoding.</summary>
    public static bool IsValueTypeByte(byte b) => b is 0x7F or 0x7E or 0x7D or 0x7C or 0x7B or 0x70 or 0x6F;
}

/// <summary>A function signature.</summary>
public sealed record FuncType(ImmutableArray<ValueType> Parameters, ImmutableArray<ValueType> Results)
{
    /// <summary>The type <c>[] -> []</c>.</summary>
    public static FuncType Empty { get; } = new([], []);

    /// <inheritdoc />
    public bool Equals(FuncType? other) =>
        other is not null && Parameters.AsSpan().SequenceEqual(other.Parameters.AsSpan()) && Results.AsSpan().SequenceEqual(other.Results.AsSpan());

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var p in Parameters) hash.Add(p);
        hash.Add(0xFF);
        foreach (var r in Results) hash.Add(r);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"[{string.Join(' ', Parameters.Select(p => p.ToWat()))}] -> [{string.Join(' ', Results.Select(r => r.ToWat()))}]";
}

/// <summary>Size limits of a memory (in 64 KiB pages) or a table (in elements).</summary>
/// <param name="Minimum">Initial size.</param>
/// <param name="Maximum">Largest size, or null.</param>
/// <param name="Shared">A shared memory (threads proposal; never set on tables): usable from several threads at once.</param>
public readonly record struct Limits(uint Minimum, uint? Maximum, bool Shared = false);

/// <summary>A table's element type and limits.</summary>
public readonly record struct TableType(ValueType ElementType, Limits Limits);

/// <summary>A linear memory's limits, in 64 KiB pages.</summary>
public readonly record struct MemoryType(Limits Limits)
{
    /// <summary>Bytes in one wasm page.</summary>
    public const int PageSize = 65536;

    /// <summary>The most pages a 32-bit memory can have.</summary>
    public const uint MaxPages = 65536;
}

/// <summary>A global's value type and mutability.</summary>
public readonly record struct GlobalType(ValueType ValueType, bool Mutable);

/// <summary>The kind of an import or export.</summary>
public enum ExternalKind : byte
{
    /// <summary>A function.</summary>
    Function = 0,
    /// <summary>A table.</summary>
    Table = 1,
    /// <summary>A linear memory.</summary>
    Memory = 2,
    /// <summary>A global.</summary>
    Global = 3,
}
