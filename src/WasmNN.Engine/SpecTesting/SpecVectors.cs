using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text.Json;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.SpecTesting;

/// <summary>
/// wabt-JSON v128 values: <c>{"type": "v128", "lane_type": "i16", "value": ["1", ...]}</c>, each lane an unsigned
/// decimal (integers) or a decimal bit pattern (floats); expected float lanes may be <c>nan:canonical</c> or
/// <c>nan:arithmetic</c>, checked lane by lane.
/// </summary>
internal static class SpecVectors
{
    public static WasmValue Parse(JsonElement value)
    {
        var (laneBytes, lanes) = Lanes(value);
        Span<byte> bytes = stackalloc byte[16];
        for (int i = 0; i < lanes.Length; i++)
        {
            ulong bits = ulong.Parse(lanes[i], CultureInfo.InvariantCulture);
            for (int b = 0; b < laneBytes; b++) bytes[i * laneBytes + b] = (byte)(bits >> (8 * b));
        }
        return WasmValue.FromVector(Vector128.Create((ReadOnlySpan<byte>)bytes));
    }

    /// <summary>Null when <paramref name="actual"/> matches, else a description of the difference.</summary>
    public static string? Mismatch(JsonElement expected, WasmValue actual)
    {
        if (actual.Type != ValueType.V128) return $"got {actual}, expected a v128";
        var (laneBytes, lanes) = Lanes(expected);
        string laneType = expected.GetProperty("lane_type").GetString()!;
        var vector = actual.AsVector();
        for (int i = 0; i < lanes.Length; i++)
        {
            ulong bits = 0;
            for (int b = 0; b < laneBytes; b++) bits |= (ulong)vector.GetElement(i * laneBytes + b) << (8 * b);
            bool ok = (laneType, lanes[i]) switch
            {
                ("f32", "nan:canonical") => (bits & 0x7FFF_FFFF) == 0x7FC0_0000,
                ("f32", "nan:arithmetic") => (bits & 0x7FC0_0000) == 0x7FC0_0000,
                ("f64", "nan:canonical") => (bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000,
                ("f64", "nan:arithmetic") => (bits & 0x7FF8_0000_0000_0000) == 0x7FF8_0000_0000_0000,
                _ => bits == (ulong.Parse(lanes[i], CultureInfo.InvariantCulture) & (laneBytes == 8 ? ulong.MaxValue : (1UL << (8 * laneBytes)) - 1)),
            };
            if (!ok) return $"lane {i}: got {Describe(vector, laneBytes)}, expected {laneType} [{string.Join(' ', lanes)}]";
        }
        return null;
    }

    private static (int LaneBytes, string[] Lanes) Lanes(JsonElement value)
    {
        int laneBytes = value.GetProperty("lane_type").GetString() switch
        {
            "i8" => 1,
            "i16" => 2,
            "i32" or "f32" => 4,
            "i64" or "f64" => 8,
            var other => throw new FormatException($"unknown v128 lane type '{other}'"),
        };
        string[] lanes = [.. value.GetProperty("value").EnumerateArray().Select(l => l.GetString()!)];
        if (lanes.Length * laneBytes != 16) throw new FormatException($"a v128 of {lanes.Length} lanes of {laneBytes} bytes");
        return (laneBytes, lanes);
    }

    private static string Describe(Vector128<byte> vector, int laneBytes)
    {
        var lanes = new List<string>();
        for (int i = 0; i < 16 / laneBytes; i++)
        {
            ulong bits = 0;
            for (int b = 0; b < laneBytes; b++) bits |= (ulong)vector.GetElement(i * laneBytes + b) << (8 * b);
            lanes.Add(bits.ToString(CultureInfo.InvariantCulture));
        }
        return $"[{string.Join(' ', lanes)}]";
    }
}
