using System.CommandLine;
using Spectre.Console;
using WasmNN.Compiler;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;
using WasmNN.Onnx;

namespace WasmNN.Cli.Commands;

/// <summary><c>wasmnn compile MODEL.onnx -o MODEL.wasm [--wasi] [--dump-after PASS|all] [--verify-each]</c>: ONNX to one standalone module.</summary>
internal static class CompileCommand
{
    private static readonly string[] s_stages = ["import", "optimize", "lower", "encode"];

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model to compile" };
        var output = new Option<string?>("--output", "-o") { Description = "The .wasm file to write (default: the model's name with .wasm)" };
        var wasi = new Option<bool>("--wasi") { Description = "Build a WASI command that reads .npy inputs and writes .npy outputs" };
        var noSimd = new Option<bool>("--no-simd") { Description = "Emit scalar kernels instead of SIMD128" };
        var relaxedSimd = new Option<bool>("--relaxed-simd")
        {
            Description = "Also use relaxed SIMD (fused multiply-add in matrix products): faster, but needs a host with relaxed SIMD",
        };
        var variants = new Option<bool>("--variants")
        {
            Description = "Build for every host: relaxed-SIMD, SIMD128 (at -o) and scalar modules plus MODEL.variants.json; loaders pick the best the host supports",
        };
        var js = new Option<bool>("--js") { Description = "Also write the JavaScript loader (the npm package's ES modules) into wasmnn/ beside the module" };
        var dumpAfter = new Option<string?>("--dump-after")
        {
            Description = $"Print the IR after this pass, or after every one ({string.Join(", ", PassPipeline.StageNames)})",
            HelpName = "PASS",
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Build for up to N worker threads sharing one imported memory (it still runs on one); 0 for the one-thread build",
            HelpName = "N",
        };
        var phaseProfile = new Option<bool>("--phase-profile")
        {
            Description = "With --threads, for benchmarks: time every phase per worker (work, spin, sleep, wake-up); the module imports env.wasmnn_now",
        };
        var weights = new Option<string>("--weights")
        {
            Description = "Where the weights go: embedded in the module (default), or external: MODEL.weights beside it, loaded by the host (docs/ABI.md)",
            DefaultValueFactory = _ => "embedded",
        };
        weights.AcceptOnlyFromAmong("embedded", "external");
        var verifyEach = new Option<bool>("--verify-each") { Description = "Verify the IR after every pass; a failure names the pass" };
        var shape = new Option<string[]>("--shape")
        {
            Description = "Fix a dynamic input's shape: NAME=D0,D1,... (repeatable, one per input)",
            AllowMultipleArgumentsPerToken = false,
        };
        var dim = new Option<string[]>("--dim")
        {
            Description = "Fix a named (dim_param) dimension everywhere it appears: SYMBOL=N (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var stringBytes = new Option<string[]>("--string-bytes")
        {
            Description = "The UTF-8 capacity of a string input, all its elements together: NAME=BYTES (repeatable; default 64 bytes per element)",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("compile", "Compile an ONNX model to one standalone WebAssembly module")
        {
            model, output, wasi, noSimd, relaxedSimd, variants, js, threads, phaseProfile, weights, dumpAfter, verifyEach, shape, dim, stringBytes,
        };
        command.Validators.Add(result =>
        {
            if (!result.GetValue(variants)) return;
            if (result.GetValue(noSimd) || result.GetValue(relaxedSimd)) result.AddError("--variants builds every SIMD level itself; drop --no-simd and --relaxed-simd");
            if (result.GetValue(wasi)) result.AddError("--variants builds raw-buffer modules for the loaders; it cannot be combined with --wasi");
            if (result.GetValue(weights) == "external") result.AddError("--variants cannot be combined with --weights external: each variant packs its weights its own way");
        });
        command.SetAction(r =>
        {
            if (ShapeFlags.Parse(r.GetValue(shape) ?? [], r.GetValue(dim) ?? []) is not { } bindings
                || ShapeFlags.ParseStringBytes(r.GetValue(stringBytes) ?? []) is not { } capacities)
            {
                return ExitCodes.Usage;
            }
            var workers = r.GetValue(threads);
            if (workers is < 0 or > CompileOptions.MaxThreads)
            {
                return Report.Error(ExitCodes.Usage, $"--threads takes 0 to {CompileOptions.MaxThreads} workers, not {workers}");
            }
            if (workers > 0 && r.GetValue(wasi))
            {
                return Report.Error(ExitCodes.Usage, "--threads and --wasi cannot be combined: the threads build is a reactor (docs/ABI.md)");
            }
            if (r.GetValue(phaseProfile) && workers == 0)
            {
                return Report.Error(ExitCodes.Usage, "--phase-profile times the threads build's phases: add --threads N");
            }
            var external = r.GetValue(weights) == "external";
            if (workers > 0 && external)
            {
                return Report.Error(ExitCodes.Usage, "--threads and --weights external cannot be combined: the threads build copies its weights in once per shared memory");
            }
            var outputs = new OutputRequest(r.GetValue(output), r.GetValue(variants), r.GetValue(js));
            var outputPath = outputs.Path ?? Path.ChangeExtension(r.GetValue(model)!, ".wasm");
            return Run(r.GetValue(model)!, outputs, r.GetValue(dumpAfter), new CompileOptions
            {
                Wasi = r.GetValue(wasi),
                Simd = !r.GetValue(noSimd),
                RelaxedSimd = r.GetValue(relaxedSimd),
                Threads = workers,
                PhaseProfile = r.GetValue(phaseProfile),
                VerifyPasses = r.GetValue(verifyEach),
                InputShapes = bindings.InputShapes,
                Dimensions = bindings.Dimensions,
                StringBytes = capacities,
                WeightsFile = external ? Path.GetFileName(Compiler.Abi.WeightsFile.PathFor(outputPath)) : null,
            });
        });
        return command;
    }

    /// <summary>What to write: the module path (null: beside the model), all variants with their manifest, the JS loader.</summary>
    private sealed record OutputRequest(string? Path, bool Variants, bool Js);

    private static int Run(string modelPath, OutputRequest request, string? dumpAfter, CompileOptions options)
    {
        var outputPath = request.Path ?? Path.ChangeExtension(modelPath, ".wasm");
        if (dumpAfter is not null)
        {
            if (!PassPipeline.StageNames.Contains(dumpAfter, StringComparer.OrdinalIgnoreCase))
            {
                return Report.Error(ExitCodes.Usage, $"--dump-after: no pass is named '{dumpAfter}' (one of: {string.Join(", ", PassPipeline.StageNames)})");
            }
            options = options with { DumpIr = new IrDump(dumpAfter, Console.Out) };
        }
        if ((CommandLineFiles.CheckReadable(modelPath, "model") ?? CheckOutputs(modelPath, outputPath, request)
            ?? (options.WeightsFile is null ? null : CommandLineFiles.CheckOutputFile(Compiler.Abi.WeightsFile.PathFor(outputPath), "weights", modelPath, outputPath))) is { } usage)
        {
            return Report.Error(ExitCodes.Usage, usage);
        }
        if (request.Variants)
        {
            return RunVariants(modelPath, outputPath, request, options);
        }
        CompilationResult? result = null;
        try
        {
            if (options.DumpIr is not null)
            {
                // The printed IR streams to stdout; a live progress display would interleave with it.
                result = ModelCompiler.Compile(modelPath, options);
            }
            else
            {
                AnsiConsole.Progress().AutoClear(true).HideCompleted(false).Start(context =>
                {
                    var tasks = s_stages.ToDictionary(s => s, s => context.AddTask(s, autoStart: false, maxValue: 1));
                    var progress = new StageProgress(tasks);
                    result = ModelCompiler.Compile(modelPath, options with { Progress = progress });
                    progress.Report("done");
                });
            }
        }
        catch (Exception e) when (e is InputShapeException or ArgumentException)
        {
            // The model is fine; the command line did not (or wrongly) fix its dynamic dimensions or string capacities.
            return Report.Error(ExitCodes.Usage, $"{modelPath}: {e.Message}");
        }
        catch (Exception e) when (e is OnnxFormatException or GraphException or UnsupportedOperatorException or OperatorException)
        {
            return Report.Error(ExitCodes.Invalid, WithModelPath(e.Message, modelPath));
        }
        if (Write(() => result!.WriteTo(outputPath), outputPath, request) is { } failed)
        {
            return failed;
        }
        var s = result!.Statistics;
        var table = new Table().AddColumn("compiled").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("module", Markup.Escape(outputPath));
        table.AddRow("build", options.Wasi ? "WASI command" : "reactor (raw buffers)");
        table.AddRow("operators", $"{s.Nodes} nodes -> {s.Kernels} kernels");
        table.AddRow("fused groups", s.FusedGroups.ToString());
        table.AddRow("parameter bytes", Bytes(s.ParameterBytes));
        table.AddRow("code bytes", Bytes(s.CodeBytes));
        table.AddRow("peak activation bytes", $"{Bytes(s.PeakActivationBytes)} (unshared {Bytes(s.UnsharedActivationBytes)})");
        table.AddRow("module bytes", Bytes(s.ModuleBytes));
        if (result.Metadata.Weights is { } external)
        {
            table.AddRow("weights", $"{Markup.Escape(Compiler.Abi.WeightsFile.PathFor(outputPath))} ({Bytes(external.Bytes)}, checksum {external.Checksum})");
        }
        table.AddRow("time", $"{s.Elapsed.TotalMilliseconds:F0} ms");
        AddLoaderRow(table, outputPath, request);
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Every file the request writes, checked before any work: none may be a folder or an input.</summary>
    private static string? CheckOutputs(string modelPath, string outputPath, OutputRequest request)
    {
        if (CommandLineFiles.CheckOutputFile(outputPath, "module", modelPath) is { } error) return error;
        if (!request.Variants) return null;
        var paths = Compiler.Abi.ModelVariants.Builds.Select(b => Compiler.Abi.ModelVariants.VariantPath(outputPath, b.FileEnding))
            .Append(Compiler.Abi.ModelVariants.ManifestPath(outputPath));
        return paths.Select(p => CommandLineFiles.CheckOutputFile(p, "module", modelPath)).FirstOrDefault(e => e is not null);
    }

    /// <summary>Runs <paramref name="write"/>, then writes the loader when asked; an exit code when either fails.</summary>
    private static int? Write(Action write, string outputPath, OutputRequest request)
    {
        try
        {
            write();
            if (request.Js) WebLoader.WriteBeside(outputPath);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Report.Error(ExitCodes.Usage, $"cannot write {outputPath}: {e.Message}");
        }
    }

    private static void AddLoaderRow(Table table, string outputPath, OutputRequest request)
    {
        if (request.Js) table.AddRow("JavaScript loader", Markup.Escape(WebLoader.DirectoryBeside(outputPath) + Path.DirectorySeparatorChar + WebLoader.EntryModule));
    }

    private static int RunVariants(string modelPath, string outputPath, OutputRequest request, CompileOptions options)
    {
        VariantsCompilation result;
        try
        {
            result = ModelCompiler.CompileVariants(modelPath, options);
        }
        catch (Exception e) when (e is InputShapeException or ArgumentException)
        {
            return Report.Error(ExitCodes.Usage, $"{modelPath}: {e.Message}");
        }
        catch (Exception e) when (e is OnnxFormatException or GraphException or UnsupportedOperatorException or OperatorException)
        {
            return Report.Error(ExitCodes.Invalid, WithModelPath(e.Message, modelPath));
        }
        if (Write(() => result.WriteTo(outputPath), outputPath, request) is { } failed)
        {
            return failed;
        }
        var table = new Table().AddColumn("variant").AddColumn("module").AddColumn(new TableColumn("bytes").RightAligned()).AddColumn("needs");
        var simd = result.Builds.First(b => b.Name == "simd128").Result.Statistics.ModuleBytes;
        foreach (var build in result.Builds)
        {
            var size = build.Result.Statistics.ModuleBytes;
            var change = (size - simd) * 100.0 / simd;
            var relative = size == simd ? "" : $" ({(change >= 0 ? "+" : "")}{change.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}%)";
            table.AddRow(build.Name, Markup.Escape(Path.GetFileName(Compiler.Abi.ModelVariants.VariantPath(outputPath, build.FileEnding))), Bytes(size) + relative,
                build.Features.Count == 0 ? "-" : string.Join(", ", build.Features));
        }
        table.AddRow("manifest", Markup.Escape(Compiler.Abi.ModelVariants.ManifestPath(outputPath)), "", "");
        if (request.Js) table.AddRow("loader", Markup.Escape(WebLoader.DirectoryBeside(outputPath) + Path.DirectorySeparatorChar + WebLoader.EntryModule), "", "");
        AnsiConsole.Write(table);
        return 0;
    }

    internal static string Bytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:F2} MiB" : bytes >= 1 << 10 ? $"{bytes / 1024.0:F1} KiB" : $"{bytes} B";

    /// <summary>Marks each stage done as the next starts.</summary>
    private sealed class StageProgress(Dictionary<string, ProgressTask> tasks) : IProgress<string>
    {
        private ProgressTask? _current;

        public void Report(string value)
        {
            if (_current is not null)
            {
                _current.Value = 1;
                _current.StopTask();
            }
            _current = tasks.GetValueOrDefault(value);
            _current?.StartTask();
        }
    }

    /// <summary>
    /// Puts the model's path, as the user gave it, in front of a compile error once: the compiler names the file by its
    /// file name, which alone would not say which folder it came from.
    /// </summary>
    private static string WithModelPath(string message, string modelPath)
    {
        if (message.StartsWith(modelPath, StringComparison.Ordinal)) return message;
        var fileName = Path.GetFileName(modelPath) + ": ";
        return message.StartsWith(fileName, StringComparison.Ordinal) ? $"{modelPath}: {message[fileName.Length..]}" : $"{modelPath}: {message}";
    }
}
