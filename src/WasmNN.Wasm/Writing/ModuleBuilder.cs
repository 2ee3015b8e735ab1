using System.Collections.Immutable;

namespace WasmNN.Wasm.Writing;

/// <summary>
/// Builds a module in memory for code generators: deduplicated types, imports, functions with names, exports, memory,
/// globals, data and custom sections. <see cref="ToBytes"/> encodes it with <see cref="ModuleWriter"/>.
/// </summary>
public sealed class ModuleBuilder
{
    private readonly Dictionary<FuncType, uint> _typeIndices = [];
    private readonly Dictionary<uint, string> _functionNames = [];

    /// <summary>The module under construction.</summary>
    public WasmModule Module { get; } = new();

    /// <summary>The index of <paramref name="type"/>, adding it if no equal type exists yet.</summary>
    public uint AddType(FuncType type)
    {
        if (_typeIndices.TryGetValue(type, out uint index)) return index;
        index = (uint)Module.Types.Count;
        Module.Types.Add(type);
        _typeIndices[type] = index;
        return index;
    }

    /// <summary>Imports a function; imports must come before any defined function. Returns its function index.</summary>
    public uint ImportFunction(string moduleName, string name, FuncType type)
    {
        if (Module.Functions.Count > 0) throw new InvalidOperationException("import functions before defining any");
        Module.Imports.Add(new Import(moduleName, name, ExternalKind.Function, TypeIndex: AddType(type)));
        return (uint)(Module.ImportedFunctionCount - 1);
    }

    /// <summary>Imports a memory (pages, <paramref name="shared"/> for a threads shared memory); returns its memory index.</summary>
    public uint ImportMemory(string moduleName, string name, uint minimumPages, uint? maximumPages = null, bool shared = false)
    {
        Module.Imports.Add(new Import(moduleName, name, ExternalKind.Memory, Memory: new MemoryType(new Limits(minimumPages, maximumPages, shared))));
        return (uint)(Module.ImportedMemoryCount - 1);
    }

    /// <summary>
    /// Defines a function. <paramref name="body"/> holds its instructions including the final <c>end</c>;
    /// <paramref name="locals"/> are the locals after the parameters. Returns the function index.
    /// </summary>
    public uint AddFunction(FuncType type, ReadOnlySpan<ValueType> locals, CodeWriter body, string? name = null)
    {
        var code = body.WrittenSpan;
        if (code.IsEmpty || code[^1] != 0x0B) throw new ArgumentException("a function body ends with end", nameof(body));
        var groups = ImmutableArray.CreateBuilder<LocalGroup>();
        foreach (var local in locals)
        {
            if (groups.Count > 0 && groups[^1].Type == local) groups[^1] = groups[^1] with { Count = groups[^1].Count + 1 };
            else groups.Add(new LocalGroup(1, local));
        }
        Module.Functions.Add(AddType(type));
        Module.Codes.Add(new FunctionBody(groups.ToImmutable(), code.ToArray(), 0, 0));
        uint index = (uint)(Module.ImportedFunctionCount + Module.Functions.Count - 1);
        if (name is not null)
        {
            _functionNames[index] = name;
            Module.Names = new NameMap { ModuleName = Module.Names.ModuleName, Functions = _functionNames, Locals = Module.Names.Locals };
        }
        return index;
    }

    /// <summary>Exports an item under <paramref name="name"/>.</summary>
    public void Export(string name, ExternalKind kind, uint index) => Module.Exports.Add(new Export(name, kind, index));

    /// <summary>Defines a memory (pages, <paramref name="shared"/> for a threads shared memory); returns its memory index.</summary>
    public uint AddMemory(uint minimumPages, uint? maximumPages = null, bool shared = false)
    {
        Module.Memories.Add(new MemoryType(new Limits(minimumPages, maximumPages, shared)));
        return (uint)(Module.ImportedMemoryCount + Module.Memories.Count - 1);
    }

    /// <summary>Defines a global initialised by <paramref name="init"/> (a constant expression ending in <c>end</c>).</summary>
    public uint AddGlobal(GlobalType type, CodeWriter init)
    {
        Module.Globals.Add(new Global(type, new ConstantExpression(init.ToArray(), 0)));
        return (uint)(Module.ImportedGlobalCount + Module.Globals.Count - 1);
    }

    /// <summary>An active data segment copied to memory 0 at <paramref name="offset"/> on instantiation.</summary>
    public void AddData(uint offset, ReadOnlyMemory<byte> bytes)
    {
        var expression = new CodeWriter().I32Const(unchecked((int)offset)).End();
        Module.Data.Add(new DataSegment(SegmentMode.Active, 0, new ConstantExpression(expression.ToArray(), 0), bytes, 0));
    }

    /// <summary>A custom section, written at the end of the module.</summary>
    public void AddCustomSection(string name, ReadOnlyMemory<byte> content) =>
        Module.CustomSections.Add(new CustomSection(name, content, 11));

    /// <summary>The binary module.</summary>
    public byte[] ToBytes() => ModuleWriter.Write(Module);
}
