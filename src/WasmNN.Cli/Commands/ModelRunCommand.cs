using System.Globalization;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Engine;
using WasmNN.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;

namespace WasmNN.Cli.Commands;

/// <summary>
/// The compiled-model branch of <c>wasmnn run</c>: <c>run MODEL.wasm --input NAME=FILE.npy ... [--output DIR] [--repeat N]</c>
/// prints each output (its first values, and the top-5 classes of a 1 x 1000 output) and, with <c>--output</c>, writes
/// DIR/&lt;output&gt;.npy for each; without it nothing is written. The printed time of one run includes the JIT of
/// every kernel; <c>--repeat N</c> adds N timed steady-state runs after that first (warm-up) run and prints their
/// median and minimum. A threads build runs on <c>--threads N</c> workers (default: the machine's cores, at most the
/// module's maximum); a one-thread build ignores the flag. A build with external weights maps its weights file
/// copy-on-write where the engine can; <c>--no-map-weights</c> reads it instead (docs/ABI.md says when that matters);
/// the printed load time covers compiling, instantiating and placing and checking the weights.
/// Every input and the output folder are checked before the model runs.
/// </summary>
internal static class ModelRunCommand
{
    /// <summary>How many values of an output are printed when it is not written to a file.</summary>
    private const int PrintedValues = 10;

    /// <summary>What the arguments after MODEL.wasm said.</summary>
    /// <param name="Inputs">Input name to .npy path; the name is "" for an unnamed <c>--input FILE</c>.</param>
    /// <param name="OutputDirectory">Where to write the outputs, or null to only print them.</param>
    /// <param name="Repeat">Timed steady-state runs after the first.</param>
    /// <param name="Threads">Workers for a threads build (<c>--threads N</c>); null for the machine's cores.</param>
    /// <param name="MapWeights">Map external weights where the engine can (false: <c>--no-map-weights</c>).</param>
    private sealed record Arguments(Dictionary<string, string> Inputs, string? OutputDirectory, int Repeat, int? Threads, bool MapWeights);

