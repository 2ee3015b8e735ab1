using System.Globalization;
using System.Text.Json;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.SpecTesting;

/// <summary>The host reference the spec scripts write as <c>(ref.extern N)</c>.</summary>
/// <param name="Id">N.</param>
public sealed record SpecExternRef(ulong Id);

/// <summary>Reads and compares wabt-JSON values: integers as unsigned decimal, floats as decimal bit patterns.</summary>
internal static class SpecValues
{
    public static ValueType TypeOf(string name) =>
        ValueTypeExtensions.TryParseWat(name, out var type) ? type : throw new FormatException($"unknown value type '{name}'");

    public static WasmValue Parse(JsonElement value)
    {
        string type = value.GetProperty("type").GetString()!;
        if (type == "v128") return SpecVectors.Parse(value);
        string text = value.GetProperty("value").GetString()!;
        return type switch
        {
            "i32" => WasmValue.FromInt32((int)uint.Parse(text, CultureInfo.InvariantCulture)),
            "i64" => WasmValue.FromInt64((long)ulong.Parse(text, CultureInfo.InvariantCulture)),
            "f32" => WasmValue.FromSingleBits(uint.Parse(text, CultureInfo.InvariantCulture)),
            "f64" => WasmValue.FromDoubleBits(ulong.Parse(text, CultureInfo.InvariantCulture)),
            "externref" => WasmValue.FromExtern(text == "null" ? null : new SpecExternRef(ulong.Parse(text, CultureInfo.InvariantCulture))),
            "funcref" when text == "null" => WasmValue.FromFunction(null),
            _ => throw new FormatException($"cannot pass a {type} value '{text}'"),
        };
    }

    /// <summary>Null when <paramref name="actual"/> matches <paramref name="expected"/>, else a description of the difference.</summary>
    public static string? Mismatch(JsonElement expected, WasmValue actual)
    {
        string type = expected.GetProperty("type").GetString()!;
        if (type == "either")
        {
            foreach (var option in expected.GetProperty("values").EnumerateArray())
            {
                if (Mismatch(option, actual) is null) return null;
            }
            return $"got {actual}, expected one of {expected.GetProperty("values")}";
        }
        if (type == "v128") return SpecVectors.Mismatch(expected, actual);
        var expectedType = TypeOf(type);
        if (actual.Type != expectedType) return $"got {actual}, expected a {type}";
        string text = expected.GetProperty("value").GetString()!;
        bool ok = (type, text) switch
        {
            ("f32", "nan:canonical") => (actual.Bits & 0x7FFF_FFFF) == 0x7FC0_0000,
            ("f32", "nan:arithmetic") => (actual.Bits & 0x7FC0_0000) == 0x7FC0_0000,
            ("f64", "nan:canonical") => (actual.Bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000,
            ("f64", "nan:arithmetic") => (actual.Bits & 0x7FF8_0000_0000_0000) == 0x7FF8_0000_0000_0000,
            ("externref", "null") or ("funcref", "null") => actual.AsReference() is null,
            ("externref", _) => Equals(actual.AsReference(), new SpecExternRef(ulong.Parse(text, CultureInfo.InvariantCulture))),
            ("funcref", _) => actual.AsReference() is not null,
            _ => actual.Bits == Parse(expected).Bits,
        };
        return ok ? null : $"got {actual}, expected {type}:{text}";
    }
}

/// <summary>Thrown inside the runner when an assertion must be skipped.</summary>
internal sealed class SpecSkipException(string reason) : Exception(reason);
