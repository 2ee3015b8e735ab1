using System.Diagnostics;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IO;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler;

/// <summary>Options for <see cref="ModelCompiler"/>.</summary>
public sealed record CompileOptions
{
    /// <summary>Default options: the raw-buffer build with SIMD128.</summary>
    public static CompileOptions Default { get; } = new();

    /// <summary>Build a WASI command (reads .npy inputs, writes .npy outputs) instead of the import-free reactor.</summary>
    public bool Wasi { get; init; }

    /// <summary>Emit SIMD128 kernels (default). False gives scalar kernels for hosts without SIMD.</summary>
    public bool Simd { get; init; } = true;

    /// <summary>
    /// Also emit relaxed SIMD (<c>f32x4.relaxed_madd</c> in matrix products); off by default because the module then
    /// runs only on hosts with relaxed SIMD and its results may differ in the last bits between hosts. Needs
    /// <see cref="Simd"/>.
    /// </summary>
    public bool RelaxedSimd { get; init; }

    /// <summary>
    /// 0 (default) for the one-thread build with its own memory; N (1 to <see cref="MaxThreads"/>) for the threads
    /// build: an imported shared memory and <c>wasmnn_run_worker</c>, so up to N workers split the heavy kernels
    /// (docs/ABI.md). Not with <see cref="Wasi"/>.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>
    /// Threads build only, for benchmarks: record per phase and worker the time spent computing, spinning, sleeping
    /// and waking (docs/PERFORMANCE.md "Threads, part 4"). The module then imports <c>env.wasmnn_now</c> (f64
    /// milliseconds) and its metadata says where the times are; the JavaScript loader and <c>CompiledModel</c> supply
    /// the clock. Off by default: the instrumentation costs a clock call per chunk.
    /// </summary>
    public bool PhaseProfile { get; init; }

    /// <summary>Threads build: the work below which a kernel runs on worker 0 alone (tests set 0 to split every kernel that can).</summary>
    internal long ParallelThreshold { get; init; } = LoweringOptions.DefaultParallelThreshold;

    /// <summary>The most workers a threads build may be compiled for.</summary>
    public const int MaxThreads = 64;

    /// <summary>The model name written into the metadata; defaults to the ONNX file name without extension.</summary>
    public string? ModelName { get; init; }

    /// <summary>
    /// Sizes for inputs with dynamic dimensions, by input name (<c>--shape x=1,3,48,320</c>): the whole shape, which
    /// must keep the input's rank and static dimensions. The module is built for exactly these shapes.
    /// </summary>
    public IReadOnlyDictionary<string, int[]> InputShapes { get; init; } = new Dictionary<string, int[]>();

