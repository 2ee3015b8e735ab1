using System.Reflection;
using WasmNN.Wasm;

namespace WasmNN.Engine;

/// <summary>
/// A decoded, validated and compiled module, ready to be instantiated any number of times with
/// <see cref="Linker.Instantiate"/>. Its code is freed when it and all its instances are unreachable.
/// </summary>
public sealed class CompiledModule
{
    private readonly MethodInfo[] _methods;

    internal CompiledModule(Engine engine, WasmModule module, MethodInfo[] methods, nint[] entryPoints)
    {
        Engine = engine;
        Module = module;
        _methods = methods;
        EntryPoints = entryPoints;
    }

    /// <summary>The engine that compiled it.</summary>
    public Engine Engine { get; }

    /// <summary>The decoded module.</summary>
    public WasmModule Module { get; }

    /// <summary>The module's imports, in order.</summary>
    public IReadOnlyList<Import> Imports => Module.Imports;

    /// <summary>The module's exports, in order.</summary>
    public IReadOnlyList<Export> Exports => Module.Exports;

    /// <summary>Native entry point of each module-defined function (compiled lazily by the JIT on first call).</summary>
    internal nint[] EntryPoints { get; }

    /// <summary>The compiled method of module-defined function <paramref name="localIndex"/>, kept alive with the module.</summary>
    internal MethodInfo GetMethod(int localIndex) => _methods[localIndex];

    /// <summary>The name of function <paramref name="functionIndex"/>: from the name section, else its export name.</summary>
    public string? GetFunctionName(int functionIndex)
    {
        if (functionIndex < 0) return null;
        if (Module.Names.Functions.TryGetValue((uint)functionIndex, out var name)) return name;
        foreach (var export in Module.Exports)
        {
            if (export.Kind == ExternalKind.Function && export.Index == (uint)functionIndex) return export.Name;
        }
        return null;
    }
}
