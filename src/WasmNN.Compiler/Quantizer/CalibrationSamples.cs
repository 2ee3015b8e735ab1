using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Quantizer;

/// <summary>Calibration inputs: a folder of .npy files, or seeded random tensors for a smoke run.</summary>
public static class CalibrationSamples
{
    /// <summary>
    /// One sample per .npy file of <paramref name="directory"/> (name order) for a model with one input; for several
    /// inputs, one sample per subfolder holding INPUT_NAME.npy for each input.
    /// </summary>
    /// <exception cref="ArgumentException">The folder holds no sample, or a subfolder lacks an input (the message names it).</exception>
    /// <exception cref="NpyFormatException">A file is not a valid .npy.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, Tensor>> FromDirectory(string directory, IReadOnlyList<Value> inputs)
    {
        if (inputs.Count == 1)
        {
            var files = Directory.GetFiles(directory, "*.npy").Order(StringComparer.Ordinal).ToList();
            return files.Count == 0 ? throw new ArgumentException($"{directory}: no .npy files (one per calibration input)")
                : [.. files.Select(f => new Dictionary<string, Tensor> { [inputs[0].Name] = Npy.Read(f) })];
        }
        var folders = Directory.GetDirectories(directory).Order(StringComparer.Ordinal).ToList();
        if (folders.Count == 0)
        {
            throw new ArgumentException($"{directory}: no sample folders (the model has {inputs.Count} inputs: one folder per sample holding {string.Join(", ", inputs.Select(i => i.Name + ".npy"))})");
        }
        return [.. folders.Select(folder => inputs.ToDictionary(i => i.Name, i =>
        {
            var path = Path.Combine(folder, i.Name + ".npy");
            return File.Exists(path) ? Npy.Read(path) : throw new ArgumentException($"{folder}: no {i.Name}.npy for input '{i.Name}'");
        }))];
    }

    /// <summary><paramref name="count"/> samples of standard normal values (seeded), for float inputs of fixed shape.</summary>
    /// <exception cref="ArgumentException">An input is not float32 or its shape is not fixed.</exception>
    public static IReadOnlyList<IReadOnlyDictionary<string, Tensor>> Random(int count, IReadOnlyList<Value> inputs, int seed = 0)
    {
        foreach (var input in inputs)
        {
            if (input.ElementType != DataType.Float32 || input.Shape is null || input.Shape.Any(d => d <= 0))
            {
                throw new ArgumentException($"input '{input.Name}' is {input.ElementType} [{(input.Shape is null ? "?" : Shapes.Format(input.Shape))}]: random calibration needs float32 inputs of fixed shape (give a folder of .npy inputs instead)");
            }
        }
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (IReadOnlyDictionary<string, Tensor>)inputs.ToDictionary(i => i.Name, i =>
        {
            var data = new float[i.Shape!.Aggregate(1, (a, b) => a * b)];
            for (var k = 0; k < data.Length; k++)
            {
                // Box-Muller: the distribution of normalised image inputs is closer to normal than uniform.
                data[k] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }
            return Tensor.FromFloats(i.Shape!, data);
        }))];
    }
}
