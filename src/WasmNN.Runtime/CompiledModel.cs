using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using WasmNN.Compiler.Abi;
using StringTensorLayout = WasmNN.Compiler.IR.StringTensorLayout;
using BFloat16 = WasmNN.Compiler.IR.BFloat16;
using WasmNN.Engine;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Reading;

namespace WasmNN.Runtime;

/// <summary>
/// A compiled model (a module with a <c>wasmnn.meta</c> section) loaded on the WasmNN engine: write inputs, run,
/// read outputs. Buffers live in the module's linear memory; output tensors are allocated once and refilled by
/// every <see cref="Run(IReadOnlyList{Tensor{float}})"/>, so repeated calls do not allocate.
/// </summary>
/// <example>
/// <code>
/// using var model = CompiledModel.Load("lenet5.wasm");
/// var outputs = model.Run([input]);          // Tensor&lt;float&gt; in, Tensor&lt;float&gt; out
/// float[] scores = outputs[0].ToArray();
/// </code>
/// </example>
public sealed class CompiledModel : IDisposable
{
    private readonly Engine.Engine _engine;
    private readonly Instance _instance;
    private readonly WasmMemory _memory;
    private readonly Func<int> _run;
    private readonly WorkerPool? _pool;
    private readonly int[] _inputAddresses;
    private readonly int[] _outputAddresses;
    private readonly int[] _outputDimsAddresses;
    private readonly object?[] _outputs;
    private bool _disposed;

    private CompiledModel(WasmModule module, ModelMetadata metadata, CompiledModelOptions options, string? moduleDirectory = null)
    {
        Metadata = metadata;
        var engine = _engine = new Engine.Engine(options.Engine);
        var compiled = engine.Compile(module);
        var linker = new Linker(engine);
        WasmMemory? sharedMemory = null;
        if (metadata.Threads is { } threads)
        {
            // The threads build imports its memory: one shared memory for every worker's instance.
            sharedMemory = new WasmMemory(threads.MemoryPages, threads.MemoryPages, options.Engine, shared: true);
            linker.Define(ModelAbi.MemoryImportModule, ModelAbi.Memory, sharedMemory);
            if (threads.Profile is not null)
            {
                // A phase-profile build's clock: one for every worker thread.
                linker.DefineFunction(ModelAbi.MemoryImportModule, PhaseProfileClock, () => Stopwatch.GetTimestamp() * MillisecondsPerTick);
            }
        }
        if (compiled.Imports.FirstOrDefault(i => sharedMemory is null
            || ((i.ModuleName, i.Name) != (ModelAbi.MemoryImportModule, ModelAbi.Memory)
                && (metadata.Threads?.Profile is null || (i.ModuleName, i.Name) != (ModelAbi.MemoryImportModule, PhaseProfileClock)))) is { } import)
        {
            throw new FormatException($"the module imports {import.ModuleName}.{import.Name}: load --wasi builds with `wasmnn run` or a WASI host, not CompiledModel");
        }
        _instance = linker.Instantiate(compiled);
        _memory = _instance.GetMemory(ModelAbi.Memory) ?? throw new FormatException($"the module does not export '{ModelAbi.Memory}'");
        _run = Function<Func<int>>(ModelAbi.Run);
        if (metadata.Weights is { } weights)
        {
            var path = options.WeightsPath ?? (moduleDirectory is not null ? Path.Combine(moduleDirectory, weights.File)
                : throw new FormatException($"the module's weights are in '{weights.File}': load it from its path, or give CompiledModelOptions.WeightsPath"));
            WeightsMapped = ExternalWeightsLoader.Load(path, weights, _memory, options.MapWeights);
            if (Function<Func<int>>(ModelAbi.WeightsCheck)() != 0)
            {
                throw new FormatException($"{path}: the weights are corrupt (their checksum is not {weights.Checksum})");
            }
        }
        var inputPointer = Function<Func<int, int>>(ModelAbi.InputPointer);
        var outputPointer = Function<Func<int, int>>(ModelAbi.OutputPointer);
        _inputAddresses = [.. metadata.Inputs.Select((t, i) => CheckedAddress(inputPointer(i), t, "input"))];
        _outputAddresses = [.. metadata.Outputs.Select((t, i) => CheckedAddress(outputPointer(i), t, "output"))];
        _outputs = new object?[metadata.Outputs.Count];
        // Only outputs of run-time length need their dimension records (modules without any may predate the export).
        _outputDimsAddresses = new int[metadata.Outputs.Count];
        if (metadata.Outputs.Any(o => o.HasRuntimeDims))
        {
            var outputDims = Function<Func<int, int>>(ModelAbi.OutputDims);
            for (var i = 0; i < metadata.Outputs.Count; i++)
            {
                var address = outputDims(i);
                _outputDimsAddresses[i] = address >= 0 && (long)address + (4L * metadata.Outputs[i].Shape.Length) <= _memory.Length ? address
                    : throw new FormatException($"output '{metadata.Outputs[i].Name}': the module reports its dimensions at {address}, outside its memory");
            }
        }
        if (options.Threads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Threads is {options.Threads}; at least 1");
        }
        var workers = metadata.Threads is { } info ? Math.Clamp(options.Threads ?? Environment.ProcessorCount, 1, info.MaxWorkers) : 1;
        if (workers > 1)
        {
            var runWorker = new List<Func<int, int, int>> { Function<Func<int, int, int>>(ModelAbi.RunWorker) };
            for (var i = 1; i < workers; i++)
            {
                var instance = linker.Instantiate(compiled);
                runWorker.Add((instance.GetFunction(ModelAbi.RunWorker) ?? throw new FormatException($"the module does not export '{ModelAbi.RunWorker}'")).AsDelegate<Func<int, int, int>>());
            }
            _pool = new WorkerPool(engine, Function<Action>(ModelAbi.ResetWorkers), runWorker);
        }
    }

