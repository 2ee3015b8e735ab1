using System.Reflection.Emit;
using WasmNN.Engine.Runtime;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// The bounds check itself: <c>address &lt;= memory size - end</c>, signed (the right side may be negative). For the
/// few ends most used inside loops, <c>memory size - end</c> is kept in a local, recomputed wherever the memory size
/// is (re)loaded, so a check in a loop is one compare-and-branch; the JIT does not reliably hoist the subtraction.
/// </summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>How many check limits get a local of their own.</summary>
    private const int MaxLimitLocals = 4;

    private Dictionary<long, LocalBuilder>? _boundsLimits;

    /// <summary>Stores memory size - end for each hot end (after the memory size local is set).</summary>
    private void EmitBoundsLimits()
    {
        _boundsChecks ??= BoundsCheckPlan.Analyze(_body);
        if (_boundsLimits is null)
        {
            _boundsLimits = [];
            foreach (long end in _boundsChecks.HotCheckEnds(MaxLimitLocals)) _boundsLimits[end] = _il.DeclareLocal(typeof(long));
        }
        foreach (var (end, limit) in _boundsLimits)
        {
            _il.Emit(OpCodes.Ldloc, _memorySize!);
            _il.Emit(OpCodes.Ldc_I8, end);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Stloc, limit);
        }
    }

    /// <summary>In a lean function, one out-of-bounds exit per shape of the IL stack below a check (see <see cref="EmitBoundsCheck"/>).</summary>
    private Dictionary<string, Label>? _sharedOutOfBoundsExits;

    /// <summary>
    /// With a zero-extended address on the stack (consumed): traps unless address + <paramref name="end"/> &lt;= memory
    /// size. <paramref name="stackBelow"/>, when known, describes the IL stack under the address: a lean function
    /// then branches to an exit shared by every check with that stack (one basic block fewer per check), which
    /// reports the function's offset instead of the access's.
    /// </summary>
    private void EmitBoundsCheck(long end, string? stackBelow = null)
    {
        if (_boundsLimits is not null && _boundsLimits.TryGetValue(end, out var limit))
        {
            _il.Emit(OpCodes.Ldloc, limit);
        }
        else
        {
            _il.Emit(OpCodes.Ldloc, _memorySize!);
            _il.Emit(OpCodes.Ldc_I8, end);
            _il.Emit(OpCodes.Sub);
        }
        if (_lean && stackBelow is not null)
        {
            _sharedOutOfBoundsExits ??= [];
            if (!_sharedOutOfBoundsExits.TryGetValue(stackBelow, out var exit)) _sharedOutOfBoundsExits[stackBelow] = exit = _il.DefineLabel();
            _il.Emit(OpCodes.Bgt, exit);
            return;
        }
        EmitTrapUnless(OpCodes.Ble, TrapKind.MemoryOutOfBounds);
    }

    /// <summary>After the body: the shared out-of-bounds exits, each leaving whatever its checks had on the stack.</summary>
    private void EmitSharedOutOfBoundsExits()
    {
        foreach (var exit in (_sharedOutOfBoundsExits ?? []).Values)
        {
            _il.MarkLabel(exit);
            EmitTrap(TrapKind.MemoryOutOfBounds, _body.BodyOffset);
        }
    }

    /// <summary>The IL stack under an access's address as a key: the tracked operand types and what the access added.</summary>
    private string StackShape(string added) => string.Join(",", _stack) + "|" + added;
}
