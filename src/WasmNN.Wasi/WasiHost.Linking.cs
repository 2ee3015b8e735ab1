using WasmNN.Engine;
using WasmNN.Wasm;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Wasi;

// Binding to WasmNN.Engine: every preview1 function becomes an untyped host import that reads the guest's
// memory at call time (memory.grow may have moved or resized it since the last call).
public sealed partial class WasiHost
{
    private WasmMemory? _memory;

    /// <summary>
    /// Defines every <c>wasi_snapshot_preview1</c> import on <paramref name="linker"/>. Call
    /// <see cref="Attach"/> with the instance before running it, so the functions can reach its memory.
    /// </summary>
    public void Define(Linker linker)
    {
        ArgumentNullException.ThrowIfNull(linker);
        foreach (var function in Functions) linker.DefineFunction(ModuleName, function.Name, function.Type, Bind(function));
    }

    /// <summary>Gives the WASI functions the guest's linear memory (its memory, imported or its own).</summary>
    public void Attach(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        _memory = instance.Memory;
    }

    private HostCallback Bind(WasiFunction function) => (arguments, results) =>
    {
        Span<long> values = stackalloc long[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
            values[i] = arguments[i].Type == ValueType.I64 ? arguments[i].AsInt64() : arguments[i].AsInt32();
        // A guest without memory (or calling from its start function, before Attach) sees an empty memory: EFAULT.
        var errno = function.Invoke(this, _memory is { } memory ? memory.Span : [], values);
        if (results.Length == 1) results[0] = WasmValue.FromInt32(errno);
    };
}