    private const string PhaseProfileClock = "wasmnn_now";

    private static readonly double MillisecondsPerTick = 1000.0 / Stopwatch.Frequency;

    /// <summary>
    /// A phase-profile build (<see cref="Compiler.CompileOptions.PhaseProfile"/>, for benchmarks): the times the runs since
    /// the last call recorded, as the f64 values of the area <see cref="ThreadsInfo.Profile"/> describes (worker headers,
    /// then records per site and worker); the area is zeroed for the next run. Null for any other build.
    /// </summary>
    public double[]? TakePhaseProfile()
    {
        if (Metadata.Threads?.Profile is not { } profile)
        {
            return null;
        }
        var area = _memory.GetSpan(profile.Address, profile.Bytes);
        var values = MemoryMarshal.Cast<byte, double>(area).ToArray();
        area.Clear();
        return values;
    }

    /// <summary>
    /// True when the external weights are mapped from their file (<see cref="CompiledModelOptions.MapWeights"/>), false
    /// when they were read or the build embeds them.
    /// </summary>
    public bool WeightsMapped { get; }

    /// <summary>Workers a run uses: 1, or for a threads build the threads it was loaded with.</summary>
    public int Threads => _pool?.Count ?? 1;

    /// <summary>The module's metadata: model name, inputs, outputs, operators.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>Inputs in index order.</summary>
    public IReadOnlyList<TensorInfo> Inputs => Metadata.Inputs;

    /// <summary>Outputs in index order.</summary>
    public IReadOnlyList<TensorInfo> Outputs => Metadata.Outputs;

    /// <summary>
    /// The WebAssembly proposals our engine runs: every build of a variants manifest. A host that picks from a
    /// manifest (<see cref="ChooseVariant"/>) takes the first variant these cover, i.e. the relaxed-SIMD build.
    /// </summary>
    public static Feature EngineFeatures => Feature.All;

