using WasmNN.Engine.Compilation;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm;

namespace WasmNN.Engine;

/// <summary>
/// A callable WebAssembly function: exported by an instance, defined by the host, or a funcref value. Call it
/// untyped with <see cref="Call"/> / <see cref="Invoke"/>, or typed via <see cref="AsDelegate{TDelegate}"/>.
/// </summary>
public sealed class WasmFunction
{
    // Read by generated code (calls through imports and tables).
    internal readonly nint CodePointer;
    internal readonly InstanceContext Context;
    internal readonly int TypeId;

    internal WasmFunction(Engine engine, FuncType type, nint codePointer, InstanceContext context, string? name)
    {
        Engine = engine;
        Type = type;
        CodePointer = codePointer;
        Context = context;
        TypeId = engine.GetTypeId(type);
        Name = name;
    }

    /// <summary>The engine it belongs to.</summary>
    public Engine Engine { get; }

    /// <summary>Its signature.</summary>
    public FuncType Type { get; }

    /// <summary>Its name (name section, export name or host name), if known.</summary>
    public string? Name { get; }

    /// <summary>Calls the function.</summary>
    /// <returns>The results, one per result type.</returns>
    /// <exception cref="ArgumentException">The arguments do not match <see cref="Type"/>.</exception>
    /// <exception cref="WasmTrapException">The function trapped.</exception>
    public WasmValue[] Call(params WasmValue[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Length != Type.Parameters.Length)
        {
            throw new ArgumentException($"{Describe()} takes {Type.Parameters.Length} arguments, got {arguments.Length}", nameof(arguments));
        }
        for (int i = 0; i < arguments.Length; i++)
        {
            if (arguments[i].Type != Type.Parameters[i])
            {
                throw new ArgumentException($"{Describe()}: argument {i} must be {Type.Parameters[i].ToWat()}, got {arguments[i].Type.ToWat()}", nameof(arguments));
            }
        }
        var results = new WasmValue[Type.Results.Length];
        var invoker = Engine.GetInvoker(Type);
        int depth = CallStack.Depth;
        try
        {
            invoker(CodePointer, Context, arguments, results);
            // Compiled code holds the memory's base pointer, not the memory: keep the instance alive until it returns.
            GC.KeepAlive(this);
        }
        finally
        {
            // A trap unwinds past the epilogues that would have counted the frames out.
            CallStack.Depth = depth;
        }
        return results;
    }

    /// <summary>Calls the function with boxed .NET arguments (int, long, float, double, ...).</summary>
    /// <returns>null for no result, the boxed result for one, an object?[] for several.</returns>
    public object? Invoke(params object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Length != Type.Parameters.Length)
        {
            throw new ArgumentException($"{Describe()} takes {Type.Parameters.Length} arguments, got {arguments.Length}", nameof(arguments));
        }
        var values = new WasmValue[arguments.Length];
        for (int i = 0; i < values.Length; i++) values[i] = WasmValue.FromObject(arguments[i], Type.Parameters[i]);
        var results = Call(values);
        return results.Length switch
        {
            0 => null,
            1 => results[0].ToObject(),
            _ => results.Select(r => r.ToObject()).ToArray(),
        };
    }

    /// <summary>
    /// For a host function taking a <see cref="Caller"/>: a copy whose caller is <paramref name="caller"/>, made
    /// when an instance imports it so the call itself costs nothing extra.
    /// </summary>
    internal WasmFunction BindCaller(InstanceContext caller) =>
        new(Engine, Type, CodePointer, new InstanceContext { HostTarget = Context.HostTarget, Interrupt = Context.Interrupt, Caller = new Caller(caller) }, Name);

    /// <summary>A typed delegate calling this function directly (no boxing), e.g. <c>Func&lt;int, int, int&gt;</c>.</summary>
    /// <exception cref="ArgumentException">The delegate's signature does not match <see cref="Type"/>.</exception>
    public TDelegate AsDelegate<TDelegate>() where TDelegate : Delegate => (TDelegate)Invokers.CreateTypedDelegate(this, typeof(TDelegate));

    /// <inheritdoc />
    public override string ToString() => Describe() + " " + Type;

    private string Describe() => Name is null ? "function" : $"function '{Name}'";
}

/// <summary>An untyped host function: read the arguments, write one value per result type into results.</summary>
public delegate void HostCallback(ReadOnlySpan<WasmValue> arguments, Span<WasmValue> results);