    /// <summary>
    /// Sizes of symbolic dimensions (ONNX dim_param, e.g. "batch", "seq") by name (<c>--dim batch=1</c>), applied
    /// to every input dimension that carries the name.
    /// </summary>
    public IReadOnlyDictionary<string, int> Dimensions { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Null (default) embeds the weights in the module as data segments. A file name (<c>model.weights</c>) puts them
    /// in that file beside the module instead (<c>--weights external</c>): the module then needs a host to load them
    /// (docs/ABI.md). Not with <see cref="Threads"/>.
    /// </summary>
    public string? WeightsFile { get; init; }

    /// <summary>
    /// The capacity in UTF-8 bytes of each string input, by input name (<c>--string-bytes text=4096</c>): all its
    /// elements together, after its offset table (docs/ABI.md, "String tensors"). An input not named gets
    /// <see cref="DefaultStringBytesPerElement"/> bytes per element.
    /// </summary>
    public IReadOnlyDictionary<string, int> StringBytes { get; init; } = new Dictionary<string, int>();

    /// <summary>The UTF-8 capacity per element of a string input <see cref="StringBytes"/> does not name.</summary>
    public const int DefaultStringBytesPerElement = 64;

    /// <summary>Verify the graph after every optimisation pass (slower; for debugging the compiler).</summary>
    public bool VerifyPasses { get; init; }

    /// <summary>Print the IR after an optimisation pass, or after all of them (for debugging the compiler); null for none.</summary>
    public IrDump? DumpIr { get; init; }

    /// <summary>Receives the name of each stage as it starts ("import", "optimize", "lower", "encode").</summary>
    public IProgress<string>? Progress { get; init; }
}

/// <summary>What a compilation produced and measured.</summary>
/// <param name="Nodes">ONNX nodes imported.</param>
/// <param name="Kernels">Kernels emitted (nodes after folding and fusion).</param>
/// <param name="FusedGroups">Kernels with a fused elementwise epilogue (Conv + Relu, Conv + Add + Relu...).</param>
/// <param name="ParameterBytes">Bytes of weights stored in data segments.</param>
/// <param name="CodeBytes">Bytes of wasm function bodies.</param>
/// <param name="PeakActivationBytes">Planned activation memory (inputs, outputs, intermediates, scratch).</param>
/// <param name="UnsharedActivationBytes">Activation memory without buffer reuse, for comparison.</param>
/// <param name="ModuleBytes">Size of the .wasm file.</param>
/// <param name="Elapsed">Wall time of the compilation.</param>
public sealed record CompileStatistics(int Nodes, int Kernels, int FusedGroups, long ParameterBytes, long CodeBytes, long PeakActivationBytes,
    long UnsharedActivationBytes, long ModuleBytes, TimeSpan Elapsed);

/// <summary>
/// A compiled model: the module, its metadata and statistics. The weights are not in memory: <see cref="WriteTo(string)"/>
/// streams them from the ONNX file into the module file, packing them on the way.
/// </summary>
public sealed class CompilationResult
{
    private readonly AssembledModule _module;
    private byte[]? _wasm;

    internal CompilationResult(AssembledModule module, CompileStatistics statistics)
    {
        _module = module;
        Statistics = statistics;
    }

    /// <summary>The WebAssembly module's bytes, encoded in memory on first use (<see cref="WriteTo(string)"/> does not need them).</summary>
    public byte[] Wasm
    {
        get
        {
            if (_wasm is null)
            {
                using var buffer = new MemoryStream(checked((int)_module.Length));
                _module.WriteTo(buffer);
                _wasm = buffer.ToArray();
            }
            return _wasm;
        }
    }

    /// <summary>The contents of its <c>wasmnn.meta</c> section (with external weights, their checksum once they are written or <see cref="Wasm"/> is read).</summary>
    public ModelMetadata Metadata => _module.Metadata;

    /// <summary>Sizes and timing.</summary>
    public CompileStatistics Statistics { get; }

    /// <summary>
    /// Writes the module to <paramref name="path"/> atomically (temporary file, then rename), weights streamed from
    /// their files; with external weights, first the weights file beside it (<see cref="WeightsInfo.File"/>).
    /// </summary>
    public void WriteTo(string path)
    {
        if (_module.HasExternalWeights && _wasm is null)
        {
            var weightsPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Metadata.Weights!.File);
            AtomicFile.Write(weightsPath, _module.WriteWeights);
        }
        AtomicFile.Write(path, WriteTo);
    }

    /// <summary>With external weights: writes the weights file's bytes (header and payload) to a seekable <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidOperationException">The weights are embedded, or <see cref="Wasm"/> was read first.</exception>
    public void WriteWeightsTo(Stream destination)
    {
        if (_wasm is not null)
        {
            throw new InvalidOperationException("write the weights before reading Wasm");
        }
        _module.WriteWeights(destination);
    }

    /// <summary>Writes the module to <paramref name="destination"/>.</summary>
    public void WriteTo(Stream destination)
    {
        if (_wasm is not null)
        {
            destination.Write(_wasm);
        }
        else
        {
            _module.WriteTo(destination);
        }
    }
}

/// <summary>One build of <see cref="ModelCompiler.CompileVariants"/>: its row of <see cref="ModelVariants.Builds"/> and the module.</summary>
/// <param name="Name">The variant's name (<c>simd128</c>...).</param>
/// <param name="FileEnding">What replaces <c>.wasm</c> in the output path (<c>.relaxed.wasm</c>...).</param>
/// <param name="Features">The proposals the module needs.</param>
/// <param name="Result">The compiled module.</param>
public sealed record VariantBuild(string Name, string FileEnding, IReadOnlyList<string> Features, CompilationResult Result);

