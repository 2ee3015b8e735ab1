using System.Collections.Immutable;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Validation;

internal sealed partial class FunctionValidator
{
    /// <summary>Index, alignment and lane checks that depend only on the immediates' kind.</summary>
    private void CheckImmediates(in Instruction ins, OpcodeInfo info)
    {
        switch (info.Immediates)
        {
            case Immediates.MemArg:
            case Immediates.MemArgLane:
                RequireMemory(0);
                if ((1L << (int)ins.MemArg.AlignExponent) > info.NaturalAlignment) throw Error("alignment must not be larger than natural");
                if (info.Immediates == Immediates.MemArgLane && ins.Index >= 16 / info.NaturalAlignment) throw Error("invalid lane index");
                break;
            case Immediates.AtomicMemArg:
                RequireMemory(0);
                if ((1L << (int)ins.MemArg.AlignExponent) != info.NaturalAlignment) throw Error("alignment must be equal to natural");
                break;
            case Immediates.Memory:
                RequireMemory(ins.Index);
                break;
            case Immediates.MemoryCopy:
                RequireMemory(ins.Index);
                RequireMemory(ins.Index2);
                break;
            case Immediates.MemoryInit:
                RequireMemory(ins.Index2);
                RequireData(ins.Index);
                break;
            case Immediates.Data:
                RequireData(ins.Index);
                break;
            case Immediates.Element:
                RequireElement(ins.Index);
                break;
            case Immediates.Lane:
                if (ins.Index >= LaneCount(info.Mnemonic)) throw Error("invalid lane index");
                break;
            case Immediates.Shuffle:
                for (int i = 0; i < 16; i++)
                {
                    if (ins.V128[i] >= 32) throw Error("invalid lane index");
                }
                break;
            case Immediates.Table when info.HasFixedSignature:
                RequireTable(ins.Index);
                break;
            case Immediates.TableCopy:
                if (RequireTable(ins.Index).ElementType != RequireTable(ins.Index2).ElementType) throw Error("type mismatch");
                break;
            case Immediates.TableInit:
                if (RequireTable(ins.Index2).ElementType != RequireElement(ins.Index)) throw Error("type mismatch");
                break;
        }
    }

    /// <summary>Lanes of a SIMD shape named by the mnemonic's prefix (<c>i8x16</c>: 16 ...).</summary>
    private static int LaneCount(string mnemonic) => mnemonic[..mnemonic.IndexOf('.', StringComparison.Ordinal)] switch
    {
        "i8x16" => 16,
        "i16x8" => 8,
        "i32x4" or "f32x4" => 4,
        _ => 2,
    };

    private void RequireMemory(uint index)
    {
        if (index >= _context.Memories.Length) throw Error($"unknown memory {index}");
    }

    private void RequireData(uint index)
    {
        if (_context.Module.DataCount is not { } count || index >= count) throw Error($"unknown data segment {index}");
    }

    private ValueType RequireElement(uint index) =>
        index < _context.ElementTypes.Length ? _context.ElementTypes[(int)index] : throw Error($"unknown elem segment {index}");

    private TableType RequireTable(uint index) =>
        index < _context.Tables.Length ? _context.Tables[(int)index] : throw Error($"unknown table {index}");

    private GlobalType RequireGlobal(uint index) =>
        index < _context.Globals.Length ? _context.Globals[(int)index] : throw Error($"unknown global {index}");

    private ValueType RequireLocal(uint index) =>
        index < _locals.Length ? _locals[index] : throw Error($"unknown local {index}");

    private FuncType RequireType(uint index) =>
        index < _context.Module.Types.Count ? _context.Module.Types[(int)index] : throw Error($"unknown type {index}");

    private FuncType BlockSignature(BlockType blockType) =>
        blockType.IsTypeIndex ? RequireType(blockType.TypeIndex)
        : blockType.Result is { } result ? new FuncType([], [result]) : FuncType.Empty;

