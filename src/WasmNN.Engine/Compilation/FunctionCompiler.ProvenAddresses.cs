using System.Reflection.Emit;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Addresses in proven loop copies (<see cref="TryCompileVersionedLoop"/>) computed in 64 bits, so the JIT folds
/// them into the accesses' addressing modes. clang addresses arrays as <c>v128.load (i + 406368)</c>: the i32 add
/// wraps, so the JIT cannot fold it and spent an <c>lea</c> per access (16 per round of the dot product's loop).
/// </summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>Largest constant added in 64 bits (see <see cref="TryCompileProvenAddressAdd"/> why it is bounded).</summary>
    private const long MaxWidenedAddend = 1L << 30;

    /// <summary>Memory size up to which a proven address <c>x + c</c> equals sext(x) + c; the entry test checks it.</summary>
    private const long MaxWidenedAddressMemory = 1L << 31;

    /// <summary>True while compiling the proven copy of a loop that <see cref="WidensAddresses"/>.</summary>
    private bool _widenAddresses;

    /// <summary>The two instructions compiled last (opcode and index), for the <c>local.get; i32.const; i32.add</c> pattern.</summary>
    private (Opcode Opcode, uint Index) _previous, _beforePrevious;

    /// <summary>
    /// Per i32 local, an int64 temporary holding its sign extension, valid in the straight-line stretch since it was
    /// stored (until the local is assigned or control flow intervenes): one <c>movsxd</c> serves every access.
    /// </summary>
    private Dictionary<int, LocalBuilder>? _widenedLocals;

    /// <summary>
    /// In a proven loop copy, <c>local.get x; i32.const c; i32.add</c> (c in [0, 2^30)) whose next instruction is a
    /// load of that address is computed as sext(x) + c in 64 bits. Exact: the entry test proved the access's i32
    /// address a in [0, memory size) and memory size &lt;= 2^31, and sext(x) + c, congruent to a mod 2^32, lies in
    /// [-2^31, 2^31 + 2^30), where a is the only such value. The IL value is then an int64 under a wasm i32, which the
    /// load's zero extension (conv.u8) leaves as it is.
    /// </summary>
    private bool TryCompileProvenAddressAdd()
    {
        if (!_boundsProven || !_widenAddresses || _nextOpcode is not Opcode next || _bounds[^1] is not { Exact: true } addend) return false;
        if (!IsWidenedAddressAdd(_beforePrevious.Opcode, _previous.Opcode, addend.Max, next)) return false;
        int local = (int)_beforePrevious.Index;
        Pop(2);
        _il.Emit(OpCodes.Pop);
        _il.Emit(OpCodes.Pop);
        _widenedLocals ??= [];
        if (!_widenedLocals.TryGetValue(local, out var widened))
        {
            _widenedLocals[local] = widened = RentTemp(typeof(long));
            EmitLoadLocal(local);
            _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Stloc, widened);
        }
        _il.Emit(OpCodes.Ldloc, widened);
        _il.Emit(OpCodes.Ldc_I8, addend.Max);
        _il.Emit(OpCodes.Add);
        Push(ValueType.I32);
        return true;
    }

    /// <summary>
    /// True when the loop's body loads from <c>local.get x; i32.const c; i32.add</c> (c in [0, 2^30)): only then does
    /// the entry test need the memory-size check that makes widening exact (memories declared above 2 GiB).
    /// </summary>
    private bool WidensAddresses(VersionableLoop shape)
    {
        var reader = new InstructionReader(_body.Code.Span[(shape.BodyOffset - _body.CodeOffset)..(shape.BranchOffset - _body.CodeOffset)], shape.BodyOffset);
        // The last three opcodes, oldest first, and the last i32 constant.
        (Opcode First, Opcode Second, Opcode Third) recent = (Opcode.Nop, Opcode.Nop, Opcode.Nop);
        long constant = -1;
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            if (recent.Third == Opcode.I32Add && IsWidenedAddressAdd(recent.First, recent.Second, constant, ins.Opcode)) return true;
            if (ins.Opcode == Opcode.I32Const) constant = (int)ins.Constant;
            recent = (recent.Second, recent.Third, ins.Opcode);
        }
        return false;
    }

    /// <summary>
    /// The one definition of the widened shape, for the emitter (<see cref="TryCompileProvenAddressAdd"/>) and the
    /// scan that decides whether the entry test checks the memory size (<see cref="WidensAddresses"/>): they must
    /// agree, or a memory above 2 GiB would run widened addresses unchecked. The i32.add whose operands are
    /// <c>local.get</c> then <c>i32.const constant</c> (constant in [0, 2^30)) and whose result <paramref name="next"/>
    /// loads from.
    /// </summary>
    private static bool IsWidenedAddressAdd(Opcode beforePrevious, Opcode previous, long constant, Opcode next) =>
        beforePrevious == Opcode.LocalGet && previous == Opcode.I32Const && constant is >= 0 and < MaxWidenedAddend && TakesOnlyAnAddress(next);

    /// <summary>A plain (non-atomic) load whose only operand is its address.</summary>
    private static bool TakesOnlyAnAddress(Opcode opcode)
    {
        var info = OpcodeTable.Get(opcode);
        return info.Immediates == Immediates.MemArg && info.Prefix != 0xFE && info.Parameters is [ValueType.I32] && info.Results is [_];
    }

    /// <summary>Before <paramref name="ins"/> runs: drops the widened copies it makes stale (all of them at control flow).</summary>
    private void NoteInstructionForWidenedLocals(in Instruction ins)
    {
        if (_widenedLocals is not { Count: > 0 }) return;
        switch (ins.Opcode)
        {
            case Opcode.LocalSet or Opcode.LocalTee:
                if (_widenedLocals.Remove((int)ins.Index, out var stale)) ReturnTemp(stale);
                break;
            case Opcode.LocalGet or Opcode.GlobalGet or Opcode.GlobalSet or Opcode.Drop or Opcode.Select:
                break;
            default:
                if (!OpcodeTable.Get(ins.Opcode).IsPlain) ForgetWidenedLocals();
                break;
        }
    }

    /// <summary>Forgets every widened copy (a new straight-line stretch starts).</summary>
    private void ForgetWidenedLocals()
    {
        if (_widenedLocals is null) return;
        foreach (var temp in _widenedLocals.Values) ReturnTemp(temp);
        _widenedLocals.Clear();
    }
}