/// <summary>The same model built once per row of <see cref="ModelVariants.Builds"/>, best first.</summary>
/// <param name="Builds">The modules, in manifest order.</param>
public sealed record VariantsCompilation(IReadOnlyList<VariantBuild> Builds)
{
    /// <summary>The manifest for modules written beside <paramref name="wasmPath"/>.</summary>
    public ModelVariants Manifest(string wasmPath) => new(1, Builds[0].Result.Metadata.Model,
        [.. Builds.Select(b => new ModelVariant(b.Name, Path.GetFileName(ModelVariants.VariantPath(wasmPath, b.FileEnding)), b.Features, b.Result.Statistics.ModuleBytes))]);

    /// <summary>
    /// Writes every module beside <paramref name="wasmPath"/> (the SIMD128 one at that path), then the manifest
    /// (<see cref="ModelVariants.ManifestPath"/>), each atomically: the manifest never names a missing file.
    /// </summary>
    public void WriteTo(string wasmPath)
    {
        foreach (var build in Builds)
        {
            build.Result.WriteTo(ModelVariants.VariantPath(wasmPath, build.FileEnding));
        }
        AtomicFile.Write(ModelVariants.ManifestPath(wasmPath), Manifest(wasmPath).ToUtf8());
    }
}

/// <summary>
/// Compiles an ONNX model to one standalone WebAssembly module (docs/ABI.md): import, optimisation passes,
/// memory planning, lowering of each node to a SIMD128 kernel, module assembly.
/// </summary>
/// <example>
/// <code>
/// var result = ModelCompiler.Compile("lenet5.onnx");
/// result.WriteTo("lenet5.wasm");
/// </code>
/// </example>
public static class ModelCompiler
{
    /// <summary>Compiles the ONNX file at <paramref name="onnxPath"/>.</summary>
    /// <exception cref="Onnx.OnnxFormatException">The file is missing, corrupt or truncated.</exception>
    /// <exception cref="UnsupportedOperatorException">A node uses an operator or variant without a kernel (the message names it).</exception>
    /// <exception cref="GraphException">The graph is invalid (the message names the node or value).</exception>
    /// <exception cref="ArgumentException"><see cref="CompileOptions.Threads"/> out of range or combined with <see cref="CompileOptions.Wasi"/>.</exception>
    /// <exception cref="InputShapeException">
    /// An input has dynamic dimensions that <see cref="CompileOptions.InputShapes"/> and
    /// <see cref="CompileOptions.Dimensions"/> do not fix, or they name an unknown input or dimension, or do not fit it.
    /// </exception>
    public static CompilationResult Compile(string onnxPath, CompileOptions? options = null)
    {
        options ??= CompileOptions.Default;
        options.Progress?.Report("import");
        var stopwatch = Stopwatch.StartNew();
        var graph = OnnxImporter.Import(onnxPath);
        return Compile(graph, options with { ModelName = options.ModelName ?? Path.GetFileNameWithoutExtension(onnxPath) }, stopwatch);
    }

    /// <summary>
    /// Compiles <paramref name="onnxPath"/> once per row of <see cref="ModelVariants.Builds"/> (relaxed SIMD, SIMD128,
    /// scalar); <see cref="CompileOptions.Simd"/> and <see cref="CompileOptions.RelaxedSimd"/> are set per build.
    /// </summary>
    /// <exception cref="Onnx.OnnxFormatException">As <see cref="Compile(string, CompileOptions?)"/>.</exception>
    public static VariantsCompilation CompileVariants(string onnxPath, CompileOptions? options = null)
    {
        options ??= CompileOptions.Default;
        if (options.WeightsFile is not null)
        {
            throw new ArgumentException("variants pack their weights each their own way: they cannot share one weights file (--weights external)", nameof(options));
        }
        return new VariantsCompilation([.. ModelVariants.Builds.Select(b => new VariantBuild(b.Name, b.FileEnding, ModelVariants.FeatureNames(b.Features),
            Compile(onnxPath, options with { Simd = b.Simd, RelaxedSimd = b.RelaxedSimd })))]);
    }

