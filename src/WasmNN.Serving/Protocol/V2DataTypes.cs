using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using WasmNN.Compiler.IR;

namespace WasmNN.Serving.Protocol;

/// <summary>
/// The v2 protocol's tensor data types (BOOL, UINT8, ..., FP64) against the numpy names compiled models use, and how
/// one element is read from JSON and written back. One table, used by requests, responses and model metadata.
/// </summary>
public static class V2DataTypes
{
    // The v2 names of the compiled models' dtypes; element sizes come from the compiler's one dtype table.
    private static readonly (string V2, string Numpy)[] s_table =
    [
        ("BOOL", "bool"), ("UINT8", "uint8"), ("UINT16", "uint16"), ("UINT32", "uint32"), ("UINT64", "uint64"),
        ("INT8", "int8"), ("INT16", "int16"), ("INT32", "int32"), ("INT64", "int64"),
        ("FP16", "float16"), ("BF16", "bfloat16"), ("FP32", "float32"), ("FP64", "float64"),
    ];

    /// <summary>The v2 name ("FP32") of a numpy dtype ("float32").</summary>
    /// <exception cref="ArgumentException">A dtype compiled models do not have.</exception>
    public static string FromNumpy(string dtype)
    {
        foreach (var row in s_table)
        {
            if (row.Numpy == dtype) return row.V2;
        }
        throw new ArgumentException($"no v2 data type for '{dtype}'", nameof(dtype));
    }

    /// <summary>The numpy dtype of a v2 name, or null for a name the protocol has but compiled models do not (BYTES).</summary>
    public static string? ToNumpy(string v2)
    {
        foreach (var row in s_table)
        {
            if (row.V2 == v2) return row.Numpy;
        }
        return null;
    }

    /// <summary>Bytes of one element of a numpy dtype (bool: one byte, as in binary tensor data).</summary>
    public static int ElementSize(string dtype) =>
        DataTypes.FromName(dtype)?.ByteSize() ?? throw new ArgumentException($"unknown dtype '{dtype}'", nameof(dtype));

    /// <summary>
    /// Writes the JSON value <paramref name="element"/> as one little-endian element of <paramref name="dtype"/> into
    /// <paramref name="target"/>; false when it is not a value of that type (a string, out of range, a fraction for an integer).
    /// Floats also take "NaN", "Infinity" and "-Infinity", which JSON numbers cannot spell.
    /// </summary>
    public static bool TryWrite(JsonElement element, string dtype, Span<byte> target)
    {
        switch (dtype)
        {
            case "float32" when TryFloat(element, out var d):
                BinaryPrimitives.WriteSingleLittleEndian(target, (float)d);
                return true;
            case "float64" when TryFloat(element, out var d):
                BinaryPrimitives.WriteDoubleLittleEndian(target, d);
                return true;
            case "float16" when TryFloat(element, out var d):
                BinaryPrimitives.WriteHalfLittleEndian(target, (Half)d);
                return true;
            case "bfloat16" when TryFloat(element, out var d):
                BinaryPrimitives.WriteUInt16LittleEndian(target, ((BFloat16)d).Bits);
                return true;
            case "uint64" when element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var ul):
                BinaryPrimitives.WriteUInt64LittleEndian(target, ul);
                return true;
            case "uint32" when element.ValueKind == JsonValueKind.Number && element.TryGetUInt32(out var ui):
                BinaryPrimitives.WriteUInt32LittleEndian(target, ui);
                return true;
            case "int16" when element.ValueKind == JsonValueKind.Number && element.TryGetInt16(out var sh):
                BinaryPrimitives.WriteInt16LittleEndian(target, sh);
                return true;
            case "uint16" when element.ValueKind == JsonValueKind.Number && element.TryGetUInt16(out var us):
                BinaryPrimitives.WriteUInt16LittleEndian(target, us);
                return true;
            case "int64" when element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var l):
                BinaryPrimitives.WriteInt64LittleEndian(target, l);
                return true;
            case "int32" when element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var i):
                BinaryPrimitives.WriteInt32LittleEndian(target, i);
                return true;
            case "int8" when element.ValueKind == JsonValueKind.Number && element.TryGetSByte(out var sb):
                target[0] = (byte)sb;
                return true;
            case "uint8" when element.ValueKind == JsonValueKind.Number && element.TryGetByte(out var b):
                target[0] = b;
                return true;
            case "bool" when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                target[0] = element.ValueKind == JsonValueKind.True ? (byte)1 : (byte)0;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes the element of <paramref name="dtype"/> at the start of <paramref name="source"/> as a JSON value.</summary>
    public static void WriteJson(Utf8JsonWriter writer, string dtype, ReadOnlySpan<byte> source)
    {
        switch (dtype)
        {
            case "float32":
                WriteFloat(writer, BinaryPrimitives.ReadSingleLittleEndian(source));
                break;
            case "float64":
                WriteFloat(writer, BinaryPrimitives.ReadDoubleLittleEndian(source));
                break;
            case "float16":
                WriteFloat(writer, (float)BinaryPrimitives.ReadHalfLittleEndian(source));
                break;
            case "bfloat16":
                WriteFloat(writer, (float)new BFloat16(BinaryPrimitives.ReadUInt16LittleEndian(source)));
                break;
            case "uint64":
                writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(source));
                break;
            case "uint32":
                writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(source));
                break;
            case "int16":
                writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(source));
                break;
            case "uint16":
                writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(source));
                break;
            case "int64":
                writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(source));
                break;
            case "int32":
                writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(source));
                break;
            case "int8":
                writer.WriteNumberValue((sbyte)source[0]);
                break;
            case "uint8":
                writer.WriteNumberValue(source[0]);
                break;
            default:
                writer.WriteBooleanValue(source[0] != 0);
                break;
        }
    }

    private static bool TryFloat(JsonElement element, out double value)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetDouble(out value);
        }
        value = element.ValueKind == JsonValueKind.String ? element.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => 0,
        } : 0;
        return element.ValueKind == JsonValueKind.String && (double.IsNaN(value) || double.IsInfinity(value));
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(NonFinite(value));
    }

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteStringValue(NonFinite(value));
    }

    private static string NonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    /// <summary>A JSON value shown in an error message, shortened.</summary>
    internal static string Show(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length > 40 ? text[..40] + "..." : text;
    }

    /// <summary>Shape as the messages print it.</summary>
    internal static string Shape(IEnumerable<int> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
