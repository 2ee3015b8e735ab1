using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Inline wasm for UTF-8 text in string kernels: a loop that decodes code points, maps each through a case table and
/// encodes it again, never writing past a limit; and byte-wise comparison. Malformed input never reads or writes
/// outside the buffers it is given (a lead byte takes the continuation bytes it announces, clamped to the end, and
/// writing stops at the limit); hosts check that inputs are UTF-8 (docs/ABI.md).
/// </summary>
internal sealed class Utf8Emitter(FunctionBuilder w)
{
    private readonly uint _codePoint = w.Local();
    private readonly uint _take = w.Local();
    private readonly uint _put = w.Local();
    private readonly uint _low = w.Local();
    private readonly uint _high = w.Local();
    private readonly uint _middle = w.Local();
    private readonly uint _index = w.Local();

    /// <summary>
    /// The case table of <paramref name="change"/> in memory: one i32 per mapped character, <c>from &lt;&lt; 16 | to</c>,
    /// sorted by <c>from</c> (<see cref="CaseMapping.Table"/>); its address and entry count.
    /// </summary>
    public static (int Address, int Entries) PlaceTable(LoweringContext context, CaseChange change)
    {
        var table = CaseMapping.Table(change);
        var words = table.Select(p => (int)p.From << 16 | p.To).ToArray();
        return (words.Length == 0 ? 0 : context.AddBytes($"case-table/{change}", MemoryMarshal.AsBytes(words.AsSpan()).ToArray()), words.Length);
    }

    /// <summary>
    /// Copies the text in <c>[source, end)</c> to <paramref name="destination"/> code point by code point, each mapped
    /// through <paramref name="table"/> (none: copied as decoded), stopping before a code point that would pass
    /// <paramref name="limit"/>; leaves <paramref name="destination"/> after the last byte written. Locals are i32.
    /// </summary>
    public void EmitMappedCopy(uint source, uint end, uint destination, uint limit, (int Address, int Entries) table)
    {
        w.Code.Block(BlockType.Empty);
        w.Code.Loop(BlockType.Empty);
        w.Get(source).Get(end).Op(Opcode.I32GeU).Code.Emit(Opcode.BrIf, 1);
        Decode(source, end);
        if (table.Entries > 0)
        {
            Map(table);
        }
        // Bytes the code point takes: 1 below U+0080, 2 below U+0800, 3 below U+10000, else 4.
        w.I32(1).Get(_codePoint).I32(0x7F).Op(Opcode.I32GtU).Op(Opcode.I32Add)
            .Get(_codePoint).I32(0x7FF).Op(Opcode.I32GtU).Op(Opcode.I32Add)
            .Get(_codePoint).I32(0xFFFF).Op(Opcode.I32GtU).Op(Opcode.I32Add).Set(_put);
        w.Get(destination).Get(_put).Op(Opcode.I32Add).Get(limit).Op(Opcode.I32GtU).Code.Emit(Opcode.BrIf, 1);
        Encode(destination);
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End();
        w.Code.End();
    }

    /// <summary>Pushes 1 when the <paramref name="length"/> bytes at <paramref name="a"/> equal those at the constant address <paramref name="b"/>, else 0.</summary>
    public void EmitEqualBytes(uint a, uint aLength, int b, int length)
    {
        var equal = _put;
        w.Get(aLength).I32(length).Op(Opcode.I32Eq).Set(equal);
        w.If(() => w.Get(equal), () =>
            w.For(_index, 0, length, 1, () =>
            {
                w.Get(a).Get(_index).Op(Opcode.I32Add).Memory(Opcode.I32Load8U);
                w.Get(_index).Memory(Opcode.I32Load8U, checked((uint)b));
                w.Op(Opcode.I32Ne).Code.If(BlockType.Empty);
                w.I32(0).Set(equal);
                w.Code.End();
            }));
        w.Get(equal);
    }

