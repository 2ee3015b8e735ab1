namespace WasmNN.Wasm;

/// <summary>How a module was rejected: the spec distinguishes malformed (cannot be decoded) from invalid (does not type-check).</summary>
public enum WasmErrorKind
{
    /// <summary>The bytes do not follow the binary format.</summary>
    Malformed,
    /// <summary>The module decodes but fails validation.</summary>
    Invalid,
}

/// <summary>
/// A module that cannot be decoded or does not validate. The message names the problem; <see cref="Offset"/>
/// is the byte offset in the file and <see cref="Section"/> the section being read, when known.
/// </summary>
public sealed class WasmFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WasmFormatException(WasmErrorKind kind, string problem, int offset, string? section = null)
        : base(Format(kind, problem, offset, section))
    {
        Kind = kind;
        Problem = problem;
        Offset = offset;
        Section = section;
    }

    /// <summary>Creates the exception for a problem inside function <paramref name="functionIndex"/> (whole index space).</summary>
    public WasmFormatException(WasmErrorKind kind, string problem, int offset, string? section, int functionIndex)
        : base(Format(kind, problem, offset, section) + $" (function {functionIndex})")
    {
        Kind = kind;
        Problem = problem;
        Offset = offset;
        Section = section;
        FunctionIndex = functionIndex;
    }

    /// <summary>The function (in the whole index space, imports first) whose body has the problem, if any.</summary>
    public int? FunctionIndex { get; }

    /// <summary>Malformed or invalid.</summary>
    public WasmErrorKind Kind { get; }

    /// <summary>The problem alone, without location (matches the spec suite's wording where we can).</summary>
    public string Problem { get; }

    /// <summary>Byte offset in the module where the problem was found, or -1.</summary>
    public int Offset { get; }

    /// <summary>The section being read, e.g. <c>code</c>, or null.</summary>
    public string? Section { get; }

    private static string Format(WasmErrorKind kind, string problem, int offset, string? section)
    {
        var where = offset >= 0 ? $" at byte offset 0x{offset:x}" : "";
        var sec = section is null ? "" : $" in {section} section";
        return $"{(kind == WasmErrorKind.Malformed ? "malformed" : "invalid")} module: {problem}{sec}{where}";
    }
}