    /// <summary>
    /// Loads and compiles a model module from a file, or, for a variants manifest (<c>MODEL.variants.json</c> from
    /// <c>wasmnn compile --variants</c>), the best variant our engine supports (<see cref="ChooseVariant"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file (the module or the variant the manifest names).</exception>
    /// <exception cref="WasmFormatException">The file is not a valid WebAssembly module (corrupt or truncated).</exception>
    /// <exception cref="FormatException">The module is not a compiled model (no or invalid <c>wasmnn.meta</c>), or the manifest is invalid.</exception>
    /// <remarks>A build with external weights loads them from the file its metadata names beside the module (docs/ABI.md).</remarks>
    public static CompiledModel Load(string path, EngineOptions? engineOptions = null) => Load(path, new CompiledModelOptions { Engine = engineOptions });

    /// <summary>
    /// The variant our engine runs from the manifest at <paramref name="manifestPath"/> (its bytes
    /// <paramref name="manifest"/>): the first whose features <see cref="EngineFeatures"/> covers, and its path.
    /// </summary>
    /// <exception cref="FormatException">The manifest is invalid or no variant fits.</exception>
    public static (ModelVariant Variant, string Path) ChooseVariant(string manifestPath, ReadOnlySpan<byte> manifest)
    {
        var variant = ModelVariants.Parse(manifest).Best(EngineFeatures)
            ?? throw new FormatException($"{manifestPath}: no variant needs only features our engine supports");
        return (variant, Path.Combine(Path.GetDirectoryName(manifestPath) ?? "", variant.File));
    }

    /// <summary>Loads and compiles a model module from its bytes.</summary>
    /// <inheritdoc cref="Load(string, EngineOptions?)"/>
    public static CompiledModel Load(byte[] wasm, EngineOptions? engineOptions = null) => Load(ModuleReader.Read(wasm), engineOptions);

    /// <summary>Compiles a model module already decoded (a host that read it to look at it first decodes it once).</summary>
    /// <inheritdoc cref="Load(string, EngineOptions?)"/>
    public static CompiledModel Load(WasmModule module, EngineOptions? engineOptions = null) =>
        new(module, ModelMetadata.Read(module), new CompiledModelOptions { Engine = engineOptions });

    /// <summary>Loads a model module with options (worker threads for a threads build).</summary>
    /// <inheritdoc cref="Load(string, EngineOptions?)"/>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="CompiledModelOptions.Threads"/> is below 1.</exception>
    public static CompiledModel Load(WasmModule module, CompiledModelOptions options) =>
        new(module, ModelMetadata.Read(module), options);

