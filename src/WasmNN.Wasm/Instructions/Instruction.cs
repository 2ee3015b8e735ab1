using System.Runtime.Intrinsics;

namespace WasmNN.Wasm.Instructions;

/// <summary>The type of a <c>block</c>, <c>loop</c> or <c>if</c>: empty, one result, or a type index (multi-value).</summary>
public readonly record struct BlockType(bool IsTypeIndex, ValueType? Result, uint TypeIndex)
{
    /// <summary>No parameters, no results.</summary>
    public static BlockType Empty => new(false, null, 0);

    /// <summary>The signature this block type stands for in <paramref name="module"/>.</summary>
    public FuncType Resolve(WasmModule module) =>
        IsTypeIndex ? module.Types[(int)TypeIndex] : Result is { } r ? new FuncType([], [r]) : FuncType.Empty;
}

/// <summary>A memory operand: alignment exponent, static offset and memory index.</summary>
public readonly record struct MemArg(uint AlignExponent, ulong Offset, uint MemoryIndex);

/// <summary>
/// One decoded instruction. Which fields are meaningful depends on <see cref="Opcode"/>'s immediates:
/// <see cref="Index"/> holds the local/global/function/label/type/table/element/data/lane index,
/// <see cref="Index2"/> the second index (table of <c>call_indirect</c>, source of <c>table.copy</c>...),
/// <see cref="Constant"/> the i32/i64 value or the raw bits of an f32/f64.
/// </summary>
public struct Instruction
{
    /// <summary>The instruction.</summary>
    public Opcode Opcode;

    /// <summary>File offset of the instruction's first byte.</summary>
    public int Offset;

    /// <summary>First index immediate.</summary>
    public uint Index;

    /// <summary>Second index immediate.</summary>
    public uint Index2;

    /// <summary>The integer constant, or the raw IEEE bits of a float constant.</summary>
    public long Constant;

    /// <summary>The memory operand of loads and stores.</summary>
    public MemArg MemArg;

    /// <summary>The block type of <c>block</c>/<c>loop</c>/<c>if</c>.</summary>
    public BlockType BlockType;

    /// <summary>A v128 constant or the 16 lane indices of <c>i8x16.shuffle</c>.</summary>
    public Vector128<byte> V128;

    /// <summary><c>br_table</c> targets (without the default, which is in <see cref="Index"/>).</summary>
    public uint[]? Targets;

    /// <summary>Types of a typed <c>select</c>; the reference type of <c>ref.null</c> is in <see cref="RefType"/>.</summary>
    public ValueType[]? SelectTypes;

    /// <summary>The reference type of <c>ref.null</c>.</summary>
    public ValueType RefType;
}
