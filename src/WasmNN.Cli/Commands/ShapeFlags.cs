using System.Globalization;
using WasmNN.Compiler.Passes;

namespace WasmNN.Cli.Commands;

/// <summary>Parses <c>--shape NAME=D0,D1,...</c>, <c>--dim SYMBOL=N</c> and <c>--string-bytes NAME=BYTES</c>; a malformed flag is one line on stderr (exit 2).</summary>
internal static class ShapeFlags
{
    /// <summary>The bindings, or null after writing the error (usage: exit 2).</summary>
    public static ShapeBindings? Parse(IEnumerable<string> shapes, IEnumerable<string> dims)
    {
        var inputShapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var flag in shapes)
        {
            if (!TrySplit(flag, out var name, out var text))
            {
                return Fail($"--shape {flag}: expected NAME=D0,D1,... (e.g. --shape x=1,3,48,320)");
            }
            var sizes = text.Length == 0 ? [] : text.Split(',');
            var shape = new int[sizes.Length];
            for (var d = 0; d < sizes.Length; d++)
            {
                if (!int.TryParse(sizes[d], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out shape[d]) || shape[d] <= 0)
                {
                    return Fail($"--shape {flag}: dimension {d} ('{sizes[d]}') is not a positive integer");
                }
            }
            if (!inputShapes.TryAdd(name, shape))
            {
                return Fail($"--shape {flag}: input '{name}' is given twice");
            }
        }
        var dimensions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var flag in dims)
        {
            if (!TrySplit(flag, out var symbol, out var text))
            {
                return Fail($"--dim {flag}: expected SYMBOL=N (e.g. --dim batch=1)");
            }
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size) || size <= 0)
            {
                return Fail($"--dim {flag}: '{text}' is not a positive integer");
            }
            if (!dimensions.TryAdd(symbol, size))
            {
                return Fail($"--dim {flag}: dimension '{symbol}' is given twice");
            }
        }
        return new ShapeBindings(inputShapes, dimensions);
    }

    /// <summary>The UTF-8 capacity of each named string input, or null after writing the error (usage: exit 2).</summary>
    public static Dictionary<string, int>? ParseStringBytes(IEnumerable<string> flags)
    {
        var capacities = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var flag in flags)
        {
            if (!TrySplit(flag, out var name, out var text))
            {
                return Fail<Dictionary<string, int>>($"--string-bytes {flag}: expected NAME=BYTES (e.g. --string-bytes text=4096)");
            }
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
            {
                return Fail<Dictionary<string, int>>($"--string-bytes {flag}: '{text}' is not a byte count (0 to {int.MaxValue})");
            }
            if (!capacities.TryAdd(name, bytes))
            {
                return Fail<Dictionary<string, int>>($"--string-bytes {flag}: input '{name}' is given twice");
            }
        }
        return capacities;
    }

    // The name may itself contain '=' only in theory; ONNX names do not in practice, so split at the last one.
    private static bool TrySplit(string flag, out string name, out string value)
    {
        var at = flag.LastIndexOf('=');
        name = at > 0 ? flag[..at] : "";
        value = at > 0 ? flag[(at + 1)..] : "";
        return at > 0;
    }

    private static ShapeBindings? Fail(string message) => Fail<ShapeBindings>(message);

    private static T? Fail<T>(string message) where T : class
    {
        Report.Error(ExitCodes.Usage, message);
        return null;
    }
}
