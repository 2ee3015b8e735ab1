using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Engine;
using WasmNN.Runtime;
using WasmNN.Wasm;
using WasmNN.Wasm.Reading;

namespace WasmNN.Cli.Commands;

/// <summary>
/// The compiled-model branch of <c>wasmnn run</c>: <c>run MODEL.wasm --input NAME=FILE.npy ... --output DIR [--repeat N]</c>
/// writes DIR/&lt;output&gt;.npy for each output and prints the top-5 classes of a 1 x 1000 output. The printed time of
/// one run includes the JIT of every kernel; <c>--repeat N</c> adds N timed steady-state runs after that first
/// (warm-up) run and prints their median and minimum.
/// </summary>
internal static class ModelRunCommand
{
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
            return Fail($"{program}: {e.Message}");
        }
        if (module.Imports.Count > 0)
        {
            return null;
        }
        if (!TryParse(arguments, out var inputs, out var outputDirectory, out var repeat, out var usage))
        {
            return Fail(usage!, 2);
        }
        try
        {
            using var model = CompiledModel.Load(bytes);
            // A misspelt name is the likelier mistake than a missing one: report it first.
            foreach (var name in inputs.Keys.Where(n => n.Length > 0 && model.Inputs.All(t => t.Name != n)))
            {
                return Fail($"the model has no input '{name}' (it has {string.Join(", ", model.Inputs.Select(t => t.Name))})", 2);
            }
            for (var i = 0; i < model.Inputs.Count; i++)
            {
                var info = model.Inputs[i];
                var path = inputs.GetValueOrDefault(info.Name) ?? (model.Inputs.Count == 1 ? inputs.GetValueOrDefault("") : null);
                if (path is null)
                {
                    return Fail($"missing --input {info.Name}=FILE.npy (the model's inputs: {string.Join(", ", model.Inputs.Select(t => $"{t.Name} {t.DType}[{string.Join(", ", t.Shape)}]"))})", 2);
                }
                var tensor = Npy.Read(path);
                if (TensorInfo.DTypeName(tensor.DataType) != info.DType || !tensor.Shape.SequenceEqual(info.Shape))
                {
                    return Fail($"input '{info.Name}' expects {info.DType} [{string.Join(", ", info.Shape)}], {path} holds {TensorInfo.DTypeName(tensor.DataType)} [{string.Join(", ", tensor.Shape)}]");
                }
                model.SetInput(i, tensor.AsFloat32());
            }
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            model.Run();
            var elapsed = stopwatch.Elapsed;
            var steadyTimes = new double[repeat];
            for (var i = 0; i < repeat; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                model.Run();
                steadyTimes[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Directory.CreateDirectory(outputDirectory);
            for (var i = 0; i < model.Outputs.Count; i++)
            {
                var info = model.Outputs[i];
                var data = model.OutputBuffer(i).ToArray();
                var path = Path.Combine(outputDirectory, FileName(info.Name) + ".npy");
                AtomicFile.Write(path, stream => Npy.Write(stream, Tensor.FromFloats(info.Shape, data)));
                Console.WriteLine($"{info.Name}: [{string.Join(", ", info.Shape)}] -> {path}");
                if (data.Length == 1000 && info.Shape.Count(d => d != 1) == 1)
                {
                    var top = data.Select((score, index) => (score, index)).OrderByDescending(p => p.score).Take(5);
                    Console.WriteLine("  top-5: " + string.Join(", ", top.Select(p => $"class {p.index} ({p.score:G4})")));
                }
            }
            Console.WriteLine($"ran {model.Metadata.Model} in {elapsed.TotalMilliseconds:F1} ms (first run, including JIT)");
            if (repeat > 0)
            {
                Array.Sort(steadyTimes);
                var median = repeat % 2 == 1 ? steadyTimes[repeat / 2] : (steadyTimes[(repeat / 2) - 1] + steadyTimes[repeat / 2]) / 2;
                Console.WriteLine($"steady state over {repeat} runs: median {median:F2} ms, min {steadyTimes[0]:F2} ms");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or GraphException or OperatorException
            or WasmFormatException or WasmCompileException or WasmTrapException or NotSupportedException or ArgumentException)
        {
            return Fail(e.Message);
        }
    }

    private static bool TryParse(IReadOnlyList<string> arguments, out Dictionary<string, string> inputs, out string outputDirectory, out int repeat,
        out string? usage)
    {
        inputs = [];
        outputDirectory = ".";
        repeat = 0;
        usage = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            string? Value(string option)
            {
                if (argument.StartsWith(option + "=", StringComparison.Ordinal))
                {
                    return argument[(option.Length + 1)..];
                }
                return argument == option && i + 1 < arguments.Count ? arguments[++i] : null;
            }
            if (argument.StartsWith("--input", StringComparison.Ordinal) && Value("--input") is { } input)
            {
                var equals = input.IndexOf('=', StringComparison.Ordinal);
                inputs[equals < 0 ? "" : input[..equals]] = equals < 0 ? input : input[(equals + 1)..];
            }
            else if (argument.StartsWith("--output", StringComparison.Ordinal) && Value("--output") is { } output)
            {
                outputDirectory = output;
            }
            else if (argument.StartsWith("--repeat", StringComparison.Ordinal) && Value("--repeat") is { } count)
            {
                if (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out repeat) || repeat < 1)
                {
                    usage = $"--repeat takes a positive run count, not '{count}'";
                    return false;
                }
            }
            else
            {
                usage = $"unexpected argument '{argument}': a model takes --input NAME=FILE.npy (repeatable), --output DIR and --repeat N";
                return false;
            }
        }
        return true;
    }

    private static string FileName(string name) =>
        string.Concat(name.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == '/' || c == '\\' ? '_' : c));

    private static int Fail(string message, int exitCode = 1)
    {
        Console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
