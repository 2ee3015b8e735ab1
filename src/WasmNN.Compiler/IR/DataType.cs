namespace WasmNN.Compiler.IR;

/// <summary>Element types the IR carries. Others in ONNX (float16, strings, ...) are rejected at import.</summary>
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
}

/// <summary>Facts about <see cref="DataType"/> values.</summary>
public static class DataTypes
{
    /// <summary>True for float32 and float64.</summary>
    public static bool IsFloat(this DataType type) => type is DataType.Float32 or DataType.Float64;

    /// <summary>Size in bytes of one element.</summary>
    public static int ByteSize(this DataType type) => type switch
    {
        DataType.Float32 or DataType.Int32 => 4,
        DataType.Float64 or DataType.Int64 => 8,
        _ => 1,
    };

    /// <summary>The CLR element type used for a tensor's storage array.</summary>
    public static Type ClrType(this DataType type) => type switch
    {
        DataType.Float32 => typeof(float),
        DataType.Float64 => typeof(double),
        DataType.Int64 => typeof(long),
        DataType.Int32 => typeof(int),
        DataType.Int8 => typeof(sbyte),
        DataType.UInt8 => typeof(byte),
        DataType.Bool => typeof(bool),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
