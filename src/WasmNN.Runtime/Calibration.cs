using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Quantizer;
using WasmNN.Wasm.Reading;

namespace WasmNN.Runtime;

/// <summary>
/// Calibration for <see cref="QuantizationPlan"/>: compiles the plan's float model with every activation to observe
/// as an extra output, runs it on our engine once per sample, and collects each activation's range.
/// </summary>
public static class Calibration
{
    /// <summary>
    /// Observes <see cref="QuantizationPlan.Activations"/> over <paramref name="samples"/> (each one tensor per model
    /// input, by input name) and returns each activation's range (min/max, or the <paramref name="percentile"/> range).
    /// </summary>
    /// <param name="plan">The plan whose model runs.</param>
    /// <param name="samples">Calibration inputs.</param>
    /// <param name="percentile">P for percentile ranges, null for min/max.</param>
    /// <param name="progress">Told the number of samples done after each.</param>
    /// <exception cref="ArgumentException">A sample lacks an input or has the wrong dtype or shape (the message names it).</exception>
    public static IReadOnlyDictionary<string, (float Min, float Max)> Run(QuantizationPlan plan, IReadOnlyList<IReadOnlyDictionary<string, Tensor>> samples,
        double? percentile = null, IProgress<int>? progress = null)
    {
        var graph = OnnxImporter.Import(plan.Model, plan.Model.Graph.Name);
        var inputNames = graph.Inputs.Select(i => i.Name).ToHashSet();
        var values = graph.Nodes.SelectMany(n => n.Outputs.OfType<Value>()).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var name in plan.Activations.Where(a => !inputNames.Contains(a)))
        {
            var value = values[name];
            if (!graph.Outputs.Contains(value))
            {
                graph.Outputs.Add(value);
            }
        }
        var wasm = ModelCompiler.Compile(graph, new CompileOptions { ModelName = "calibration" }).Wasm;
        using var model = CompiledModel.Load(ModuleReader.Read(wasm), new CompiledModelOptions());
        var observers = plan.Activations.ToDictionary(a => a, _ => new ActivationObserver(percentile));
        for (var s = 0; s < samples.Count; s++)
        {
            foreach (var input in model.Inputs)
            {
                if (!samples[s].TryGetValue(input.Name, out var tensor))
                {
                    throw new ArgumentException($"calibration sample {s + 1} has no tensor for input '{input.Name}'", nameof(samples));
                }
                if (TensorInfo.DataTypeOf(input.DType) != tensor.DataType || !tensor.Shape.SequenceEqual(input.Shape))
                {
                    throw new ArgumentException($"calibration sample {s + 1}: input '{input.Name}' expects {input.DType} [{string.Join(", ", input.Shape)}], got {tensor.DataType} [{string.Join(", ", tensor.Shape)}]", nameof(samples));
                }
                tensor.AsBytes().CopyTo(model.InputBytes(model.InputIndex(input.Name)));
                if (observers.TryGetValue(input.Name, out var observer))
                {
                    observer.Observe(tensor.AsFloat32());
                }
            }
            model.Run();
            foreach (var (name, observer) in observers)
            {
                if (!inputNames.Contains(name))
                {
                    observer.Observe(model.OutputBuffer(model.OutputIndex(name)));
                }
            }
            progress?.Report(s + 1);
        }
        return observers.ToDictionary(o => o.Key, o => o.Value.Range());
    }
}
