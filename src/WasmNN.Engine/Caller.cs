using WasmNN.Engine.Runtime;

namespace WasmNN.Engine;

/// <summary>
/// The instance a host function is called from, so the host can reach the guest's memory (e.g. WASI reading
/// iovecs). A host function receives it by taking a <see cref="Caller"/> as its first parameter (typed delegates,
/// e.g. <c>Func&lt;Caller, int, int, int&gt;</c>) or by being a <see cref="HostCallbackWithCaller"/>.
/// </summary>
/// <remarks>
/// Such a function is bound to each instance that imports it when that instance is created, so the caller costs
/// nothing per call. The caller is the importing instance (also when the function reaches another module through
/// an export or a table). Called straight from the host, there is no caller: <see cref="Memory"/> is null.
/// </remarks>
public sealed class Caller
{
    private readonly InstanceContext? _context;

    internal Caller(InstanceContext? context) => _context = context;

    /// <summary>
    /// The calling instance's linear memory (its own, exported or not, or imported), or null. Read it on every
    /// call: <c>memory.grow</c> may have moved or resized it since the last one.
    /// </summary>
    public WasmMemory? Memory => _context?.Memory;

    /// <summary>The calling instance (already set while its start function runs), or null when called from the host.</summary>
    public Instance? Instance => _context?.Instance;

    /// <summary>The calling instance's export called <paramref name="name"/> (e.g. "memory"), or null.</summary>
    public object? GetExport(string name) => Instance?.GetExport(name);
}

/// <summary>An untyped host function that can reach its caller's memory and exports (see <see cref="Caller"/>).</summary>
public delegate void HostCallbackWithCaller(Caller caller, ReadOnlySpan<WasmValue> arguments, Span<WasmValue> results);