    /// <inheritdoc cref="Load(WasmModule, CompiledModelOptions)"/>
    public static CompiledModel Load(string path, CompiledModelOptions options)
    {
        var bytes = File.ReadAllBytes(path);
        if (ModelVariants.LooksLikeManifest(bytes))
        {
            path = ChooseVariant(path, bytes).Path;
            bytes = File.ReadAllBytes(path);
        }
        var module = ModuleReader.Read(bytes);
        return new(module, ModelMetadata.Read(module), options, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>The index of the input called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such input (the message lists the inputs).</exception>
    public int InputIndex(string name) => IndexOf(Inputs, name, "input");

    /// <summary>The index of the output called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such output.</exception>
    public int OutputIndex(string name) => IndexOf(Outputs, name, "output");

    /// <summary>The live float32 buffer of input <paramref name="index"/> in the module's memory (write it, then <see cref="Run()"/>).</summary>
    /// <exception cref="ArgumentException">The input is not float32.</exception>
    public Span<float> InputBuffer(int index) => InputBuffer<float>(index);

    /// <summary>The live float32 buffer of output <paramref name="index"/> (valid until the next run).</summary>
    /// <exception cref="ArgumentException">The output is not float32.</exception>
    public ReadOnlySpan<float> OutputBuffer(int index) => OutputBuffer<float>(index);

    /// <summary>The live buffer of input <paramref name="index"/> as elements of <typeparamref name="T"/> (long for int64, bool for bool, Half for float16, BFloat16 for bfloat16, ulong for uint64...).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the input's dtype (the message names both).</exception>
    public Span<T> InputBuffer<T>(int index) where T : unmanaged => TypedSpan<T>(_inputAddresses, Inputs, index, "input");

    /// <summary>The live buffer of output <paramref name="index"/> as elements of <typeparamref name="T"/> (valid until the next run).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the output's dtype.</exception>
    public ReadOnlySpan<T> OutputBuffer<T>(int index) where T : unmanaged => TypedSpan<T>(_outputAddresses, Outputs, index, "output");

    /// <summary>The raw little-endian bytes of input <paramref name="index"/>, laid out as docs/ABI.md says for its dtype.</summary>
    public Span<byte> InputBytes(int index) => ByteSpan(_inputAddresses, Inputs, index);

    /// <summary>
    /// The raw little-endian bytes of output <paramref name="index"/> (valid until the next run): for an output of
    /// run-time length, the dense tensor of <see cref="OutputShape"/>.
    /// </summary>
    public ReadOnlySpan<byte> OutputBytes(int index) => ByteSpan(_outputAddresses, Outputs, index);

    /// <summary>
    /// The shape of output <paramref name="index"/> after the last run: its metadata shape, or for an output with
    /// <see cref="TensorInfo.RuntimeDims"/> the lengths the run reported (docs/ABI.md).
    /// </summary>
    /// <exception cref="InvalidOperationException">The module reported a length outside [0, maximum].</exception>
    public int[] OutputShape(int index)
    {
        var info = Outputs[index];
        if (!info.HasRuntimeDims)
        {
            return info.Shape;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        var dims = MemoryMarshal.Cast<byte, int>(_memory.GetSpan(_outputDimsAddresses[index], 4 * info.Shape.Length)).ToArray();
        for (var d = 0; d < dims.Length; d++)
        {
            if (dims[d] < 0 || dims[d] > info.Shape[d])
            {
                throw new InvalidOperationException($"output '{info.Name}': the module reports length {dims[d]} for axis {d}, outside [0, {info.Shape[d]}]");
            }
        }
        return dims;
    }

    /// <summary>Copies <paramref name="data"/> into input <paramref name="index"/>, checking its dtype and shape.</summary>
    /// <exception cref="ArgumentException">The dtype, shape or element count differs from the model's (the message names the input).</exception>
    public void SetInput<T>(int index, ReadOnlyTensorSpan<T> data) where T : unmanaged
    {
        var info = Inputs[index];
        var lengths = data.Lengths;
        if (lengths.Length != info.Shape.Length || !lengths.ToArray().Select(l => (int)l).SequenceEqual(info.Shape))
        {
            throw new ArgumentException($"input '{info.Name}' expects shape [{string.Join(", ", info.Shape)}], got [{string.Join(", ", lengths.ToArray())}]", nameof(data));
        }
        data.FlattenTo(InputBuffer<T>(index));
    }

    /// <summary>Copies flat row-major <paramref name="data"/> into input <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentException">The dtype or element count differs from the model's.</exception>
    public void SetInput<T>(int index, ReadOnlySpan<T> data) where T : unmanaged
    {
        var info = Inputs[index];
        var buffer = InputBuffer<T>(index);
        if (data.Length != info.ElementCount)
        {
            throw new ArgumentException($"input '{info.Name}' expects {info.ElementCount} elements (shape [{string.Join(", ", info.Shape)}]), got {data.Length}", nameof(data));
        }
        data.CopyTo(buffer);
    }

    /// <summary>
    /// Writes <paramref name="values"/> (row-major) into string input <paramref name="index"/>: its offset table and
    /// UTF-8 bytes (docs/ABI.md, "String tensors").
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The input is not a string tensor, the count differs from its element count, a value is not valid text (a lone
    /// surrogate), or together they take more UTF-8 bytes than the capacity it was compiled for (the message names the
    /// input and the element).
    /// </exception>
    public void SetStrings(int index, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var info = StringInfo(Inputs, index, "input");
        if (values.Count != info.ElementCount)
        {
            throw new ArgumentException($"input '{info.Name}' expects {info.ElementCount} strings (shape [{string.Join(", ", info.Shape)}]), got {values.Count}", nameof(values));
        }
        StringTensorLayout.Write(values, info.ElementCount, info.StringBytes ?? 0, InputBytes(index), $"input '{info.Name}'");
    }

    /// <summary>The strings of string output <paramref name="index"/> after the last run, row-major (<see cref="OutputShape"/> gives the shape).</summary>
    /// <exception cref="ArgumentException">The output is not a string tensor.</exception>
    /// <exception cref="InvalidOperationException">The module wrote offsets out of order or past the capacity, or bytes that are not UTF-8.</exception>
    public string[] GetStrings(int index)
    {
        var info = StringInfo(Outputs, index, "output");
        var count = Compiler.IR.Shapes.ElementCount(OutputShape(index));
        try
        {
            return StringTensorLayout.Read(OutputBytes(index), count, info.ElementCount, info.StringBytes ?? 0, $"output '{info.Name}'");
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    /// <summary>Runs the graph on the current input buffers.</summary>
    /// <exception cref="WasmTrapException">The module trapped.</exception>
    /// <exception cref="InvalidOperationException"><c>wasmnn_run</c> returned a non-zero status.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var status = _pool is null ? _run() : _pool.Run();
        if (status != 0)
        {
            throw new InvalidOperationException($"{ModelAbi.Run} returned {status}");
        }
    }

    /// <summary>
    /// Runs the graph on the current input buffers, stopping it (a <see cref="TrapKind.Interrupted"/> trap naming
    /// <paramref name="reason"/>) once <paramref name="cancellation"/> is cancelled: a server's per-request time limit.
    /// The module must have been loaded with <see cref="EngineOptions.Interruptible"/> (the default).
    /// </summary>
    /// <exception cref="WasmTrapException">The module trapped, or was interrupted.</exception>
    /// <exception cref="InvalidOperationException"><c>wasmnn_run</c> returned a non-zero status.</exception>
    public void Run(CancellationToken cancellation, string reason = "interrupted by the host")
    {
        using (_engine.InterruptWhen(reason, cancellation))
        {
            Run();
        }
    }

    /// <summary>
    /// Sets every input, runs, and returns the outputs (tensors owned by the model, refilled by each call). Every input
    /// and output must be float32; with other dtypes use <see cref="SetInput{T}(int, ReadOnlyTensorSpan{T})"/>,
    /// <see cref="Run()"/> and <see cref="GetOutput{T}(int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number of inputs, a wrong shape or dtype (the message names the input).</exception>
    public IReadOnlyList<Tensor<float>> Run(IReadOnlyList<Tensor<float>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != Inputs.Count)
        {
            throw new ArgumentException($"the model takes {Inputs.Count} inputs ({string.Join(", ", Inputs.Select(i => i.Name))}), {inputs.Count} given", nameof(inputs));
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            SetInput(i, inputs[i].AsReadOnlyTensorSpan());
        }
        Run();
        return CollectOutputs();
    }

    /// <summary>Runs a single-input model.</summary>
    /// <exception cref="ArgumentException">The model has several inputs, or the shape differs.</exception>
    public IReadOnlyList<Tensor<float>> Run(ReadOnlyTensorSpan<float> input)
    {
        if (Inputs.Count != 1)
        {
            throw new ArgumentException($"the model takes {Inputs.Count} inputs; pass them as a list", nameof(input));
        }
        SetInput(0, input);
        Run();
        return CollectOutputs();
    }

    /// <summary>Float32 output <paramref name="index"/> as a tensor (the same object on every call, refilled from memory).</summary>
    /// <exception cref="ArgumentException">The output is not float32.</exception>
    public Tensor<float> GetOutput(int index) => GetOutput<float>(index);

    /// <summary>Output <paramref name="index"/> as a tensor of <typeparamref name="T"/> (the same object on every call, refilled from memory).</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the output's dtype (the message names both).</exception>
    public Tensor<T> GetOutput<T>(int index) where T : unmanaged
    {
        var buffer = OutputBuffer<T>(index);
        var shape = OutputShape(index);
        var tensor = _outputs[index] as Tensor<T>;
        if (tensor is null || !tensor.Lengths.SequenceEqual([.. shape.Select(d => (nint)d)]))
        {
            // A run-time length changes the shape: a new tensor, kept while runs report the same one.
            tensor = Tensor.Create(new T[buffer.Length], [.. shape.Select(d => (nint)d)]);
        }
        _outputs[index] = tensor;
        buffer.CopyTo(MemoryMarshal.CreateSpan(ref tensor.GetPinnableReference(), buffer.Length));
        return tensor;
    }

    /// <summary>The dtype name (as in the metadata) that elements of <typeparamref name="T"/> hold, or null for an unsupported type.</summary>
    public static string? DTypeOf<T>() where T : unmanaged => default(T) switch
    {
        float => "float32",
        double => "float64",
        long => "int64",
        int => "int32",
        sbyte => "int8",
        byte => "uint8",
        bool => "bool",
        Half => "float16",
        BFloat16 => "bfloat16",
        short => "int16",
        ushort => "uint16",
        uint => "uint32",
        ulong => "uint64",
        _ => null,
    };

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _pool?.Dispose();
            _memory.Dispose();
        }
    }

    private Tensor<float>[] CollectOutputs() => [.. Enumerable.Range(0, Outputs.Count).Select(GetOutput)];

    private Span<T> TypedSpan<T>(int[] addresses, IReadOnlyList<TensorInfo> infos, int index, string what) where T : unmanaged
    {
        var info = infos[index];
        var given = DTypeOf<T>() ?? typeof(T).Name;
        if (info.DType != given)
        {
            throw new ArgumentException($"{what} '{info.Name}' is {info.DType}, given {given} (Tensor<{typeof(T).Name}>)");
        }
        return MemoryMarshal.Cast<byte, T>(ByteSpan(addresses, infos, index));
    }

    private static TensorInfo StringInfo(IReadOnlyList<TensorInfo> infos, int index, string what) =>
        infos[index] is { IsString: true } info ? info : throw new ArgumentException($"{what} '{infos[index].Name}' is {infos[index].DType}, not string");

    private Span<byte> ByteSpan(int[] addresses, IReadOnlyList<TensorInfo> infos, int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = infos[index];
        // A string tensor's buffer keeps its layout at any count: the offset table for the maximum, then the bytes.
        var bytes = info.HasRuntimeDims && !info.IsString && addresses == _outputAddresses
            ? Compiler.IR.Shapes.ElementCount(OutputShape(index)) * Compiler.IR.DataTypes.ByteSize(TensorInfo.DataTypeOf(info.DType))
            : info.ByteCount;
        return _memory.GetSpan(addresses[index], bytes);
    }

    private T Function<T>(string name) where T : Delegate =>
        (_instance.GetFunction(name) ?? throw new FormatException($"the module does not export '{name}'")).AsDelegate<T>();

    private int CheckedAddress(int address, TensorInfo info, string what) =>
        address >= 0 && (long)address + info.ByteCount <= _memory.Length
            ? address
            : throw new FormatException($"{what} '{info.Name}': the module reports buffer address {address}, outside its memory");

    private static int IndexOf(IReadOnlyList<TensorInfo> infos, string name, string what)
    {
        for (var i = 0; i < infos.Count; i++)
        {
            if (infos[i].Name == name)
            {
                return i;
            }
        }
        throw new ArgumentException($"the model has no {what} '{name}' (it has {string.Join(", ", infos.Select(t => t.Name))})", nameof(name));
    }
}
