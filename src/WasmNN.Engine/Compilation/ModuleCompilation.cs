using System.Reflection.Emit;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>What every function compiler of one module needs to know about the module.</summary>
internal sealed class ModuleCompilation
{
    public ModuleCompilation(WasmModule module, Engine engine, TypeBuilder type, MethodBuilder[] methods)
    {
        Module = module;
        Type = type;
        Engine = engine;
        Methods = methods;
        ImportedFunctionCount = module.ImportedFunctionCount;
        foreach (var import in module.Imports)
        {
            switch (import.Kind)
            {
                case ExternalKind.Function: FunctionTypes.Add(module.Types[(int)import.TypeIndex]); break;
                case ExternalKind.Global: GlobalTypes.Add(import.Global); break;
                case ExternalKind.Table: TableTypes.Add(import.Table.ElementType); break;
                case ExternalKind.Memory: HasMemory = true; break;
            }
        }
        foreach (uint typeIndex in module.Functions) FunctionTypes.Add(module.Types[(int)typeIndex]);
        foreach (var global in module.Globals) GlobalTypes.Add(global.Type);
        foreach (var table in module.Tables) TableTypes.Add(table.ElementType);
        HasMemory |= module.Memories.Count > 0;
        var memory = module.Imports.Where(i => i.Kind == ExternalKind.Memory).Select(i => i.Memory).Concat(module.Memories).FirstOrDefault();
        MinimumMemoryBytes = (long)memory.Limits.Minimum * MemoryType.PageSize;
        MaximumMemoryBytes = (long)(memory.Limits.Maximum ?? MemoryType.MaxPages) * MemoryType.PageSize;
        MemoryGrowth = MemoryGrowthAnalysis.Analyze(module, FunctionTypes);
    }

    public WasmModule Module { get; }
    public Engine Engine { get; }

    /// <summary>The type the methods go into, outlined loops' methods included (FunctionCompiler.Outlining).</summary>
    public TypeBuilder Type { get; }

    /// <summary>One method per module-defined function.</summary>
    public MethodBuilder[] Methods { get; }

    public int ImportedFunctionCount { get; }
    public List<FuncType> FunctionTypes { get; } = [];
    public List<GlobalType> GlobalTypes { get; } = [];
    public List<ValueType> TableTypes { get; } = [];
    public bool HasMemory { get; }

    /// <summary>Bytes of the memory's declared minimum (0 without one): it only grows, so accesses below this never trap.</summary>
    public long MinimumMemoryBytes { get; }

    /// <summary>Bytes of the memory's declared maximum (the 32-bit limit without one).</summary>
    public long MaximumMemoryBytes { get; }

    /// <summary>Which calls may grow the memory, so the caller reloads its base and size after them.</summary>
    public MemoryGrowthAnalysis MemoryGrowth { get; }

    /// <summary>The SIMD lowering's method lookups, shared by every function of the module.</summary>
    public SimdMethods Simd { get; } = new();
}
