namespace WasmNN.Wasm.Instructions;

/// <summary>The immediate operands an instruction carries in the binary, after its opcode.</summary>
public enum Immediates : byte
{
    /// <summary>No immediates.</summary>
    None,
    /// <summary>A block type (<c>block</c>, <c>loop</c>, <c>if</c>).</summary>
    BlockType,
    /// <summary>A label index (<c>br</c>, <c>br_if</c>).</summary>
    Label,
    /// <summary>A vector of label indices plus a default (<c>br_table</c>).</summary>
    BrTable,
    /// <summary>A function index.</summary>
    Function,
    /// <summary>A type index then a table index (<c>call_indirect</c>).</summary>
    CallIndirect,
    /// <summary>A local index.</summary>
    Local,
    /// <summary>A global index.</summary>
    Global,
    /// <summary>A table index.</summary>
    Table,
    /// <summary>Two table indices, destination then source (<c>table.copy</c>).</summary>
    TableCopy,
    /// <summary>An element index then a table index (<c>table.init</c>).</summary>
    TableInit,
    /// <summary>An element segment index (<c>elem.drop</c>).</summary>
    Element,
    /// <summary>A memory argument: alignment exponent and offset.</summary>
    MemArg,
    /// <summary>A memory index byte (<c>memory.size</c>, <c>memory.grow</c>, <c>memory.fill</c>).</summary>
    Memory,
    /// <summary>Two memory indices (<c>memory.copy</c>).</summary>
    MemoryCopy,
    /// <summary>A data index then a memory index (<c>memory.init</c>).</summary>
    MemoryInit,
    /// <summary>A data segment index (<c>data.drop</c>).</summary>
    Data,
    /// <summary>A signed LEB128 i32.</summary>
    I32,
    /// <summary>A signed LEB128 i64.</summary>
    I64,
    /// <summary>Four little-endian bytes of an f32.</summary>
    F32,
    /// <summary>Eight little-endian bytes of an f64.</summary>
    F64,
    /// <summary>Sixteen bytes of a v128.</summary>
    V128,
    /// <summary>A reference type byte (<c>ref.null</c>).</summary>
    RefType,
    /// <summary>A vector of value types (typed <c>select</c>).</summary>
    SelectTypes,
    /// <summary>One lane index byte.</summary>
    Lane,
    /// <summary>A memory argument then a lane index byte (<c>v128.load8_lane</c> ...).</summary>
    MemArgLane,
    /// <summary>Sixteen lane index bytes (<c>i8x16.shuffle</c>).</summary>
    Shuffle,
    /// <summary>
    /// The memory argument of an atomic access (threads proposal): its alignment must equal the natural alignment
    /// exactly, and an unaligned effective address traps. Kept apart from <see cref="MemArg"/> so analyses that move
    /// plain loads' bounds checks leave atomics alone.
    /// </summary>
    AtomicMemArg,
    /// <summary>One reserved zero byte (<c>atomic.fence</c>).</summary>
    Fence,
}

/// <summary>The proposal an instruction belongs to; engines and validators can enable features one by one.</summary>
[Flags]
public enum Feature : ushort
{
    /// <summary>The 1.0 MVP.</summary>
    Mvp = 0,
    /// <summary>Sign-extension operators.</summary>
    SignExtension = 1 << 0,
    /// <summary>Non-trapping (saturating) float-to-int conversions.</summary>
    SaturatingFloatToInt = 1 << 1,
    /// <summary>Multi-value results and block parameters.</summary>
    MultiValue = 1 << 2,
    /// <summary>Bulk memory and table operations.</summary>
    BulkMemory = 1 << 3,
    /// <summary>Reference types.</summary>
    ReferenceTypes = 1 << 4,
    /// <summary>Fixed-width SIMD (128-bit).</summary>
    Simd = 1 << 5,
    /// <summary>Relaxed SIMD.</summary>
    RelaxedSimd = 1 << 6,
    /// <summary>Threads: shared memories, atomic accesses, wait/notify and fence (the 0xFE prefix).</summary>
    Threads = 1 << 7,
    /// <summary>Everything WebAssembly 2.0 has, plus relaxed SIMD and threads.</summary>
    All = SignExtension | SaturatingFloatToInt | MultiValue | BulkMemory | ReferenceTypes | Simd | RelaxedSimd | Threads,
}

/// <summary>
/// What executing an instruction can do besides consuming its operands and producing its results. Analyses that move,
/// merge or drop checks (the engine's bounds-check coalescing and loop versioning) read these facts instead of keeping
/// their own opcode lists.
/// </summary>
[Flags]
public enum Effects : byte
{
    /// <summary>Nothing beyond its operands, results and (for a load or store) its one addressed access.</summary>
    None = 0,
    /// <summary>
    /// Its execution rule in the spec can trap: <c>unreachable</c>, <c>call_indirect</c>, integer division and
    /// remainder, non-saturating float-to-int truncation, every load and store, <c>memory.fill/copy/init</c> and
    /// <c>table.get/set/fill/copy/init</c>. Traps raised inside a callee and call-stack exhaustion are not counted.
    /// </summary>
    Traps = 1 << 0,
    /// <summary>
    /// Acts on a linear memory as a whole rather than at one address: <c>memory.size/grow/fill/copy/init</c>, and
    /// <c>data.drop</c> (it changes what <c>memory.init</c> may copy). <c>memory.grow</c> can move the memory.
    /// </summary>
    MemoryWide = 1 << 1,
    /// <summary>Reads or changes a table or an element segment: every <c>table.*</c> instruction and <c>elem.drop</c>.</summary>
    Tables = 1 << 2,
}

/// <summary>
/// One row of the opcode table, attached to each <see cref="Opcode"/> member. This attribute is the single
/// source of truth for an instruction's facts: decoder, validator, encoder and printer all read them
/// through <see cref="OpcodeTable"/>.
/// </summary>
/// <param name="mnemonic">The text-format name, e.g. <c>i32.add</c>.</param>
/// <param name="signature">
/// The operand/result signature, e.g. <c>"i32 i32 -> i32"</c>, or null when the validator types the instruction by
/// hand (control flow, locals, globals, tables, <c>select</c>, <c>drop</c>, references).
/// </param>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false)]
public sealed class OpAttribute(string mnemonic, string? signature) : Attribute
{
    /// <summary>The text-format name.</summary>
    public string Mnemonic { get; } = mnemonic;

    /// <summary>The fixed signature, or null when typed by hand.</summary>
    public string? Signature { get; } = signature;

    /// <summary>The immediates after the opcode.</summary>
    public Immediates Immediates { get; init; }

    /// <summary>The proposal the instruction comes from.</summary>
    public Feature Feature { get; init; }

    /// <summary>For loads and stores: the natural alignment in bytes (the memarg's alignment may not exceed it).</summary>
    public int NaturalAlignment { get; init; }

    /// <summary>What the instruction can do besides its operands and results (traps, memory- or table-wide effects).</summary>
    public Effects Effects { get; init; }
}
