using WasmNN.Wasm;

namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// Takes arbitrary bytes the way a host takes an untrusted module: decode, validate, compile, link against stub
/// imports, instantiate and call every exported function, under the engine's limits (memory cap, call depth, a
/// time limit per call through the interrupt). Returns how far it got; the engine's own errors (malformed,
/// invalid, unsupported, unlinkable, trap) are outcomes, and any other exception escapes as a bug.
/// Shared by the engine's and the compiler's fuzz tests (linked into WasmNN.Compiler.Tests).
/// </summary>
internal static class UntrustedModuleRunner
{
    /// <summary>The limits a host would set for untrusted code: 16 MiB of memory, the default call depth.</summary>
    public static EngineOptions Limits { get; } = new() { MaxMemoryPages = 256, MemoryReservePages = 256 };

    public static string Run(byte[] bytes, TimeSpan callLimit)
    {
        var engine = new Engine(Limits);
        CompiledModule module;
        try
        {
            module = engine.Compile(bytes);
        }
        catch (WasmFormatException e)
        {
            return e.Kind == WasmErrorKind.Malformed ? "malformed" : "invalid";
        }
        catch (WasmCompileException)
        {
            return "unsupported";
        }
        var linker = new Linker(engine);
        foreach (var import in module.Imports) linker.Define(import.ModuleName, import.Name, Stub(engine, module.Module, import));
        Instance instance;
        try
        {
            using (engine.InterruptAfter(callLimit)) instance = linker.Instantiate(module);
        }
        catch (Exception e) when (e is WasmLinkException or WasmTrapException)
        {
            return "not instantiated";
        }
        int traps = 0;
        foreach (var export in instance.Exports)
        {
            if (export.Value is not WasmFunction function) continue;
            try
            {
                using (engine.InterruptAfter(callLimit)) function.Call([.. function.Type.Parameters.Select(WasmValue.Default)]);
            }
            catch (WasmTrapException)
            {
                traps++;
            }
        }
        return traps == 0 ? "ran" : "trapped";
    }

    /// <summary>An import that satisfies <paramref name="import"/>: functions return zeros, memories and tables have their minimum.</summary>
    private static object Stub(Engine engine, WasmModule module, Import import) => import.Kind switch
    {
        ExternalKind.Function => StubFunction(engine, module.Types[(int)import.TypeIndex]),
        ExternalKind.Memory => new WasmMemory(Math.Min(import.Memory.Limits.Minimum, Limits.MaxMemoryPages), import.Memory.Limits.Maximum, Limits),
        ExternalKind.Table => new WasmTable(import.Table.ElementType, Math.Min(import.Table.Limits.Minimum, 100_000u), import.Table.Limits.Maximum),
        _ => new WasmGlobal(import.Global, WasmValue.Default(import.Global.ValueType)),
    };

    private static WasmFunction StubFunction(Engine engine, FuncType type) => engine.CreateFunction(type, (HostCallback)((_, results) =>
    {
        for (int i = 0; i < results.Length; i++) results[i] = WasmValue.Default(type.Results[i]);
    }));
}
