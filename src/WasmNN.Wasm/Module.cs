using System.Collections.Immutable;

namespace WasmNN.Wasm;

/// <summary>
/// A decoded WebAssembly module: every section in index-space order. Produced by <c>ModuleReader</c>,
/// consumed by the validator, the engine, the writer and the printer. Function bodies stay as bytes
/// (with their offset in the original file) and are decoded on demand by <c>InstructionReader</c>.
/// </summary>
public sealed class WasmModule
{
    /// <summary>The type section.</summary>
    public List<FuncType> Types { get; } = [];

    /// <summary>The import section, in order.</summary>
    public List<Import> Imports { get; } = [];

    /// <summary>Type index of each function defined in this module (not counting imported functions).</summary>
    public List<uint> Functions { get; } = [];

    /// <summary>Tables defined in this module (not imported).</summary>
    public List<TableType> Tables { get; } = [];

    /// <summary>Memories defined in this module (not imported).</summary>
    public List<MemoryType> Memories { get; } = [];

    /// <summary>Globals defined in this module (not imported).</summary>
    public List<Global> Globals { get; } = [];

    /// <summary>The export section.</summary>
    public List<Export> Exports { get; } = [];

    /// <summary>The start function index, if any.</summary>
    public uint? Start { get; set; }

    /// <summary>The element section.</summary>
    public List<ElementSegment> Elements { get; } = [];

    /// <summary>The data-count section's value, if present.</summary>
    public uint? DataCount { get; set; }

    /// <summary>Function bodies, one per entry of <see cref="Functions"/>.</summary>
    public List<FunctionBody> Codes { get; } = [];

    /// <summary>The data section.</summary>
    public List<DataSegment> Data { get; } = [];

    /// <summary>Custom sections, kept in order with the id of the section they followed.</summary>
    public List<CustomSection> CustomSections { get; } = [];

    /// <summary>Names from the <c>name</c> custom section, if it was present and well formed.</summary>
    public NameMap Names { get; set; } = NameMap.Empty;

    /// <summary>Number of imported functions: they come first in the function index space.</summary>
    public int ImportedFunctionCount => Imports.Count(i => i.Kind == ExternalKind.Function);

    /// <summary>Number of imported tables.</summary>
    public int ImportedTableCount => Imports.Count(i => i.Kind == ExternalKind.Table);

    /// <summary>Number of imported memories.</summary>
    public int ImportedMemoryCount => Imports.Count(i => i.Kind == ExternalKind.Memory);

    /// <summary>Number of imported globals.</summary>
    public int ImportedGlobalCount => Imports.Count(i => i.Kind == ExternalKind.Global);

    /// <summary>The signature of function <paramref name="functionIndex"/> in the whole index space.</summary>
    public FuncType GetFunctionType(uint functionIndex)
    {
        uint i = 0;
        foreach (var import in Imports)
        {
            if (import.Kind != ExternalKind.Function) continue;
            if (i == functionIndex) return Types[(int)import.TypeIndex];
            i++;
        }
        return Types[(int)Functions[(int)(functionIndex - i)]];
    }
}

/// <summary>One import: module and field name and what is imported.</summary>
/// <param name="ModuleName">The module name.</param>
/// <param name="Name">The field name.</param>
/// <param name="Kind">What kind of item is imported.</param>
/// <param name="TypeIndex">For functions: the type index.</param>
/// <param name="Table">For tables: the table type.</param>
/// <param name="Memory">For memories: the memory type.</param>
/// <param name="Global">For globals: the global type.</param>
public sealed record Import(string ModuleName, string Name, ExternalKind Kind, uint TypeIndex = 0,
    TableType Table = default, MemoryType Memory = default, GlobalType Global = default);

/// <summary>One export.</summary>
public sealed record Export(string Name, ExternalKind Kind, uint Index);

/// <summary>A module-defined global and its initialiser.</summary>
public sealed record Global(GlobalType Type, ConstantExpression Init);

/// <summary>
/// A constant expression (global initialisers, segment offsets, element items): the raw instruction bytes
/// up to and including the final <c>end</c>, and their offset in the file for error messages.
/// </summary>
public sealed record ConstantExpression(ReadOnlyMemory<byte> Code, int Offset);

/// <summary>How an element segment is used.</summary>
public enum SegmentMode : byte
{
    /// <summary>Copied into a table at instantiation.</summary>
    Active,
    /// <summary>Only used by <c>table.init</c>.</summary>
    Passive,
    /// <summary>Only declares references for <c>ref.func</c>.</summary>
    Declarative,
}

/// <summary>An element segment. Items are constant expressions (function indices are encoded as <c>ref.func</c>).</summary>
public sealed record ElementSegment(SegmentMode Mode, ValueType ElementType, uint TableIndex,
    ConstantExpression? Offset, ImmutableArray<ConstantExpression> Items, int FileOffset)
{
    /// <summary>For segments written as a plain vector of function indices: those indices, else empty.</summary>
    public ImmutableArray<uint> FunctionIndices { get; init; } = [];
}

/// <summary>A data segment.</summary>
public sealed record DataSegment(SegmentMode Mode, uint MemoryIndex, ConstantExpression? Offset,
    ReadOnlyMemory<byte> Bytes, int FileOffset);

/// <summary>Local declarations of a function body, run-length encoded as in the binary.</summary>
public readonly record struct LocalGroup(uint Count, ValueType Type);

/// <summary>
/// A function body: its locals and instruction bytes (after the local declarations, through the final
/// <c>end</c>). <see cref="CodeOffset"/> is the file offset of <see cref="Code"/>'s first byte, so traps and
/// errors can name the exact instruction.
/// </summary>
public sealed record FunctionBody(ImmutableArray<LocalGroup> Locals, ReadOnlyMemory<byte> Code, int CodeOffset, int BodyOffset);

/// <summary>A custom section, kept verbatim.</summary>
/// <param name="Name">The section name.</param>
/// <param name="Content">The payload after the name.</param>
/// <param name="AfterSectionId">Id of the last known section before it (0 if none), so the writer can put it back.</param>
public sealed record CustomSection(string Name, ReadOnlyMemory<byte> Content, byte AfterSectionId);

/// <summary>Names from the <c>name</c> custom section.</summary>
public sealed class NameMap
{
    /// <summary>No names.</summary>
    public static NameMap Empty { get; } = new();

    /// <summary>The module name, if given.</summary>
    public string? ModuleName { get; init; }

    /// <summary>Function names by function index.</summary>
    public Dictionary<uint, string> Functions { get; init; } = [];

    /// <summary>Local names by function index, then local index.</summary>
    public Dictionary<uint, Dictionary<uint, string>> Locals { get; init; } = [];
}
