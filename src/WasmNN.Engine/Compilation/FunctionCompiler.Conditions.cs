using System.Reflection.Emit;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// A comparison or <c>eqz</c> right before <c>br_if</c> or <c>if</c> becomes one IL compare-and-branch
/// (<c>blt.un</c>, <c>brfalse</c>...) instead of a 0/1 value and a test of it: clang puts one before nearly every
/// branch, and in a large function the saved IL instructions keep it under the JIT's optimisation limits.
/// </summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>The branch opcodes a fused condition left for the next br_if or if; its operands are on the IL stack.</summary>
    private (OpCode WhenTrue, OpCode WhenFalse)? _fusedCondition;

    /// <summary>
    /// When the next instruction branches on this condition, emits nothing and leaves the operands for it;
    /// <paramref name="whenTrue"/> branches when the wasm condition is non-zero, <paramref name="whenFalse"/> when zero.
    /// </summary>
    private bool TryFuseCondition(OpCode whenTrue, OpCode whenFalse, int operands)
    {
        if (_nextOpcode is not (Opcode.BrIf or Opcode.If)) return false;
        Pop(operands);
        Push(ValueType.I32);
        _fusedCondition = (whenTrue, whenFalse);
        return true;
    }

    /// <summary>Branches to <paramref name="label"/> when the condition on the stack is non-zero (or zero).</summary>
    private void EmitBranchOnCondition(bool whenTrue, Label label)
    {
        if (_fusedCondition is { } fused)
        {
            _fusedCondition = null;
            _il.Emit(whenTrue ? fused.WhenTrue : fused.WhenFalse, label);
            return;
        }
        _il.Emit(whenTrue ? OpCodes.Brtrue : OpCodes.Brfalse, label);
    }

    /// <summary>
    /// The IL branch taken when compare <paramref name="op"/> gives <paramref name="result"/>. The negations follow
    /// ECMA-335 III.3: for floats, <c>bge</c> is <c>clt.un; brfalse</c> and <c>bge.un</c> is <c>clt; brfalse</c>, so
    /// NaN operands take the same path as the unfused 0/1 value would.
    /// </summary>
    private static OpCode BranchWhen(OpCode op, bool result, bool isFloat)
    {
        if (result)
        {
            if (op == OpCodes.Ceq) return OpCodes.Beq;
            if (op == OpCodes.Clt) return OpCodes.Blt;
            if (op == OpCodes.Clt_Un) return OpCodes.Blt_Un;
            if (op == OpCodes.Cgt) return OpCodes.Bgt;
            if (op == OpCodes.Cgt_Un) return OpCodes.Bgt_Un;
        }
        else
        {
            if (op == OpCodes.Ceq) return OpCodes.Bne_Un;
            if (op == OpCodes.Clt) return isFloat ? OpCodes.Bge_Un : OpCodes.Bge;
            if (op == OpCodes.Clt_Un) return isFloat ? OpCodes.Bge : OpCodes.Bge_Un;
            if (op == OpCodes.Cgt) return isFloat ? OpCodes.Ble_Un : OpCodes.Ble;
            if (op == OpCodes.Cgt_Un) return isFloat ? OpCodes.Ble : OpCodes.Ble_Un;
        }
        throw new ArgumentException($"{op.Name} is not a comparison", nameof(op));
    }
}
