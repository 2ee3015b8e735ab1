using System.Collections.Concurrent;
using WasmNN.Engine.Compilation;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;

namespace WasmNN.Engine;

/// <summary>
/// Compiles WebAssembly modules to .NET code. One engine can compile many modules; modules and host functions
/// that call each other must come from the same engine (function types are identified per engine).
/// </summary>
/// <example>
/// <code>
/// var engine = new Engine();
/// var module = engine.CompileFile("add.wasm");
/// var instance = new Linker(engine).Instantiate(module);
/// var add = instance.GetFunction&lt;Func&lt;int, int, int&gt;&gt;("add");
/// int three = add(1, 2);
/// </code>
/// </example>
public sealed partial class Engine
{
    private readonly Dictionary<FuncType, int> _typeIds = [];
    private readonly ConcurrentDictionary<FuncType, Invoker> _invokers = new();
    private readonly HostStubs _hostStubs;
    private int _moduleCount;

    /// <summary>Creates an engine.</summary>
    public Engine(EngineOptions? options = null)
    {
        Options = options ?? EngineOptions.Default;
        _hostStubs = new HostStubs(this);
    }

    /// <summary>The engine's limits.</summary>
    public EngineOptions Options { get; }

    /// <summary>Decodes, validates and compiles a binary module.</summary>
    /// <exception cref="WasmFormatException">The module is malformed or invalid (the message names section and offset).</exception>
    /// <exception cref="WasmCompileException">The module uses something the engine does not support.</exception>
    public CompiledModule Compile(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Compile(ModuleReader.Read(bytes));
    }

    /// <summary>Decodes, validates and compiles a binary module read from <paramref name="stream"/>.</summary>
    public CompiledModule Compile(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Compile(buffer.ToArray());
    }

    /// <summary>Decodes, validates and compiles the binary module in file <paramref name="path"/>.</summary>
    public CompiledModule CompileFile(string path) => Compile(File.ReadAllBytes(path));

    /// <summary>Validates and compiles an already decoded module.</summary>
    public CompiledModule Compile(WasmModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (Options.Validate) ValidateModule(module);
        var (methods, entry) = ModuleCompiler.Compile(this, module, $"WasmModule{Interlocked.Increment(ref _moduleCount)}");
        return new CompiledModule(this, module, methods, entry);
    }

    /// <summary>Wraps a .NET delegate (e.g. <c>Func&lt;int, int, int&gt;</c>) as a wasm function.</summary>
    /// <remarks>Parameter and return types map int→i32, long→i64, float→f32, double→f64,
    /// Vector128&lt;byte&gt;→v128, WasmFunction→funcref, object→externref; a ValueTuple return gives several results.
    /// A first parameter of type <see cref="Caller"/> is no wasm parameter: it receives the calling instance.</remarks>
    public WasmFunction CreateFunction(Delegate function) => _hostStubs.Create(function);

    /// <summary>Wraps an untyped callback with signature <paramref name="type"/> as a wasm function.</summary>
    public WasmFunction CreateFunction(FuncType type, HostCallback callback) => _hostStubs.Create(type, callback);

    /// <summary>Wraps an untyped callback that reaches its caller's memory (see <see cref="Caller"/>) as a wasm function.</summary>
    public WasmFunction CreateFunction(FuncType type, HostCallbackWithCaller callback) => _hostStubs.Create(type, callback);

    /// <summary>A small integer naming <paramref name="type"/>, equal for structurally equal types.</summary>
    internal int GetTypeId(FuncType type)
    {
        lock (_typeIds)
        {
            // From 1: a null funcref table slot has type id 0 (FunctionSlot), so call_indirect's one type test catches it.
            if (!_typeIds.TryGetValue(type, out int id)) _typeIds[type] = id = _typeIds.Count + 1;
            return id;
        }
    }

    internal Invoker GetInvoker(FuncType type) => _invokers.GetOrAdd(type, Invokers.Create);

    private static partial void ValidateModule(WasmModule module);
}
