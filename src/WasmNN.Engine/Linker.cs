using WasmNN.Wasm;

namespace WasmNN.Engine;

/// <summary>
/// Resolves imports by (module, name) and instantiates modules. Define host functions, memories, tables and
/// globals, or register a whole instance's exports under a module name so other modules can import them.
/// </summary>
public sealed class Linker
{
    private readonly Dictionary<(string Module, string Name), object> _definitions = [];

    /// <summary>Creates a linker for modules compiled by <paramref name="engine"/>.</summary>
    public Linker(Engine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
    }

    /// <summary>The engine host functions are created with.</summary>
    public Engine Engine { get; }

    /// <summary>Defines an importable item: a <see cref="WasmFunction"/>, <see cref="WasmMemory"/>, <see cref="WasmTable"/> or <see cref="WasmGlobal"/>.</summary>
    public Linker Define(string module, string name, object item)
    {
        if (item is not (WasmFunction or WasmMemory or WasmTable or WasmGlobal))
        {
            throw new ArgumentException($"cannot define a {item?.GetType().Name ?? "null"}: expected WasmFunction, WasmMemory, WasmTable or WasmGlobal", nameof(item));
        }
        _definitions[(module, name)] = item;
        return this;
    }

    /// <summary>
    /// Defines a host function from a delegate, e.g. <c>(Func&lt;int, int, int&gt;)((a, b) =&gt; a + b)</c>; a first
    /// parameter of type <see cref="Caller"/> receives the calling instance.
    /// </summary>
    public Linker DefineFunction(string module, string name, Delegate function) => Define(module, name, Engine.CreateFunction(function));

    /// <summary>Defines an untyped host function of signature <paramref name="type"/>.</summary>
    public Linker DefineFunction(string module, string name, FuncType type, HostCallback callback) =>
        Define(module, name, Engine.CreateFunction(type, callback));

    /// <summary>
    /// Defines an untyped host function of signature <paramref name="type"/> that receives the calling instance,
    /// e.g. to read the guest's memory through <see cref="Caller.Memory"/>.
    /// </summary>
    public Linker DefineFunction(string module, string name, FuncType type, HostCallbackWithCaller callback) =>
        Define(module, name, Engine.CreateFunction(type, callback));

    /// <summary>Makes every export of <paramref name="instance"/> importable under <paramref name="module"/>.</summary>
    public Linker DefineInstance(string module, Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        foreach (var export in instance.Exports) _definitions[(module, export.Name)] = export.Value;
        return this;
    }

    /// <summary>Looks up a definition.</summary>
    public bool TryGet(string module, string name, out object? item) => _definitions.TryGetValue((module, name), out item);

    /// <summary>Instantiates <paramref name="module"/>: resolves imports, initialises tables and memory, runs the start function.</summary>
    /// <exception cref="WasmLinkException">An import is missing or does not match.</exception>
    /// <exception cref="WasmTrapException">Initialisation or the start function trapped.</exception>
    public Instance Instantiate(CompiledModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module.Engine != Engine) throw new ArgumentException("the module was compiled by another engine", nameof(module));
        var imports = new object[module.Imports.Count];
        for (int i = 0; i < imports.Length; i++)
        {
            var import = module.Imports[i];
            if (!_definitions.TryGetValue((import.ModuleName, import.Name), out var item))
            {
                throw new WasmLinkException("unknown import", import.ModuleName, import.Name);
            }
            if (!Matches(module.Module, import, item)) throw new WasmLinkException("incompatible import type", import.ModuleName, import.Name);
            imports[i] = item;
        }
        return Instance.Create(module, imports);
    }

    private bool Matches(WasmModule module, Import import, object item) => (import.Kind, item) switch
    {
        (ExternalKind.Function, WasmFunction f) => f.Engine == Engine && f.Type.Equals(module.Types[(int)import.TypeIndex]),
        (ExternalKind.Memory, WasmMemory m) => m.IsShared == import.Memory.Limits.Shared && LimitsMatch(m.Pages, m.MaximumPages, import.Memory.Limits),
        (ExternalKind.Table, WasmTable t) => t.ElementType == import.Table.ElementType && LimitsMatch((uint)t.Count, t.Maximum, import.Table.Limits),
        (ExternalKind.Global, WasmGlobal g) => g.Type == import.Global,
        _ => false,
    };

    private static bool LimitsMatch(uint current, uint? maximum, Limits required) =>
        current >= required.Minimum && (required.Maximum is not uint max || (maximum is uint actual && actual <= max));
}