    /// <summary>Compiles an ONNX model read from <paramref name="onnx"/>.</summary>
    /// <param name="onnx">The serialized ModelProto.</param>
    /// <param name="options">Options; <see cref="CompileOptions.ModelName"/> names the model (default "model").</param>
    public static CompilationResult Compile(Stream onnx, CompileOptions? options = null)
    {
        options ??= CompileOptions.Default;
        options.Progress?.Report("import");
        var stopwatch = Stopwatch.StartNew();
        var name = options.ModelName ?? "model";
        var graph = OnnxImporter.Import(onnx, name);
        return Compile(graph, options with { ModelName = name }, stopwatch);
    }

    /// <summary>Compiles <paramref name="onnxPath"/> and writes the module to <paramref name="wasmPath"/> (atomically: no partial file on failure).</summary>
    public static CompileStatistics CompileToFile(string onnxPath, string wasmPath, CompileOptions? options = null)
    {
        var result = Compile(onnxPath, options);
        result.WriteTo(wasmPath);
        return result.Statistics;
    }

    /// <summary>Compiles an imported graph (optimised in place).</summary>
    public static CompilationResult Compile(Graph graph, CompileOptions? options = null) =>
        Compile(graph, options ?? CompileOptions.Default, Stopwatch.StartNew());

    private static CompilationResult Compile(Graph graph, CompileOptions options, Stopwatch stopwatch)
    {
        if (options.Threads is < 0 or > CompileOptions.MaxThreads)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Threads is {options.Threads}; a threads build supports 1 to {CompileOptions.MaxThreads} workers (0 for the one-thread build)");
        }
        if (options.Threads > 0 && options.WeightsFile is not null)
        {
            throw new ArgumentException("the threads build copies its weights in once per shared memory: it cannot also take them from a file (--weights external)", nameof(options));
        }
        if (options.WeightsFile is { } weightsFile && (weightsFile.Length == 0 || Path.GetFileName(weightsFile) != weightsFile))
        {
            throw new ArgumentException($"WeightsFile '{weightsFile}' must be a file name without a folder", nameof(options));
        }
        if (options.PhaseProfile && options.Threads == 0)
        {
            throw new ArgumentException("the phase profile times the threads build's phases: it needs Threads (--threads N)", nameof(options));
        }
        if (options.Threads > 0 && options.Wasi)
        {
            throw new ArgumentException("the threads build is a reactor: it cannot also be a WASI command (--wasi)", nameof(options));
        }
        var nodes = graph.Nodes.Count;
        options.Progress?.Report("optimize");
        // Before every other pass: inference and folding of the exporters' shape subgraphs need static inputs.
        ResolveSequences.RequireTensorInputs(graph);
        new FixInputShapes(new ShapeBindings(options.InputShapes, options.Dimensions)).Run(graph);
        PassPipeline.Run(graph, new PassOptions(Verify: options.VerifyPasses) { Dump = options.DumpIr });
        UnrollLoops.Explain(graph);
        ResolveSequences.Explain(graph);
        // Outputs whose length depends on the data get buffers at their proven maximum and a run-time length.
        new BoundRuntimeLengths().Run(graph);
        // The wasm backend plans every buffer statically: name the node where a shape still depends on data.
        new RequireStaticShapes().Run(graph);
        options.Progress?.Report("lower");
        var (module, metadata, s) = ModuleAssembler.Assemble(graph, new LoweringOptions(options.Simd, options.Simd && options.RelaxedSimd, options.Threads) { ParallelThreshold = options.ParallelThreshold, PhaseProfile = options.PhaseProfile, WeightsFile = options.WeightsFile, StringInputBytes = options.StringBytes }, options.Wasi, options.ModelName ?? graph.Name);
        options.Progress?.Report("encode");
        var statistics = new CompileStatistics(nodes, s.Kernels, s.FusedGroups, s.ParameterBytes, s.CodeBytes, s.PeakActivationBytes,
            s.UnsharedActivationBytes, module.Length, stopwatch.Elapsed);
        return new CompilationResult(module, statistics);
    }
}