    /// <summary>Runs a reactor model; null when the module is a <c>--wasi</c> build (run it as a WASI command).</summary>
    public static int? Run(string program, IReadOnlyList<string> arguments, byte[] bytes)
    {
        WasmModule module;
        try
        {
            module = ModuleReader.Read(bytes);
        }
        catch (WasmFormatException e)
        {
            return Report.Error(ExitCodes.Invalid, $"{program}: {e.Message}");
        }
        // A threads build imports only its shared memory; anything else importing is a WASI program.
        if (module.Imports.Any(i => (i.Kind, i.ModuleName, i.Name) != (ExternalKind.Memory, ModelAbi.MemoryImportModule, ModelAbi.Memory)))
        {
            return null;
        }
        if (Parse(arguments, out var usage) is not { } request)
        {
            return Report.Error(ExitCodes.Usage, usage!);
        }
        CompiledModel model;
        var loadStart = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // External weights (compile --weights external) are read from beside the module.
            var weights = ModelMetadata.Read(module).Weights is { } external ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(program)) ?? ".", external.File) : null;
            model = CompiledModel.Load(module, new CompiledModelOptions { Threads = request.Threads, WeightsPath = weights, MapWeights = request.MapWeights });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Report.Error(ExitCodes.Usage, $"{program}: cannot read its weights: {e.Message}");
        }
        catch (Exception e) when (e is FormatException or WasmFormatException or WasmCompileException or WasmLinkException or WasmTrapException
            or NotSupportedException)
        {
            return Report.Error(ExitCodes.Invalid, $"{program}: {e.Message}");
        }
        using (model)
        {
            // Loading (compile, instantiate, and for external weights placing and checking them) is the cost every process pays once.
            var weights = model.Metadata.Weights is { } w ? $" (weights {(model.WeightsMapped ? "mapped" : "read")} from {w.File})" : "";
            Console.WriteLine($"loaded {model.Metadata.Model} in {System.Diagnostics.Stopwatch.GetElapsedTime(loadStart).TotalMilliseconds:F1} ms{weights}");
            return Run(model, request);
        }
    }

    private static int Run(CompiledModel model, Arguments request)
    {
        var inputError = SetInputs(model, request.Inputs)
            ?? (request.OutputDirectory is null ? null : model.Outputs.FirstOrDefault(o => !o.IsString && TensorInfo.DataTypeOf(o.DType).Info().NpyDescr is null) is { } unwritable
                ? $"output '{unwritable.Name}' is {unwritable.DType}, which has no NumPy dtype: --output cannot write it as .npy (run without --output to print it)"
                : null);
        if (inputError is not null)
        {
            return Report.Error(ExitCodes.Usage, inputError);
        }
        double elapsed;
        var steadyTimes = new double[request.Repeat];
        try
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            model.Run();
            elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            for (var i = 0; i < request.Repeat; i++)
            {
                start = System.Diagnostics.Stopwatch.GetTimestamp();
                model.Run();
                steadyTimes[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        catch (Exception e) when (e is WasmTrapException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return Report.Error(ExitCodes.Invalid, $"{model.Metadata.Model}: {e.Message}");
        }
        for (var i = 0; i < model.Outputs.Count; i++)
        {
            var info = model.Outputs[i];
            // Each output in its own dtype: the buffer's bytes are the .npy payload (docs/ABI.md layouts), at the
            // length the run reported for outputs of run-time length.
            Tensor tensor;
            if (info.IsString)
            {
                // Strings come out of their offset table (docs/ABI.md); a module that wrote a bad one is invalid.
                try
                {
                    tensor = Tensor.FromStrings(model.OutputShape(i), model.GetStrings(i));
                }
                catch (InvalidOperationException e)
                {
                    return Report.Error(ExitCodes.Invalid, $"{model.Metadata.Model}: {e.Message}");
                }
            }
            else
            {
                tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), model.OutputShape(i));
                model.OutputBytes(i).CopyTo(tensor.AsBytes());
            }
            if (request.OutputDirectory is { } directory)
            {
                var path = Path.Combine(directory, FileName(info.Name) + ".npy");
                try
                {
                    Npy.Write(path, tensor);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return Report.Error(ExitCodes.Usage, $"cannot write {path}: {e.Message}");
                }
                Console.WriteLine($"{info.Name}: {info.DType} [{string.Join(", ", info.Shape)}] -> {path}");
            }
            else
            {
                var shown = string.Join(", ", Enumerable.Range(0, Math.Min(tensor.Length, PrintedValues)).Select(k => FormatElement(tensor.Data.GetValue(k))));
                var more = tensor.Length > PrintedValues ? $", ... ({tensor.Length - PrintedValues} more; --output DIR writes them all)" : "";
                Console.WriteLine($"{info.Name}: {info.DType} [{string.Join(", ", info.Shape)}] = [{shown}{more}]");
            }
            if (tensor.Data is float[] data && data.Length == 1000 && info.Shape.Count(d => d != 1) == 1)
            {
                var top = data.Select((score, index) => (score, index)).OrderByDescending(p => p.score).Take(5);
                Console.WriteLine("  top-5: " + string.Join(", ", top.Select(p => $"class {p.index} ({p.score:G4})")));
            }
        }
        var threads = model.Threads > 1 ? $" on {model.Threads} threads" : "";
        Console.WriteLine($"ran {model.Metadata.Model}{threads} in {elapsed:F1} ms (first run, including JIT)");
        if (request.Repeat > 0)
        {
            Array.Sort(steadyTimes);
            var repeat = request.Repeat;
            var median = repeat % 2 == 1 ? steadyTimes[repeat / 2] : (steadyTimes[(repeat / 2) - 1] + steadyTimes[repeat / 2]) / 2;
            Console.WriteLine($"steady state over {repeat} runs: median {median:F2} ms, min {steadyTimes[0]:F2} ms");
        }
        return ExitCodes.Success;
    }

    /// <summary>Reads every input and copies it into the model; the reason when one is missing, unreadable or the wrong shape.</summary>
    private static string FormatElement(object? value) => value switch
    {
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        Half h => ((float)h).ToString("G5", CultureInfo.InvariantCulture),
        BFloat16 h => ((float)h).ToString("G4", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string text => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => "?",
    };

    private static string? SetInputs(CompiledModel model, Dictionary<string, string> inputs)
    {
        // A misspelt name is the likelier mistake than a missing one: report it first.
        foreach (var name in inputs.Keys.Where(n => n.Length > 0 && model.Inputs.All(t => t.Name != n)))
        {
            return $"the model has no input '{name}' (it has {string.Join(", ", model.Inputs.Select(t => t.Name))})";
        }
        if (inputs.ContainsKey("") && model.Inputs.Count == 1 && inputs.ContainsKey(model.Inputs[0].Name))
        {
            return $"input '{model.Inputs[0].Name}' is given twice (once unnamed)";
        }
        if (inputs.ContainsKey("") && model.Inputs.Count != 1)
        {
            return $"the model has {model.Inputs.Count} inputs: name each, --input NAME=FILE.npy ({string.Join(", ", model.Inputs.Select(t => t.Name))})";
        }
        for (var i = 0; i < model.Inputs.Count; i++)
        {
            var info = model.Inputs[i];
            var path = inputs.GetValueOrDefault(info.Name) ?? inputs.GetValueOrDefault("");
            if (path is null)
            {
                return $"missing --input {info.Name}=FILE.npy (the model's inputs: {string.Join(", ", model.Inputs.Select(t => $"{t.Name} {t.DType}[{string.Join(", ", t.Shape)}]"))})";
            }
            if (CommandLineFiles.CheckReadable(path, ".npy file") is { } unreadable)
            {
                return $"input '{info.Name}': {unreadable}";
            }
            Tensor tensor;
            try
            {
                tensor = Npy.Read(path);
            }
            catch (Exception e) when (e is NpyFormatException or IOException or UnauthorizedAccessException)
            {
                return $"input '{info.Name}': {(e is NpyFormatException ? e.Message : $"cannot read {path}: {e.Message}")}";
            }
            if (TensorInfo.DTypeName(tensor.DataType) != info.DType || !tensor.Shape.SequenceEqual(info.Shape))
            {
                return $"input '{info.Name}' expects {info.DType} [{string.Join(", ", info.Shape)}], {path} holds {TensorInfo.DTypeName(tensor.DataType)} [{string.Join(", ", tensor.Shape)}]";
            }
            if (info.IsString)
            {
                try
                {
                    model.SetStrings(i, tensor.AsStrings());
                }
                catch (ArgumentException e)
                {
                    return $"{path}: {e.Message}";
                }
                continue;
            }
            tensor.AsBytes().CopyTo(model.InputBytes(i));
        }
        return null;
    }

    private static Arguments? Parse(IReadOnlyList<string> arguments, out string? usage)
    {
        Dictionary<string, string> inputs = [];
        string? outputDirectory = null;
        var repeat = 0;
        int? threads = null;
        var mapWeights = true;
        usage = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument == "--no-map-weights")
            {
                mapWeights = false;
                continue;
            }
            var option = argument.Split('=', 2)[0];
            if (option is not ("--input" or "--output" or "--repeat" or "--threads"))
            {
                usage = $"unexpected argument '{argument}': a model takes --input NAME=FILE.npy (repeatable), --output DIR, --repeat N, --threads N and --no-map-weights";
                return null;
            }
            string value;
            if (argument.Length > option.Length)
            {
                value = argument[(option.Length + 1)..];
            }
            else if (i + 1 < arguments.Count)
            {
                value = arguments[++i];
            }
            else
            {
                usage = $"{option} needs a value";
                return null;
            }
            switch (option)
            {
                case "--input":
                    var equals = value.IndexOf('=', StringComparison.Ordinal);
                    var (name, file) = equals < 0 ? ("", value) : (value[..equals], value[(equals + 1)..]);
                    if (file.Length == 0)
                    {
                        usage = $"--input expects NAME=FILE.npy or FILE.npy, got '{value}'";
                        return null;
                    }
                    if (!inputs.TryAdd(name, file))
                    {
                        usage = name.Length == 0 ? "--input FILE.npy is given twice (name the inputs: --input NAME=FILE.npy)" : $"--input {name} is given twice";
                        return null;
                    }
                    break;
                case "--output":
                    if (outputDirectory is not null)
                    {
                        usage = "--output is given twice";
                        return null;
                    }
                    usage = CommandLineFiles.CheckOutputDirectory(value);
                    if (usage is not null)
                    {
                        return null;
                    }
                    outputDirectory = value;
                    break;
                case "--threads":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
                    {
                        usage = $"--threads takes a positive worker count, not '{value}'";
                        return null;
                    }
                    threads = count;
                    break;
                default:
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out repeat) || repeat < 1)
                    {
                        usage = $"--repeat takes a positive run count, not '{value}'";
                        return null;
                    }
                    break;
            }
        }
        return new Arguments(inputs, outputDirectory, repeat, threads, mapWeights);
    }

    private static string FileName(string name) =>
        string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == '/' || c == '\\' ? '_' : c));
}
