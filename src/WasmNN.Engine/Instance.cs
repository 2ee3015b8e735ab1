using WasmNN.Engine.Runtime;
using WasmNN.Wasm;

namespace WasmNN.Engine;

/// <summary>An export of an instance: its name, kind and the object (function, memory, table or global).</summary>
public sealed record InstanceExport(string Name, ExternalKind Kind, object Value);

/// <summary>
/// An instantiated module: its memory, tables, globals and functions. Not thread-safe: call into one instance
/// from one thread at a time.
/// </summary>
public sealed class Instance
{
    private readonly InstanceContext _context;
    private readonly Dictionary<string, InstanceExport> _exports;

    private Instance(CompiledModule module, InstanceContext context)
    {
        Module = module;
        _context = context;
        context.Instance = this;
        var exports = new List<InstanceExport>();
        foreach (var export in module.Exports)
        {
            object value = export.Kind switch
            {
                ExternalKind.Function => context.Functions[export.Index],
                ExternalKind.Table => context.Tables[export.Index],
                ExternalKind.Memory => context.Memory!,
                _ => context.Globals[export.Index],
            };
            exports.Add(new InstanceExport(export.Name, export.Kind, value));
        }
        Exports = exports;
        _exports = exports.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The module this is an instance of.</summary>
    public CompiledModule Module { get; }

    /// <summary>Every export, in the module's order.</summary>
    public IReadOnlyList<InstanceExport> Exports { get; }

    /// <summary>The instance's memory (imported or its own), or null.</summary>
    public WasmMemory? Memory => _context.Memory;

    /// <summary>The exported item called <paramref name="name"/>, or null.</summary>
    public object? GetExport(string name) => _exports.TryGetValue(name, out var e) ? e.Value : null;

    /// <summary>The exported function called <paramref name="name"/>, or null.</summary>
    public WasmFunction? GetFunction(string name) => GetExport(name) as WasmFunction;

    /// <summary>The exported function <paramref name="name"/> as a typed delegate, e.g. <c>Func&lt;int, int, int&gt;</c>.</summary>
    /// <exception cref="KeyNotFoundException">No function of that name is exported.</exception>
    /// <exception cref="ArgumentException">The delegate's signature does not match.</exception>
    public TDelegate GetFunction<TDelegate>(string name) where TDelegate : Delegate =>
        (GetFunction(name) ?? throw new KeyNotFoundException($"no exported function '{name}'")).AsDelegate<TDelegate>();

    /// <summary>The exported memory called <paramref name="name"/>, or null.</summary>
    public WasmMemory? GetMemory(string name = "memory") => GetExport(name) as WasmMemory;

    /// <summary>The exported table called <paramref name="name"/>, or null.</summary>
    public WasmTable? GetTable(string name) => GetExport(name) as WasmTable;

    /// <summary>The exported global called <paramref name="name"/>, or null.</summary>
    public WasmGlobal? GetGlobal(string name) => GetExport(name) as WasmGlobal;

    internal static Instance Create(CompiledModule compiled, object[] imports)
    {
        var module = compiled.Module;
        var engine = compiled.Engine;
        var context = new InstanceContext { Module = compiled, Interrupt = engine.InterruptFlag };
        var functions = new List<WasmFunction>();
        var tables = new List<WasmTable>();
        var globals = new List<WasmGlobal>();
        foreach (var item in imports)
        {
            switch (item)
            {
                case WasmFunction f: functions.Add(f.Context.Caller is null ? f : f.BindCaller(context)); break;
                case WasmTable t: tables.Add(t); break;
                case WasmGlobal g: globals.Add(g); break;
                case WasmMemory m: context.Memory = m; break;
            }
        }
        int imported = functions.Count;
        for (int i = 0; i < module.Functions.Count; i++)
        {
            functions.Add(new WasmFunction(engine, module.Types[(int)module.Functions[i]], compiled.EntryPoints[i], context,
                compiled.GetFunctionName(imported + i)));
        }
        context.Functions = [.. functions];
        foreach (var table in module.Tables) tables.Add(new WasmTable(table.ElementType, table.Limits.Minimum, table.Limits.Maximum));
        context.Tables = [.. tables];
        context.Table0 = tables.Count > 0 ? tables[0] : null;
        context.Table0?.AddTable0User(context);
        foreach (var memory in module.Memories)
        {
            if (memory.Limits.Minimum > engine.Options.MaxMemoryPages)
            {
                throw new WasmLinkException($"memory of {memory.Limits.Minimum} pages ({memory.Limits.Minimum / 16.0:0.##} MiB) exceeds the engine's limit " +
                    $"of {engine.Options.MaxMemoryPages} pages (EngineOptions.MaxMemoryPages)");
            }
            context.Memory = new WasmMemory(memory.Limits.Minimum, memory.Limits.Maximum, engine.Options, memory.Limits.Shared);
        }
        context.Memory?.AddUser(context);
        // Initialisers may read imported and earlier globals, so the array grows as they are evaluated.
        foreach (var global in module.Globals)
        {
            context.Globals = [.. globals];
            globals.Add(new WasmGlobal(global.Type, ConstantEvaluator.Evaluate(global.Init, context)));
        }
        context.Globals = [.. globals];
        context.ElementSegments = [.. module.Elements.Select(e => EvaluateElements(e, context))];
        // Only passive segments are kept: active ones are copied straight from the module below, then dropped.
        context.DataSegments = [.. module.Data.Select(d => d.Mode == SegmentMode.Passive ? d.Bytes.ToArray() : [])];
        Initialise(module, context);
        var instance = new Instance(compiled, context);
        if (module.Start is uint start) context.Functions[start].Call();
        return instance;
    }

    private static object?[] EvaluateElements(ElementSegment segment, InstanceContext context)
    {
        if (!segment.FunctionIndices.IsDefaultOrEmpty) return [.. segment.FunctionIndices.Select(i => (object?)context.Functions[i])];
        return [.. segment.Items.Select(item => ConstantEvaluator.Evaluate(item, context).AsReference())];
    }

    /// <summary>Copies active segments into tables and memory in order; a segment out of bounds traps, keeping earlier writes.</summary>
    private static void Initialise(WasmModule module, InstanceContext context)
    {
        for (int i = 0; i < module.Elements.Count; i++)
        {
            var segment = module.Elements[i];
            if (segment.Mode == SegmentMode.Active)
            {
                int offset = ConstantEvaluator.Evaluate(segment.Offset!, context).AsInt32();
                var items = context.ElementSegments[i];
                if (!context.Tables[segment.TableIndex].Init(items, offset, 0, items.Length)) throw new WasmTrapException(TrapKind.TableOutOfBounds);
            }
            if (segment.Mode != SegmentMode.Passive) context.ElementSegments[i] = [];
        }
        for (int i = 0; i < module.Data.Count; i++)
        {
            var segment = module.Data[i];
            if (segment.Mode != SegmentMode.Active) continue;
            int offset = ConstantEvaluator.Evaluate(segment.Offset!, context).AsInt32();
            var bytes = segment.Bytes.Span;
            if (context.Memory is null || !context.Memory.Init(bytes, offset, 0, bytes.Length)) throw new WasmTrapException(TrapKind.MemoryOutOfBounds);
        }
    }
}
