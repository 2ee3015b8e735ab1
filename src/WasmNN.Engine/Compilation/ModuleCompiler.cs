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
        if (engine.Options.LeanAndOutlineEverywhere)
        {
            methods = CompileAll(engine, module, name, Enumerable.Range(module.ImportedFunctionCount, module.Functions.Count).ToHashSet());
        }
        else
        {
            methods = CompileAll(engine, module, name, lean: new HashSet<int>());
            // A function past the JIT's limits would run unoptimised (typically 6-13x slower): compile the module once
            // more with those functions lean (no duplicated loops, shared trap exits), which usually brings them under.
            var lean = PastJitLimits(methods, module.ImportedFunctionCount).ToHashSet();
            if (lean.Count > 0) methods = CompileAll(engine, module, name, lean);
        }
        var entry = new nint[methods.Length];
        for (int i = 0; i < methods.Length; i++) entry[i] = methods[i].MethodHandle.GetFunctionPointer();
        if (engine.Options.Diagnostics is { } report) WarnPastJitLimits(module, methods, report);
        return (methods, entry);
    }

    /// <summary>Emits every function into a fresh type; <paramref name="lean"/> holds the indices compiled lean.</summary>
    private static MethodInfo[] CompileAll(Engine engine, WasmModule module, string name, IReadOnlySet<int> lean)
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
            try
            {
                FunctionCompiler.Compile(compilation, imported + i, builders[i], lean.Contains(imported + i));
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
    /// ~60 KB of IL, 20,000 IL instructions, 2,000 basic blocks, 2,000 locals or 8,000 local references.
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
