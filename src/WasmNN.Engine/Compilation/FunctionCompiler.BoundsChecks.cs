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

    /// <summary>In an inline candidate, each check's exit: its label, trap site and the IL values it pops.</summary>
    private List<(Label Exit, long Site, int Pops)>? _poppingOutOfBoundsExits;

    /// <summary>
    /// With a zero-extended address on the stack (consumed): traps unless address + <paramref name="end"/> &lt;= memory
    /// size. <paramref name="valuesBelow"/>, when known, counts the IL values under the address (the tracked operand
    /// stack and what the access added to it). A lean function then branches to an exit shared by every check with
    /// that stack (one basic block fewer per check), which reports the function's offset instead of the access's;
    /// an inline candidate branches to an exit that pops them and jumps to the throw block, as the JIT does not
    /// inline methods containing <c>leave</c>.
    /// </summary>
    private void EmitBoundsCheck(long end, int? valuesBelow = null)
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
        if (valuesBelow is int below && _lean)
        {
            string shape = string.Join(",", _stack) + "|" + (below - _stack.Count);
            _sharedOutOfBoundsExits ??= [];
            if (!_sharedOutOfBoundsExits.TryGetValue(shape, out var exit)) _sharedOutOfBoundsExits[shape] = exit = _il.DefineLabel();
            _il.Emit(OpCodes.Bgt, exit);
            return;
        }
        if (valuesBelow is int pops && _shape.IsInlineCandidate)
        {
            var exit = _il.DefineLabel();
            (_poppingOutOfBoundsExits ??= []).Add((exit, InstanceContext.PackTrapSite(TrapKind.MemoryOutOfBounds, _offset), pops));
            _il.Emit(OpCodes.Bgt, exit);
            return;
        }
        EmitTrapUnless(OpCodes.Ble, TrapKind.MemoryOutOfBounds);
    }

    /// <summary>After the body: the out-of-line out-of-bounds exits of lean functions and inline candidates.</summary>
    private void EmitOutOfLineOutOfBoundsExits()
    {
        foreach (var exit in (_sharedOutOfBoundsExits ?? []).Values)
        {
            _il.MarkLabel(exit);
            EmitTrap(TrapKind.MemoryOutOfBounds, _body.BodyOffset);
        }
        foreach (var (exit, site, pops) in _poppingOutOfBoundsExits ?? [])
        {
            _il.MarkLabel(exit);
            for (int i = 0; i < pops; i++) _il.Emit(OpCodes.Pop);
            _trapSite ??= _il.DeclareLocal(typeof(long));
            _il.Emit(OpCodes.Ldc_I8, site);
            _il.Emit(OpCodes.Stloc, _trapSite);
            _il.Emit(OpCodes.Br, _throwLabel);
        }
    }
}
