using WasmNN.Wasm.Instructions;
using System.Collections.Immutable;

namespace WasmNN.Wasm.Validation;

/// <summary>
/// The index spaces a module's code is checked against (the spec's context C): imports come first in each space.
/// </summary>
internal sealed class ValidationContext
{
    public ValidationContext(WasmModule module, Feature features)
    {
        Module = module;
        Features = features;
        var functions = new List<uint>();
        var tables = new List<TableType>();
        var memories = new List<MemoryType>();
        var globals = new List<GlobalType>();
        foreach (var import in module.Imports)
        {
            switch (import.Kind)
            {
                case ExternalKind.Function: functions.Add(import.TypeIndex); break;
                case ExternalKind.Table: tables.Add(import.Table); break;
                case ExternalKind.Memory: memories.Add(import.Memory); break;
                case ExternalKind.Global: globals.Add(import.Global); break;
            }
        }
        ImportedGlobalCount = globals.Count;
        ImportedFunctionCount = functions.Count;
        functions.AddRange(module.Functions);
        tables.AddRange(module.Tables);
        memories.AddRange(module.Memories);
        globals.AddRange(module.Globals.Select(g => g.Type));
        FunctionTypeIndices = [.. functions];
        Tables = [.. tables];
        Memories = [.. memories];
        Globals = [.. globals];
        ElementTypes = [.. module.Elements.Select(e => e.ElementType)];
    }

    public WasmModule Module { get; }

    public Feature Features { get; }

    public ImmutableArray<uint> FunctionTypeIndices { get; }

    public ImmutableArray<TableType> Tables { get; }

    public ImmutableArray<MemoryType> Memories { get; }

    public ImmutableArray<GlobalType> Globals { get; }

    public ImmutableArray<ValueType> ElementTypes { get; }

    public int ImportedGlobalCount { get; }

    public int ImportedFunctionCount { get; }

    /// <summary>Functions that <c>ref.func</c> may name inside bodies (C.refs): those referenced outside function bodies.</summary>
    public HashSet<uint> DeclaredFunctionReferences { get; } = [];

    /// <summary>The signature of function <paramref name="index"/>, which must exist and have a valid type.</summary>
    public FuncType FunctionType(uint index) => Module.Types[(int)FunctionTypeIndices[(int)index]];
}
