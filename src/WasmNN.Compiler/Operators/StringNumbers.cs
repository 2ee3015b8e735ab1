using System.Globalization;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Cast between strings and numbers in the reference evaluation, as the ONNX Cast specification says: strings parse
/// in plain or scientific notation ("3.14", "1e-5", "1E8"), "INF"/"+INF", "-INF" and "NaN" in any case are the
/// special values, a string with a fraction cast to an integer truncates toward zero; numbers format in plain
/// notation, floats with the fewest digits that read back to the same value, numpy's way (positional from 1e-4 up
/// to 1e16, else "1e-07" scientific: what the ONNX test data holds), special values as "NaN", "INF" and "-INF".
/// </summary>
public static class StringNumbers
{
    /// <summary>Element <paramref name="index"/> of numeric <paramref name="x"/> as a string.</summary>
    public static string Format(Tensor x, int index) => x.DataType switch
    {
        DataType.Float32 => FormatFloat(((float[])x.Data)[index], single: true),
        DataType.Float16 => FormatFloat((float)((Half[])x.Data)[index], single: true),
        DataType.BFloat16 => FormatFloat((float)((BFloat16[])x.Data)[index], single: true),
        DataType.Float64 => FormatFloat(((double[])x.Data)[index], single: false),
        DataType.Bool => ((bool[])x.Data)[index] ? "True" : "False",
        DataType.UInt64 => ((ulong[])x.Data)[index].ToString(CultureInfo.InvariantCulture),
        _ => x.GetInt64(index).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Parses <paramref name="text"/> as a number (a double; float32 targets use <see cref="ParseSingle"/>).</summary>
    /// <exception cref="OperatorException">Not a numeric literal (the message quotes it).</exception>
    public static double Parse(string text) =>
        Special(text) ?? (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw NotANumber(text));

    /// <summary>Parses <paramref name="text"/> rounded once, straight to float32 (not through a double).</summary>
    /// <exception cref="OperatorException">Not a numeric literal.</exception>
    public static float ParseSingle(string text) =>
        Special(text) is { } special ? (float)special
        : float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw NotANumber(text);

    /// <summary>The shortest round-trip digits of a finite value, placed as numpy places them.</summary>
    public static string FormatFloat(double value, bool single)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }
        if (double.IsInfinity(value))
        {
            return value > 0 ? "INF" : "-INF";
        }
        // "R" is the shortest string that reads back to the same float (or double): take its digits and exponent.
        var roundTrip = single ? ((float)value).ToString("R", CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip.StartsWith('-');
        var unsigned = negative ? roundTrip[1..] : roundTrip;
        var at = unsigned.IndexOfAny(['E', 'e']);
        var mantissa = at < 0 ? unsigned : unsigned[..at];
        var exponent = at < 0 ? 0 : int.Parse(unsigned[(at + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var allDigits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = point < 0 ? mantissa.Length : point;
        var leadingZeros = allDigits.Length - allDigits.TrimStart('0').Length;
        var digits = allDigits.Trim('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }
        // The decimal exponent of the first significant digit.
        var magnitude = integerDigits - leadingZeros - 1 + exponent;
        string body;
        // numpy chooses by the value, not by its digits: float32 1e-4 is 9.99999974e-05 and prints "1e-04".
        if (Math.Abs(value) is >= 1e-4 and < 1e16)
        {
            body = magnitude < 0 ? "0." + new string('0', -magnitude - 1) + digits
                : digits.Length <= magnitude + 1 ? digits + new string('0', magnitude + 1 - digits.Length) + ".0"
                : digits[..(magnitude + 1)] + "." + digits[(magnitude + 1)..];
        }
        else
        {
            var sign = magnitude < 0 ? "-" : "+";
            body = (digits.Length == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + sign + Math.Abs(magnitude).ToString("00", CultureInfo.InvariantCulture);
        }
        return negative ? "-" + body : body;
    }

    private static double? Special(string text) => text.Trim() switch
    {
        var t when t.Equals("INF", StringComparison.OrdinalIgnoreCase) || t.Equals("+INF", StringComparison.OrdinalIgnoreCase) => double.PositiveInfinity,
        var t when t.Equals("-INF", StringComparison.OrdinalIgnoreCase) => double.NegativeInfinity,
        var t when t.Equals("NaN", StringComparison.OrdinalIgnoreCase) => double.NaN,
        _ => null,
    };

    private static OperatorException NotANumber(string text) => new($"'{text}' is not a numeric literal");
}