    /// <summary>The instructions whose typing depends on context: control, variables, references, parametric.</summary>
    private void TypeByHand(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.Unreachable:
                MarkUnreachable();
                break;
            case Opcode.Block:
            case Opcode.Loop:
            {
                var signature = BlockSignature(ins.BlockType);
                PopValues(signature.Parameters.AsSpan());
                PushFrame(ins.Opcode, signature.Parameters, signature.Results);
                break;
            }
            case Opcode.If:
            {
                var signature = BlockSignature(ins.BlockType);
                PopValue(ValueType.I32);
                PopValues(signature.Parameters.AsSpan());
                PushFrame(Opcode.If, signature.Parameters, signature.Results);
                break;
            }
            case Opcode.Else:
            {
                var frame = PopFrame();
                if (frame.Opcode != Opcode.If) throw Error("else without matching if");
                PushFrame(Opcode.Else, frame.Start, frame.End);
                break;
            }
            case Opcode.End:
            {
                var frame = PopFrame();
                // An if without else passes its parameters through the missing branch.
                if (frame.Opcode == Opcode.If && !frame.Start.SequenceEqual(frame.End)) throw Error("type mismatch");
                PushValues(frame.End.AsSpan());
                break;
            }
            case Opcode.Br:
                PopValues(Label(ins.Index).LabelTypes.AsSpan());
                MarkUnreachable();
                break;
            case Opcode.BrIf:
            {
                var types = Label(ins.Index).LabelTypes;
                PopValue(ValueType.I32);
                PopValues(types.AsSpan());
                PushValues(types.AsSpan());
                break;
            }
            case Opcode.BrTable:
                TypeBrTable(in ins);
                break;
            case Opcode.Return:
                PopValues(_type.Results.AsSpan());
                MarkUnreachable();
                break;
            case Opcode.Call:
            {
                if (ins.Index >= _context.FunctionTypeIndices.Length) throw Error($"unknown function {ins.Index}");
                var callee = _context.FunctionType(ins.Index);
                PopValues(callee.Parameters.AsSpan());
                PushValues(callee.Results.AsSpan());
                break;
            }
            case Opcode.CallIndirect:
            {
                if (RequireTable(ins.Index2).ElementType != ValueType.FuncRef) throw Error("type mismatch");
                var callee = RequireType(ins.Index);
                PopValue(ValueType.I32);
                PopValues(callee.Parameters.AsSpan());
                PushValues(callee.Results.AsSpan());
                break;
            }
            case Opcode.Drop:
                PopValue();
                break;
            case Opcode.Select:
                TypeUntypedSelect();
                break;
            case Opcode.SelectTyped:
            {
                if (ins.SelectTypes!.Length != 1) throw Error("invalid result arity");
                var type = ins.SelectTypes[0];
                PopValue(ValueType.I32);
                PopValue(type);
                PopValue(type);
                PushValue(type);
                break;
            }
            case Opcode.LocalGet:
                PushValue(RequireLocal(ins.Index));
                break;
            case Opcode.LocalSet:
                PopValue(RequireLocal(ins.Index));
                break;
            case Opcode.LocalTee:
            {
                var type = RequireLocal(ins.Index);
                PopValue(type);
                PushValue(type);
                break;
            }
            case Opcode.GlobalGet:
                PushValue(RequireGlobal(ins.Index).ValueType);
                break;
            case Opcode.GlobalSet:
            {
                var global = RequireGlobal(ins.Index);
                if (!global.Mutable) throw Error("global is immutable");
                PopValue(global.ValueType);
                break;
            }
            case Opcode.TableGet:
                PopValue(ValueType.I32);
                PushValue(RequireTable(ins.Index).ElementType);
                break;
            case Opcode.TableSet:
                PopValue(RequireTable(ins.Index).ElementType);
                PopValue(ValueType.I32);
                break;
            case Opcode.TableGrow:
                PopValue(ValueType.I32);
                PopValue(RequireTable(ins.Index).ElementType);
                PushValue(ValueType.I32);
                break;
            case Opcode.TableFill:
                PopValue(ValueType.I32);
                PopValue(RequireTable(ins.Index).ElementType);
                PopValue(ValueType.I32);
                break;
            case Opcode.RefNull:
                PushValue(ins.RefType);
                break;
            case Opcode.RefIsNull:
                if (PopValue() is not (Unknown or ValueType.FuncRef or ValueType.ExternRef)) throw Error("type mismatch");
                PushValue(ValueType.I32);
                break;
            case Opcode.RefFunc:
                if (ins.Index >= _context.FunctionTypeIndices.Length) throw Error($"unknown function {ins.Index}");
                if (!_context.DeclaredFunctionReferences.Contains(ins.Index)) throw Error("undeclared function reference");
                PushValue(ValueType.FuncRef);
                break;
            default:
                throw new InvalidOperationException($"{ins.Opcode} has neither a signature nor a typing rule");
        }
    }

    private void TypeBrTable(in Instruction ins)
    {
        PopValue(ValueType.I32);
        var defaultTypes = Label(ins.Index).LabelTypes;
        int arity = defaultTypes.Length;
        foreach (uint target in ins.Targets!)
        {
            var types = Label(target).LabelTypes;
            if (types.Length != arity) throw Error("type mismatch");
            PushValues(PopValuesKeeping(types.AsSpan()));
        }
        PopValues(defaultTypes.AsSpan());
        MarkUnreachable();
    }

    private void TypeUntypedSelect()
    {
        PopValue(ValueType.I32);
        var t1 = PopValue();
        var t2 = PopValue();
        bool numeric = IsNumericOrUnknown(t1) && IsNumericOrUnknown(t2);
        bool vector = t1 is Unknown or ValueType.V128 && t2 is Unknown or ValueType.V128;
        if (!numeric && !vector) throw Error("type mismatch");
        if (t1 != t2 && t1 != Unknown && t2 != Unknown) throw Error("type mismatch");
        PushValue(t1 == Unknown ? t2 : t1);
    }

    private static bool IsNumericOrUnknown(ValueType t) => t is Unknown or ValueType.I32 or ValueType.I64 or ValueType.F32 or ValueType.F64;
}
