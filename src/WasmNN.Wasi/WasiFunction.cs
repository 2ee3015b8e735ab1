using System.Collections.Immutable;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Wasi;

/// <summary>The body of one WASI import: reads its arguments, works on guest memory, returns an errno.</summary>
internal delegate Errno WasiBody(WasiHost host, GuestMemory memory, ReadOnlySpan<long> args);

/// <summary>
/// One function of <c>wasi_snapshot_preview1</c>: its name, wasm signature and a uniform entry point an
/// engine binds as a host import. Arguments arrive as <see cref="long"/>s (an <c>i32</c> sign- or
/// zero-extended, the body only looks at the low 32 bits).
/// </summary>
public sealed class WasiFunction
{
    private readonly WasiBody _body;

    internal WasiFunction(string name, string signature, bool implemented, WasiBody body)
    {
        Name = name;
        Implemented = implemented;
        _body = body;
        var parameters = signature.Select(c => c == 'l' ? ValueType.I64 : ValueType.I32).ToImmutableArray();
        Type = new FuncType(parameters, name == "proc_exit" ? [] : [ValueType.I32]);
    }

    /// <summary>The import name within <see cref="WasiHost.ModuleName"/>.</summary>
    public string Name { get; }

    /// <summary>The wasm signature the guest imports it with.</summary>
    public FuncType Type { get; }

    /// <summary>False when the function only answers <see cref="Errno.Nosys"/>.</summary>
    public bool Implemented { get; }

    /// <summary>
    /// Runs the function for <paramref name="host"/>'s guest. Bad guest input (pointers outside
    /// <paramref name="memory"/>, unknown descriptors, host I/O errors) comes back as an errno, never an
    /// exception. Only two exceptions escape: <see cref="WasiExitException"/> from <c>proc_exit</c> and
    /// <see cref="OperationCanceledException"/> once <see cref="WasiOptions.Cancellation"/> has fired (checked on
    /// entry and during waits).
    /// </summary>
    /// <param name="host">The guest's WASI state.</param>
    /// <param name="memory">The guest's linear memory (export <c>memory</c>) as it is at this call.</param>
    /// <param name="args">One value per parameter of <see cref="Type"/>.</param>
    /// <returns>The errno (<c>0</c> on success); meaningless for <c>proc_exit</c>, which never returns.</returns>
    public int Invoke(WasiHost host, Span<byte> memory, ReadOnlySpan<long> args)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (args.Length != Type.Parameters.Length)
            throw new ArgumentException($"{Name} takes {Type.Parameters.Length} arguments, got {args.Length}", nameof(args));
        // Every call is a safe point: a guest that makes any WASI call stops here once its run is cancelled,
        // even on an engine that cannot interrupt compiled loops.
        host.Options.Cancellation.ThrowIfCancellationRequested();
        try
        {
            return (int)_body(host, new GuestMemory(memory), args);
        }
        catch (Exception e) when (e is not (WasiExitException or OperationCanceledException))
        {
            return (int)ErrnoMapping.FromException(e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Type}";
}
