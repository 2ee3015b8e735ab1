using System.Globalization;
using System.Runtime.Intrinsics;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// What a host observed running a <see cref="CallPlan"/>, as lines every host writes the same way: <c>call NAME</c>,
/// <c>log i32 5</c>, <c>ret i64 -1 f32 nan</c>, <c>trap memory</c>, and a final <c>stop WHY</c> where the host can
/// no longer be compared (V8 cannot pass a v128 to JavaScript; stack depth and timeouts differ between engines).
/// </summary>
/// <remarks>
/// Floats print as their bits, except that every NaN prints as <c>nan</c>: the spec lets a NaN result's sign and
/// payload vary between engines (canonical or arithmetic NaN), so only NaN-ness is compared; v128 values compare
/// the same way lane by lane (see <see cref="FirstDifference"/>). Trap kinds are merged
/// where engines word them alike: V8 reports a null and a mistyped indirect call with one message, and the
/// engines split "integer overflow" and "invalid conversion" differently.
/// </remarks>
internal static class ExecutionTrace
{
    public const string StopPrefix = "stop ";

    public static string Call(string name) => "call " + name;

    public static string Log(WasmValue value) => "log " + Value(value);

    public static string Return(IEnumerable<WasmValue> values) => string.Join(' ', ["ret", .. values.Select(Value)]);

    public static string Value(WasmValue value) => value.Type switch
    {
        ValueType.I32 => "i32 " + value.AsInt32().ToString(CultureInfo.InvariantCulture),
        ValueType.I64 => "i64 " + value.AsInt64().ToString(CultureInfo.InvariantCulture),
        ValueType.F32 => "f32 " + (float.IsNaN(value.AsSingle()) ? "nan" : ((uint)value.Bits).ToString("x8", CultureInfo.InvariantCulture)),
        ValueType.F64 => "f64 " + (double.IsNaN(value.AsDouble()) ? "nan" : value.Bits.ToString("x16", CultureInfo.InvariantCulture)),
        ValueType.V128 => "v128 " + Convert.ToHexStringLower(Vector128Bytes(value.AsVector())),
        _ => value.Type.ToString().ToLowerInvariant() + (value.AsReference() is null ? " null" : " ref"),
    };

    /// <summary>Our engine's trap kind in the merged vocabulary (null: not comparable, the trace stops).</summary>
    public static string Trap(TrapKind kind) => kind switch
    {
        TrapKind.Unreachable => "trap unreachable",
        TrapKind.MemoryOutOfBounds => "trap memory",
        TrapKind.TableOutOfBounds or TrapKind.UndefinedElement => "trap table",
        TrapKind.IndirectCallToNull or TrapKind.IndirectCallTypeMismatch => "trap indirect",
        TrapKind.IntegerDivideByZero => "trap divide",
        TrapKind.IntegerOverflow or TrapKind.InvalidConversionToInteger => "trap overflow",
        TrapKind.CallStackExhausted => StopPrefix + "stack",
        TrapKind.Interrupted => StopPrefix + "timeout",
        _ => "trap " + kind,
    };

    /// <summary>
    /// The first line where <paramref name="left"/> and <paramref name="right"/> differ, comparing only up to the
    /// first <c>stop</c> in either; null when they agree that far.
    /// </summary>
    public static string? FirstDifference(IReadOnlyList<string> left, IReadOnlyList<string> right, string leftName, string rightName)
    {
        int comparable = Math.Min(StopIndex(left), StopIndex(right));
        for (int i = 0; i < comparable; i++)
        {
            bool inLeft = i < left.Count, inRight = i < right.Count;
            if (!inLeft && !inRight) return null;
            var a = inLeft ? left[i] : "<end>";
            var b = inRight ? right[i] : "<end>";
            if (!LinesAgree(a, b)) return $"line {i}: {leftName} '{a}' vs {rightName} '{b}'";
        }
        return null;
    }

    /// <summary>
    /// Equal lines, or lines that differ only in v128 values whose differing lanes are NaN on both sides, read as
    /// f64x2 or f32x4 (a logged v128 carries no lane type, so either reading may be the one the module used).
    /// </summary>
    private static bool LinesAgree(string a, string b)
    {
        if (a == b) return true;
        var left = a.Split(' ');
        var right = b.Split(' ');
        if (left.Length != right.Length) return false;
        for (int i = 0; i < left.Length; i++)
        {
            if (left[i] == right[i]) continue;
            if (i == 0 || left[i - 1] != "v128" || !VectorsAgreeModuloNaN(Convert.FromHexString(left[i]), Convert.FromHexString(right[i]))) return false;
        }
        return true;
    }

    private static bool VectorsAgreeModuloNaN(byte[] a, byte[] b)
    {
        for (int half = 0; half < 16; half += 8)
        {
            var x = a.AsSpan(half, 8);
            var y = b.AsSpan(half, 8);
            if (x.SequenceEqual(y) || (double.IsNaN(BitConverter.ToDouble(x)) && double.IsNaN(BitConverter.ToDouble(y)))) continue;
            for (int lane = 0; lane < 8; lane += 4)
            {
                var p = x.Slice(lane, 4);
                var q = y.Slice(lane, 4);
                if (!p.SequenceEqual(q) && !(float.IsNaN(BitConverter.ToSingle(p)) && float.IsNaN(BitConverter.ToSingle(q)))) return false;
            }
        }
        return true;
    }

    private static int StopIndex(IReadOnlyList<string> trace)
    {
        for (int i = 0; i < trace.Count; i++) if (trace[i].StartsWith(StopPrefix, StringComparison.Ordinal)) return i;
        return int.MaxValue;
    }

    private static byte[] Vector128Bytes(Vector128<byte> vector)
    {
        var bytes = new byte[16];
        vector.CopyTo(bytes);
        return bytes;
    }
}
