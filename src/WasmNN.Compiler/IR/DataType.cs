using System.Collections.Frozen;

namespace WasmNN.Compiler.IR;

/// <summary>Element types the IR carries. Others in ONNX (complex, float8, int4) are rejected at import.</summary>
public enum DataType
{
    /// <summary>IEEE 754 binary32.</summary>
    Float32,
    /// <summary>IEEE 754 binary64.</summary>
    Float64,
    /// <summary>Signed 64-bit integer (ONNX shapes and indices).</summary>
    Int64,
    /// <summary>Signed 32-bit integer.</summary>
    Int32,
    /// <summary>Signed 8-bit integer.</summary>
    Int8,
    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8,
    /// <summary>Boolean, one byte per element.</summary>
    Bool,
    /// <summary>IEEE 754 binary16: a storage type, computed in float32.</summary>
    Float16,
    /// <summary>bfloat16 (the upper half of a binary32): a storage type, computed in float32.</summary>
    BFloat16,
    /// <summary>Signed 16-bit integer.</summary>
    Int16,
    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16,
    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32,
    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64,
    /// <summary>
    /// UTF-8 text of any length. In memory a string tensor is an i32 offset table and a byte area of fixed capacity
    /// (<see cref="StringTensorLayout"/>), not fixed-width elements; only operators that say so take it.
    /// </summary>
    String,
}

/// <summary>
/// Facts about one <see cref="DataType"/>: the one table the importer, the .npy reader and writer, the module
/// metadata and the hosts read (docs/ABI.md lists the same layouts).
/// </summary>
/// <param name="Type">The element type.</param>
/// <param name="ByteSize">Bytes per element (little-endian; bool is one byte, 0 or 1; a string's entry in its offset table).</param>
/// <param name="ClrType">The element type of a <see cref="Tensor"/>'s storage array.</param>
/// <param name="Name">The dtype name in the <c>wasmnn.meta</c> section (numpy's, and "bfloat16" as ml_dtypes spells it).</param>
/// <param name="OnnxCode">The ONNX TensorProto.DataType code.</param>
/// <param name="NpyDescr">The descr NumPy writes in a .npy header, or null when NumPy has no such fixed dtype (bfloat16; strings are '&lt;U<i>n</i>', of a width per file).</param>
public sealed record DataTypeInfo(DataType Type, int ByteSize, Type ClrType, string Name, int OnnxCode, string? NpyDescr);

/// <summary>Facts about <see cref="DataType"/> values.</summary>
public static class DataTypes
{
    /// <summary>Every element type, in <see cref="DataType"/> order.</summary>
    public static IReadOnlyList<DataTypeInfo> All { get; } =
    [
        new(DataType.Float32, 4, typeof(float), "float32", 1, "<f4"),
        new(DataType.Float64, 8, typeof(double), "float64", 11, "<f8"),
        new(DataType.Int64, 8, typeof(long), "int64", 7, "<i8"),
        new(DataType.Int32, 4, typeof(int), "int32", 6, "<i4"),
        new(DataType.Int8, 1, typeof(sbyte), "int8", 3, "|i1"),
        new(DataType.UInt8, 1, typeof(byte), "uint8", 2, "|u1"),
        new(DataType.Bool, 1, typeof(bool), "bool", 9, "|b1"),
        new(DataType.Float16, 2, typeof(Half), "float16", 10, "<f2"),
        new(DataType.BFloat16, 2, typeof(BFloat16), "bfloat16", 16, null),
        new(DataType.Int16, 2, typeof(short), "int16", 5, "<i2"),
        new(DataType.UInt16, 2, typeof(ushort), "uint16", 4, "<u2"),
        new(DataType.UInt32, 4, typeof(uint), "uint32", 12, "<u4"),
        new(DataType.UInt64, 8, typeof(ulong), "uint64", 13, "<u8"),
        new(DataType.String, 4, typeof(string), "string", 8, null),
    ];

    private static readonly FrozenDictionary<string, DataType> s_byName = All.ToFrozenDictionary(i => i.Name, i => i.Type);

    /// <summary>The facts about <paramref name="type"/>.</summary>
    public static DataTypeInfo Info(this DataType type) => All[(int)type];

    /// <summary>The type a metadata dtype name ("float16") names, or null.</summary>
    public static DataType? FromName(string name) => s_byName.TryGetValue(name, out var type) ? type : null;

    /// <summary>True for the floating-point types (float32, float64, float16, bfloat16).</summary>
    public static bool IsFloat(this DataType type) => type is DataType.Float32 or DataType.Float64 or DataType.Float16 or DataType.BFloat16;

    /// <summary>True for the unsigned integer types (not bool).</summary>
    public static bool IsUnsigned(this DataType type) => type is DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64;

    /// <summary>True for <see cref="DataType.String"/>, whose buffers follow <see cref="StringTensorLayout"/>.</summary>
    public static bool IsString(this DataType type) => type == DataType.String;

    /// <summary>The numeric element types (every type but <see cref="DataType.String"/>), in <see cref="DataType"/> order.</summary>
    public static IReadOnlyList<DataType> Numeric { get; } = [.. All.Select(i => i.Type).Where(t => t != DataType.String)];

    /// <summary>Size in bytes of one element.</summary>
    public static int ByteSize(this DataType type) => type.Info().ByteSize;

    /// <summary>The CLR element type used for a tensor's storage array.</summary>
    public static Type ClrType(this DataType type) => type.Info().ClrType;
}
