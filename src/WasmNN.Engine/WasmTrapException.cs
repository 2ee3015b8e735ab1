namespace WasmNN.Engine;

/// <summary>Why a WebAssembly program trapped.</summary>
public enum TrapKind
{
    /// <summary>The <c>unreachable</c> instruction ran.</summary>
    Unreachable,
    /// <summary>A load, store or bulk memory operation went outside linear memory.</summary>
    MemoryOutOfBounds,
    /// <summary>A table access or bulk table operation went outside the table.</summary>
    TableOutOfBounds,
    /// <summary><c>call_indirect</c> with an index past the end of the table.</summary>
    UndefinedElement,
    /// <summary><c>call_indirect</c> through a null table entry.</summary>
    IndirectCallToNull,
    /// <summary><c>call_indirect</c> to a function whose signature differs from the expected one.</summary>
    IndirectCallTypeMismatch,
    /// <summary>Integer division or remainder by zero.</summary>
    IntegerDivideByZero,
    /// <summary>Signed division overflow, or a float-to-int conversion out of range.</summary>
    IntegerOverflow,
    /// <summary>Float-to-int conversion of a NaN.</summary>
    InvalidConversionToInteger,
    /// <summary>Recursion deeper than the engine's call-depth limit or the thread's stack.</summary>
    CallStackExhausted,
    /// <summary>The host stopped the guest (<see cref="Engine.Interrupt"/>, e.g. a timeout); <see cref="WasmTrapException.Reason"/> says why.</summary>
    Interrupted,
    /// <summary>An atomic access at an address that is not a multiple of its size (threads proposal).</summary>
    UnalignedAtomic,
    /// <summary><c>memory.atomic.wait32/64</c> on a memory that is not shared.</summary>
    WaitOnUnsharedMemory,
}

/// <summary>
/// A WebAssembly trap. Every trap the engine raises is this one type; <see cref="Kind"/> says why, and
/// <see cref="FunctionIndex"/>, <see cref="FunctionName"/> and <see cref="Offset"/> say where.
/// </summary>
public sealed class WasmTrapException : Exception
{
    /// <summary>Creates a trap.</summary>
    /// <param name="kind">Why it trapped.</param>
    /// <param name="functionIndex">Index of the trapping function in its module's function space, or -1.</param>
    /// <param name="functionName">The function's name from the name section (or its export name), or null.</param>
    /// <param name="offset">Byte offset of the trapping instruction in the module, or -1.</param>
    /// <param name="reason">Detail beyond the kind (an interrupt's reason, e.g. "timeout after 2 s"), or null.</param>
    public WasmTrapException(TrapKind kind, int functionIndex = -1, string? functionName = null, int offset = -1, string? reason = null)
        : base(Format(kind, functionIndex, functionName, offset, reason))
    {
        Kind = kind;
        FunctionIndex = functionIndex;
        FunctionName = functionName;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Why it trapped.</summary>
    public TrapKind Kind { get; }

    /// <summary>Index of the trapping function in its module, or -1 when not in a function (e.g. instantiation).</summary>
    public int FunctionIndex { get; }

    /// <summary>The function's name from the name section, if known.</summary>
    public string? FunctionName { get; }

    /// <summary>Byte offset of the trapping instruction in the module binary, or -1.</summary>
    public int Offset { get; }

    /// <summary>Detail beyond <see cref="Kind"/>: for <see cref="TrapKind.Interrupted"/> the host's reason; otherwise usually null.</summary>
    public string? Reason { get; }

    /// <summary>The trap's wording in the WebAssembly spec suite (e.g. "integer divide by zero").</summary>
    public string SpecMessage => Describe(Kind);

    /// <summary>The spec suite's wording for <paramref name="kind"/>.</summary>
    public static string Describe(TrapKind kind) => kind switch
    {
        TrapKind.Unreachable => "unreachable",
        TrapKind.MemoryOutOfBounds => "out of bounds memory access",
        TrapKind.TableOutOfBounds => "out of bounds table access",
        TrapKind.UndefinedElement => "undefined element",
        TrapKind.IndirectCallToNull => "uninitialized element",
        TrapKind.IndirectCallTypeMismatch => "indirect call type mismatch",
        TrapKind.IntegerDivideByZero => "integer divide by zero",
        TrapKind.IntegerOverflow => "integer overflow",
        TrapKind.InvalidConversionToInteger => "invalid conversion to integer",
        TrapKind.CallStackExhausted => "call stack exhausted",
        TrapKind.Interrupted => "execution interrupted",
        TrapKind.UnalignedAtomic => "unaligned atomic",
        TrapKind.WaitOnUnsharedMemory => "expected shared memory",
        _ => kind.ToString(),
    };

    private static string Format(TrapKind kind, int functionIndex, string? functionName, int offset, string? reason)
    {
        var why = reason is null ? "" : $": {reason}";
        var where = functionIndex < 0 ? "" : functionName is null ? $" in function {functionIndex}" : $" in function {functionIndex} ({functionName})";
        var at = offset < 0 ? "" : $" at byte offset 0x{offset:x}";
        return $"wasm trap: {Describe(kind)}{why}{where}{at}";
    }
}

/// <summary>
/// A module could not be linked: an import is missing or has the wrong kind or type. The spec calls such
/// modules "unlinkable".
/// </summary>
public sealed class WasmLinkException : Exception
{
    /// <summary>Creates the exception for a problem that is not about one import (e.g. a memory over the engine's limit).</summary>
    /// <param name="problem">What is wrong.</param>
    public WasmLinkException(string problem)
        : base($"link error: {problem}")
    {
        Problem = problem;
        ModuleName = "";
        Name = "";
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong, in the spec suite's words (e.g. "unknown import").</param>
    /// <param name="moduleName">The import's module name.</param>
    /// <param name="name">The import's field name.</param>
    public WasmLinkException(string problem, string moduleName, string name)
        : base($"link error: {problem}: \"{moduleName}\" \"{name}\"")
    {
        Problem = problem;
        ModuleName = moduleName;
        Name = name;
    }

    /// <summary>What is wrong.</summary>
    public string Problem { get; }

    /// <summary>The import's module name, or empty when the problem is not about an import.</summary>
    public string ModuleName { get; }

    /// <summary>The import's field name, or empty when the problem is not about an import.</summary>
    public string Name { get; }
}