    /// <summary>Reads the code point at <paramref name="source"/> into the code point local and advances past it (at most to <paramref name="end"/>).</summary>
    private void Decode(uint source, uint end)
    {
        // Continuation bytes: 0 for a lead byte below 0xC0, 1 below 0xE0, 2 below 0xF0, else 3.
        w.Get(source).Memory(Opcode.I32Load8U).Set(_codePoint);
        w.Get(_codePoint).I32(0xBF).Op(Opcode.I32GtU)
            .Get(_codePoint).I32(0xDF).Op(Opcode.I32GtU).Op(Opcode.I32Add)
            .Get(_codePoint).I32(0xEF).Op(Opcode.I32GtU).Op(Opcode.I32Add).Set(_take);
        // Keep the lead byte's payload bits: 7, 5, 4 or 3 of them.
        w.Get(_codePoint).I32(0x7F).I32(0x1F).I32(0x0F).I32(0x07);
        w.Get(_take).I32(2).Op(Opcode.I32Eq).Op(Opcode.Select);
        w.Get(_take).I32(1).Op(Opcode.I32Eq).Op(Opcode.Select);
        w.Get(_take).Op(Opcode.I32Eqz).Op(Opcode.Select);
        w.Op(Opcode.I32And).Set(_codePoint);
        w.Increment(source, 1);
        w.For(_index, 0, 3, 1, () => w.If(() => w.Get(_index).Get(_take).Op(Opcode.I32LtU).Get(source).Get(end).Op(Opcode.I32LtU).Op(Opcode.I32And), () =>
        {
            w.Get(_codePoint).I32(6).Op(Opcode.I32Shl);
            w.Get(source).Memory(Opcode.I32Load8U).I32(0x3F).Op(Opcode.I32And);
            w.Op(Opcode.I32Or).Set(_codePoint);
            w.Increment(source, 1);
        }));
    }

    /// <summary>Replaces the code point by its entry in the sorted table, found by binary search (code points past U+FFFF have none).</summary>
    private void Map((int Address, int Entries) table)
    {
        w.I32(0).Set(_low);
        w.I32(table.Entries).Set(_high);
        w.Code.Block(BlockType.Empty);
        w.Code.Loop(BlockType.Empty);
        w.Get(_low).Get(_high).Op(Opcode.I32GeU).Code.Emit(Opcode.BrIf, 1);
        w.Get(_low).Get(_high).Op(Opcode.I32Add).I32(1).Op(Opcode.I32ShrU).Set(_middle);
        LoadEntry(_middle);
        w.I32(16).Op(Opcode.I32ShrU).Get(_codePoint).Op(Opcode.I32LtU);
        w.Code.If(BlockType.Empty);
        w.Get(_middle).I32(1).Op(Opcode.I32Add).Set(_low);
        w.Code.Else();
        w.Get(_middle).Set(_high);
        w.Code.End();
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End();
        w.Code.End();
        // The first entry not below the code point (the last when all are: it then differs, being below).
        w.Get(_low).I32(table.Entries - 1).Get(_low).I32(table.Entries).Op(Opcode.I32LtU).Op(Opcode.Select).Set(_low);
        w.If(() =>
        {
            LoadEntry(_low);
            w.I32(16).Op(Opcode.I32ShrU).Get(_codePoint).Op(Opcode.I32Eq);
        }, () =>
        {
            LoadEntry(_low);
            w.I32(0xFFFF).Op(Opcode.I32And).Set(_codePoint);
        });

        void LoadEntry(uint index) => w.Get(index).I32(4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, checked((uint)table.Address));
    }

    /// <summary>Writes the code point's <c>_put</c> UTF-8 bytes at <paramref name="destination"/> and advances it.</summary>
    private void Encode(uint destination)
    {
        w.If(() => w.Get(_put).I32(1).Op(Opcode.I32Eq), () => Byte(0, () => w.Get(_codePoint)), () =>
        {
            // Lead byte: the marker of the length, then the top bits; continuation bytes 10xxxxxx from the top down.
            Byte(0, () =>
            {
                w.I32(0xF0).I32(0xE0).I32(0xC0).Get(_put).I32(3).Op(Opcode.I32Eq).Op(Opcode.Select);
                w.Get(_put).I32(4).Op(Opcode.I32Eq).Op(Opcode.Select);
                w.Get(_codePoint).Get(_put).I32(1).Op(Opcode.I32Sub).I32(6).Op(Opcode.I32Mul).Op(Opcode.I32ShrU).Op(Opcode.I32Or);
            });
            w.For(_index, 1, 4, 1, () => w.If(() => w.Get(_index).Get(_put).Op(Opcode.I32LtU), () =>
            {
                w.Get(destination).Get(_index).Op(Opcode.I32Add);
                w.Get(_codePoint).Get(_put).I32(1).Op(Opcode.I32Sub).Get(_index).Op(Opcode.I32Sub).I32(6).Op(Opcode.I32Mul).Op(Opcode.I32ShrU);
                w.I32(0x3F).Op(Opcode.I32And).I32(0x80).Op(Opcode.I32Or).Memory(Opcode.I32Store8);
            }));
        });
        w.IncrementBy(destination, _put);

        void Byte(uint offset, Action value)
        {
            w.Get(destination);
            value();
            w.Memory(Opcode.I32Store8, offset);
        }
    }
}
