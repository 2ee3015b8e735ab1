using WasmNN.Engine;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Benchmarks;

/// <summary>Our engine: each .wasm compiled to IL, called through <see cref="WasmFunction.Call"/> (bounds checks on).</summary>
internal sealed class WasmNNEngine : IKernelEngine
{
    public string Label => "WasmNN";

    public IReadOnlyList<KernelResult> Run(BenchmarkSpec spec, string wasmDirectory, int runs)
    {
        var engine = new Engine.Engine();
        var results = new List<KernelResult>();
        foreach (var kernel in spec.Kernels)
        {
            try
            {
                var instance = new Linker(engine).Instantiate(engine.CompileFile(Path.Combine(wasmDirectory, kernel.Wasm)));
                var memory = instance.GetMemory() ?? throw new InvalidOperationException("the module exports no memory");
                var function = instance.GetFunction(kernel.Export) ?? throw new InvalidOperationException($"no export {kernel.Export}");
                WasmValue[] Arguments(int reps) =>
                    [.. kernel.Arguments(reps).Select((v, i) => ToValue(v, function.Type.Parameters[i]))];
                Harness.Fill(memory.Span, kernel.FillOffset, spec.FillBytes);
                var first = function.Call(Arguments(1));
                double checksum = Harness.Checksum(memory.Span, kernel.Output, first.Length > 0 ? first[0].AsSingle() : 0);
                results.Add(Harness.Measure(kernel, runs, reps => function.Call(Arguments(reps)), checksum));
            }
            catch (Exception e)
            {
                results.Add(new KernelResult(kernel.Name, 0, 0, e.Message));
            }
        }
        return results;
    }

    private static WasmValue ToValue(double value, ValueType type) => type switch
    {
        ValueType.I32 => WasmValue.FromInt32((int)value),
        ValueType.I64 => WasmValue.FromInt64((long)value),
        ValueType.F32 => WasmValue.FromSingle((float)value),
        _ => WasmValue.FromDouble(value),
    };
}
