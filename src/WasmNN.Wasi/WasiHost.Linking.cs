using WasmNN.Engine;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Wasi;

// Binding to WasmNN.Engine: every preview1 function becomes a host import that reads its caller's memory at
// call time (memory.grow may have moved or resized it since the last call).
public sealed partial class WasiHost
{
    /// <summary>Defines every <c>wasi_snapshot_preview1</c> import on <paramref name="linker"/>.</summary>
    public void Define(Linker linker)
    {
        ArgumentNullException.ThrowIfNull(linker);
        foreach (var function in Functions) linker.DefineFunction(ModuleName, function.Name, function.Type, Bind(function));
    }

    private HostCallbackWithCaller Bind(WasiFunction function) => (caller, arguments, results) =>
    {
        Span<long> values = stackalloc long[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
            values[i] = arguments[i].Type == ValueType.I64 ? arguments[i].AsInt64() : arguments[i].AsInt32();
        // A guest without memory sees an empty one: every pointer is EFAULT.
        var errno = function.Invoke(this, caller.Memory is { } memory ? memory.Span : [], values);
        if (results.Length == 1) results[0] = WasmValue.FromInt32(errno);
    };
}
