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

    /// <summary>With a zero-extended address on the stack (consumed): traps unless address + <paramref name="end"/> &lt;= memory size.</summary>
    private void EmitBoundsCheck(long end)
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
        EmitTrapUnless(OpCodes.Ble, TrapKind.MemoryOutOfBounds);
    }
}
