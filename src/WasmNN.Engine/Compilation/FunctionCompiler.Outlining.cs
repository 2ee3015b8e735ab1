using System.Reflection;
using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Loops of large functions compiled as methods of their own (<see cref="LoopOutlining"/>). The outlined method
/// takes the loop's locals as arguments (copied into its own locals), the written ones' addresses, and the instance
/// context; it returns 0 when the loop falls through its end, or the number of the frame it left to. Its body is
/// the loop compiled as usual (bounds checks, interrupt checks and trap sites of the function), so only where the
/// code runs changes.
/// </summary>
/// <remarks>
/// Loops nested in the outlined loop are not versioned: its body is compiled as one range, and only the function's
/// own pass tries versioning. Tried on zlib's inflate_fast loop (issue #16, session 10): versioning
/// them (at the smallest budget, not unrolled) was neutral, and with the byte-copy loop proven too (its exit test
/// <c>len0 + (n -= 3) &gt;u 2</c>) the method took more time, not less: its copies run 1-3 iterations, fewer than
/// the entry test costs. A versioned loop's copies must then not version again: each starts at the loop itself.
/// </remarks>
internal sealed partial class FunctionCompiler
{
    /// <summary>Set when this compiler emits an outlined loop's method instead of a function.</summary>
    private readonly OutlinedLoop? _region;

    /// <summary>Wasm locals held in IL arguments (the function's parameters); the rest are IL locals.</summary>
    private readonly int _argumentLocals;

    /// <summary>This function's loops to outline, by the offset of their <c>loop</c> instruction.</summary>
    private readonly Dictionary<int, OutlinedLoop> _outlinedLoops;

    /// <summary>Per caller frame an outlined loop may leave to (outermost first), its stand-in in the outlined method.</summary>
    private ControlFrame[]? _regionExits;

    private static int RegionContextArgument(OutlinedLoop region) => region.Locals.Length + region.WrittenLocals.Length;

    /// <summary>
    /// Compiles the loop at <paramref name="loop"/> as a call to a method of its own when it was chosen for that and
    /// every frame it leaves to takes no branch values; returns the offset after its end, or null.
    /// </summary>
    private int? TryCompileOutlinedLoop(in Instruction loop)
    {
        if (!_outlinedLoops.TryGetValue(loop.Offset, out var region)) return null;
        if (region.ExitDepths.Any(d => d >= _frames.Count || Frame(d).BranchTypes.Length > 0)) return null;
        var types = region.Locals.Select(l => ClrTypes.Of(_localTypes[l]));
        var refs = region.WrittenLocals.Select(l => ClrTypes.Of(_localTypes[l]).MakeByRefType());
        var method = _module.Type.DefineMethod($"f{_functionIndex}_loop{loop.Offset:x}", MethodAttributes.Public | MethodAttributes.Static,
            typeof(int), [.. types, .. refs, typeof(InstanceContext)]);
        method.SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
        var outlined = new FunctionCompiler(_module, _functionIndex, method, FunctionTier.Optimised, region) { _regionCallerFrames = _frames.Count };
        outlined.Compile();

        // Written locals come back through locals of their own: their addresses are taken, which keeps them in
        // memory, and the function's locals must not be.
        var results = region.WrittenLocals.Select(l => _il.DeclareLocal(ClrTypes.Of(_localTypes[l]))).ToArray();
        foreach (int local in region.Locals) EmitLoadLocal(local);
        foreach (var result in results) _il.Emit(OpCodes.Ldloca, result);
        _il.Emit(OpCodes.Ldarg, _contextArgument);
        _il.Emit(OpCodes.Call, method);
        var exit = RentTemp(typeof(int));
        _il.Emit(OpCodes.Stloc, exit);
        for (int i = 0; i < results.Length; i++)
        {
            _il.Emit(OpCodes.Ldloc, results[i]);
            EmitStoreLocal(region.WrittenLocals[i]);
        }
        var exits = outlined.UsedRegionExits();
        if (exits.Count > 0)
        {
            var fallThrough = _il.DefineLabel();
            var labels = exits.Select(_ => _il.DefineLabel()).ToArray();
            _il.Emit(OpCodes.Ldloc, exit);
            _il.Emit(OpCodes.Switch, [fallThrough, .. labels]);
            for (int i = 0; i < labels.Length; i++)
            {
                _il.MarkLabel(labels[i]);
                EmitBranch(Frame(exits[i]));
            }
            _il.MarkLabel(fallThrough);
        }
        ReturnTemp(exit);
        if (!outlined._regionFallsThrough) Current.Unreachable = true;
        return region.EndOffset;
    }

    /// <summary>Frames of the caller at the outlined loop (set on the outlined loop's compiler before it runs).</summary>
    private int _regionCallerFrames;

    /// <summary>True once the outlined loop's compilation found its end reachable.</summary>
    private bool _regionFallsThrough;

    /// <summary>
    /// The outlined method: arguments into locals, the memory's base and limits, the loop, then one return per way out,
    /// each storing the written locals through their addresses first.
    /// </summary>
    private void CompileRegion(OutlinedLoop region)
    {
        _throwLabel = _il.DefineLabel();
        DeclareLocals();
        for (int i = 0; i < region.Locals.Length; i++)
        {
            _il.Emit(OpCodes.Ldarg, i);
            EmitStoreLocal(region.Locals[i]);
        }
        ReloadMemory(checkNotDisposed: true, valuesBelow: 0);
        // Stand-ins for the caller's frames: a branch to one empties the IL stack and returns its number.
        _regionExits = new ControlFrame[_regionCallerFrames];
        for (int i = 0; i < _regionExits.Length; i++)
        {
            _regionExits[i] = new ControlFrame(FrameKind.Block, _il.DefineLabel(), FuncType.Empty, 0);
            _frames.Add(_regionExits[i]);
        }
        CompileRange(region.Offset, region.EndOffset);
        _regionFallsThrough = !Current.Unreachable;
        if (_regionFallsThrough) EmitRegionReturn(0);
        var used = UsedRegionExits();
        for (int i = 0; i < used.Count; i++)
        {
            _il.MarkLabel(Frame(used[i]).Label);
            EmitRegionReturn(i + 1);
        }
        EmitThrowBlocks();
    }

    /// <summary>The caller-relative depths of the frames the outlined loop leaves to, in the order of their return codes.</summary>
    private List<int> UsedRegionExits()
    {
        var used = new List<int>();
        for (int i = _regionExits!.Length - 1; i >= 0; i--)
        {
            if (_regionExits[i].EndReachable) used.Add(_regionExits.Length - 1 - i);
        }
        return used;
    }

    private void EmitRegionReturn(int code)
    {
        var region = _region!;
        for (int i = 0; i < region.WrittenLocals.Length; i++)
        {
            var clr = ClrTypes.Of(_localTypes[region.WrittenLocals[i]]);
            _il.Emit(OpCodes.Ldarg, region.Locals.Length + i);
            EmitLoadLocal(region.WrittenLocals[i]);
            _il.Emit(OpCodes.Stobj, clr);
        }
        _il.Emit(OpCodes.Ldc_I4, code);
        _il.Emit(OpCodes.Ret);
    }
}
