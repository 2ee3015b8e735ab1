using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Writing;

public sealed partial class CodeWriter
{
    /// <summary>Re-encodes a decoded instruction (any kind), in the canonical (shortest) encoding.</summary>
    public CodeWriter Emit(in Instruction instruction)
    {
        var opcode = instruction.Opcode;
        var kind = OpcodeTable.Get(opcode).Immediates;
        switch (kind)
        {
            case Immediates.None: return Emit(opcode);
            case Immediates.BlockType: return StructuredStart(opcode, instruction.BlockType);
            case Immediates.Label or Immediates.Function or Immediates.Local or Immediates.Global or Immediates.Table
                or Immediates.Element or Immediates.Data or Immediates.Lane or Immediates.Memory:
                return Emit(opcode, instruction.Index);
            case Immediates.BrTable: return BrTable(instruction.Targets, instruction.Index);
            case Immediates.CallIndirect or Immediates.TableCopy or Immediates.TableInit or Immediates.MemoryCopy or Immediates.MemoryInit:
                return Emit(opcode, instruction.Index, instruction.Index2);
            case Immediates.MemArg or Immediates.AtomicMemArg: return EmitMemArg(opcode, instruction.MemArg.AlignExponent, checked((uint)instruction.MemArg.Offset));
            case Immediates.Fence: return Fence();
            case Immediates.MemArgLane:
                WriteOpcode(opcode);
                _out.WriteVarU32(instruction.MemArg.AlignExponent);
                _out.WriteVarU32(checked((uint)instruction.MemArg.Offset));
                _out.WriteByte((byte)instruction.Index);
                return this;
            case Immediates.I32: return I32Const((int)instruction.Constant);
            case Immediates.I64: return I64Const(instruction.Constant);
            case Immediates.F32:
                WriteOpcode(opcode);
                _out.WriteF32Bits((uint)instruction.Constant);
                return this;
            case Immediates.F64:
                WriteOpcode(opcode);
                _out.WriteF64Bits((ulong)instruction.Constant);
                return this;
            case Immediates.V128 or Immediates.Shuffle:
                WriteOpcode(opcode);
                WriteVector(instruction.V128);
                return this;
            case Immediates.RefType: return RefNull(instruction.RefType);
            case Immediates.SelectTypes:
                WriteOpcode(opcode);
                _out.WriteVarU32((uint)instruction.SelectTypes!.Length);
                foreach (var t in instruction.SelectTypes) _out.WriteByte((byte)t);
                return this;
            default:
                throw WrongImmediates(opcode, kind);
        }
    }
}
