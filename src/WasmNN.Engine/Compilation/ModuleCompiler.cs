using System.Reflection;
using System.Reflection.Emit;
using WasmNN.Wasm;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Compiles every function of a module into static methods of one type in a fresh collectible assembly, so the
/// code is freed with the module, and takes each method's entry point for calls through tables and imports.
/// </summary>
internal static class ModuleCompiler
{
    public static (MethodInfo[] Methods, nint[] Entry) Compile(Engine engine, WasmModule module, string name)
    {
        MethodInfo[] methods;
        var tiers = new Dictionary<int, FunctionTier>();
        if (engine.Options.LeanAndOutlineEverywhere)
        {
            for (int i = 0; i < module.Functions.Count; i++) tiers[module.ImportedFunctionCount + i] = FunctionTier.Lean;
            methods = CompileAll(engine, module, name, tiers);
        }
        else
        {
            methods = CompileAll(engine, module, name, tiers);
            // A function past the JIT's limits would run unoptimised (typically 6-13x slower): it is compiled alone
            // (the others stubbed) with its loops copied less, then lean (no duplicated loops, shared trap exits),
            // and the module once more with the first tier that fits. Each whole-module pass runs the engine's own
            // cold code again, whose tier-1 recompiles then compete with the program's first runs.
            var past = PastJitLimits(methods, module.ImportedFunctionCount).ToList();
            foreach (int index in past) tiers[index] = FirstTierWithinLimits(engine, module, name, index);
            if (past.Count > 0) methods = CompileAll(engine, module, name, tiers);
        }
        var entry = new nint[methods.Length];
        for (int i = 0; i < methods.Length; i++) entry[i] = methods[i].MethodHandle.GetFunctionPointer();
        if (engine.Options.Diagnostics is { } report) WarnPastJitLimits(module, methods, report);
        return (methods, entry);
    }

    /// <summary>The first tier below optimised at which function <paramref name="index"/> stays within the JIT's limits.</summary>
    private static FunctionTier FirstTierWithinLimits(Engine engine, WasmModule module, string name, int index)
    {
        foreach (var tier in (ReadOnlySpan<FunctionTier>)[FunctionTier.FewerLoopCopies, FunctionTier.FewestLoopCopies])
        {
            var methods = CompileAll(engine, module, name, new Dictionary<int, FunctionTier> { [index] = tier }, only: index);
            if (!IlStatistics.Of(methods[index - module.ImportedFunctionCount]).ExceededJitLimits().Any()) return tier;
        }
        return FunctionTier.Lean;
    }

    /// <summary>
    /// Emits every function into a fresh type, each at its tier in <paramref name="tiers"/> (absent: optimised); with
    /// <paramref name="only"/>, that function alone, every other a stub that throws (to measure its IL). Internal so a
    /// test can check its premise (a function whose optimised tier passes the limits).
    /// </summary>
    internal static MethodInfo[] CompileAll(Engine engine, WasmModule module, string name, IReadOnlyDictionary<int, FunctionTier> tiers, int? only = null)
    {
        var dynamicModule = DynamicAssemblies.Create(name);
        var type = dynamicModule.DefineType("WasmModule", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
        int imported = module.ImportedFunctionCount;
        var builders = new MethodBuilder[module.Functions.Count];
        for (int i = 0; i < builders.Length; i++)
        {
            var signature = module.Types[(int)module.Functions[i]];
            builders[i] = type.DefineMethod($"f{imported + i}", MethodAttributes.Public | MethodAttributes.Static,
                ClrTypes.ReturnType(signature), ClrTypes.ParameterTypes(signature));
            // Fully optimised from the first call: wasm hot loops should not start in tier 0. Small loop-free leaves
            // are offered for inlining instead (FunctionShape).
            builders[i].SetImplementationFlags(FunctionShape.Of(module.Codes[i]).IsInlineCandidate
                ? MethodImplAttributes.AggressiveInlining : MethodImplAttributes.AggressiveOptimization);
        }
        var compilation = new ModuleCompilation(module, engine, type, builders);
        for (int i = 0; i < builders.Length; i++)
        {
            if (only is int single && single != imported + i)
            {
                var stub = builders[i].GetILGenerator();
                stub.Emit(OpCodes.Ldnull);
                stub.Emit(OpCodes.Throw);
                continue;
            }
            try
            {
                FunctionCompiler.Compile(compilation, imported + i, builders[i], tiers.GetValueOrDefault(imported + i, FunctionTier.Optimised));
            }
            catch (Exception e) when (e is not WasmFormatException)
            {
                throw new WasmCompileException($"cannot compile function {imported + i} (code at byte offset 0x{module.Codes[i].BodyOffset:x}): {e.Message}", e);
            }
        }
        var created = type.CreateType();
        var methods = new MethodInfo[builders.Length];
        for (int i = 0; i < builders.Length; i++) methods[i] = created.GetMethod(builders[i].Name, BindingFlags.Public | BindingFlags.Static)!;
        return methods;
    }

    /// <summary>Indices of the functions whose IL exceeds one of the JIT's optimisation limits.</summary>
    private static IEnumerable<int> PastJitLimits(MethodInfo[] methods, int imported) =>
        Enumerable.Range(0, methods.Length).Where(i => IlStatistics.Of(methods[i]).ExceededJitLimits().Any()).Select(i => imported + i);

    /// <summary>
    /// Reports each function the JIT will compile without optimisation (MinOpts, typically 6-13x slower): past
    /// ~60 KB of IL, 20,000 IL instructions, 2,000 basic blocks, 2,000 locals and parameters or 8,000 local references.
    /// </summary>
    private static void WarnPastJitLimits(WasmModule module, MethodInfo[] methods, Action<string> report)
    {
        int imported = module.ImportedFunctionCount;
        for (int i = 0; i < methods.Length; i++)
        {
            var exceeded = IlStatistics.Of(methods[i]).ExceededJitLimits().ToList();
            if (exceeded.Count == 0) continue;
            int index = imported + i;
            string name = module.Names.Functions.TryGetValue((uint)index, out var n) ? $" ({n})" : "";
            report($"function {index}{name}: {string.Join(", ", exceeded)}: the JIT will not optimise it (typically 6-13x slower). " +
                "Split the function or use fewer locals.");
        }
    }
}

/// <summary>How much IL a function may spend on duplicated loops, lowered for functions past the JIT's limits.</summary>
internal enum FunctionTier
{
    /// <summary>Loops versioned (and unrolled) within the usual IL budget.</summary>
    Optimised,

    /// <summary>Loops versioned within a smaller IL budget: the usual one passed the JIT's limits.</summary>
    FewerLoopCopies,

    /// <summary>Loops versioned within a smaller budget still.</summary>
    FewestLoopCopies,

    /// <summary>
    /// Still past them: no duplicated loops, out-of-bounds exits shared (trading the exact trap offset for staying
    /// optimised), call-free loops outlined into methods of their own.
    /// </summary>
    Lean,
}
