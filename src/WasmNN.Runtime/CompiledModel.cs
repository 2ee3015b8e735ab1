using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using WasmNN.Compiler.Abi;
using WasmNN.Engine;
using WasmNN.Wasm;
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
    private readonly Instance _instance;
    private readonly WasmMemory _memory;
    private readonly Func<int> _run;
    private readonly int[] _inputAddresses;
    private readonly int[] _outputAddresses;
    private readonly Tensor<float>?[] _outputs;
    private bool _disposed;

    private CompiledModel(WasmModule module, ModelMetadata metadata, EngineOptions? engineOptions)
    {
        Metadata = metadata;
        var engine = new Engine.Engine(engineOptions);
        var compiled = engine.Compile(module);
        if (compiled.Imports.Count > 0)
        {
            throw new FormatException($"the module imports {compiled.Imports[0].ModuleName}.{compiled.Imports[0].Name}: load --wasi builds with `wasmnn run` or a WASI host, not CompiledModel");
        }
        _instance = new Linker(engine).Instantiate(compiled);
        _memory = _instance.GetMemory(ModelAbi.Memory) ?? throw new FormatException($"the module does not export '{ModelAbi.Memory}'");
        _run = Function<Func<int>>(ModelAbi.Run);
        var inputPointer = Function<Func<int, int>>(ModelAbi.InputPointer);
        var outputPointer = Function<Func<int, int>>(ModelAbi.OutputPointer);
        _inputAddresses = [.. metadata.Inputs.Select((t, i) => CheckedAddress(inputPointer(i), t, "input"))];
        _outputAddresses = [.. metadata.Outputs.Select((t, i) => CheckedAddress(outputPointer(i), t, "output"))];
        _outputs = new Tensor<float>?[metadata.Outputs.Count];
    }

    /// <summary>The module's metadata: model name, inputs, outputs, operators.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>Inputs in index order.</summary>
    public IReadOnlyList<TensorInfo> Inputs => Metadata.Inputs;

    /// <summary>Outputs in index order.</summary>
    public IReadOnlyList<TensorInfo> Outputs => Metadata.Outputs;

    /// <summary>Loads and compiles a model module from a file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="WasmFormatException">The file is not a valid WebAssembly module (corrupt or truncated).</exception>
    /// <exception cref="FormatException">The module is not a compiled model (no or invalid <c>wasmnn.meta</c>).</exception>
    public static CompiledModel Load(string path, EngineOptions? engineOptions = null) => Load(File.ReadAllBytes(path), engineOptions);

    /// <summary>Loads and compiles a model module from its bytes.</summary>
    /// <inheritdoc cref="Load(string, EngineOptions?)"/>
    public static CompiledModel Load(byte[] wasm, EngineOptions? engineOptions = null)
    {
        var module = ModuleReader.Read(wasm);
        return new CompiledModel(module, ModelMetadata.Read(module), engineOptions);
    }

    /// <summary>The index of the input called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such input (the message lists the inputs).</exception>
    public int InputIndex(string name) => IndexOf(Inputs, name, "input");

    /// <summary>The index of the output called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such output.</exception>
    public int OutputIndex(string name) => IndexOf(Outputs, name, "output");

    /// <summary>The live float32 buffer of input <paramref name="index"/> in the module's memory (write it, then <see cref="Run()"/>).</summary>
    public Span<float> InputBuffer(int index) => FloatSpan(_inputAddresses, Inputs, index, "input");

    /// <summary>The live float32 buffer of output <paramref name="index"/> (valid until the next run).</summary>
    public ReadOnlySpan<float> OutputBuffer(int index) => FloatSpan(_outputAddresses, Outputs, index, "output");

    /// <summary>Copies <paramref name="data"/> into input <paramref name="index"/>, checking its shape.</summary>
    /// <exception cref="ArgumentException">The shape or element count differs from the model's (the message names the input).</exception>
    public void SetInput(int index, ReadOnlyTensorSpan<float> data)
    {
        var info = Inputs[index];
        var lengths = data.Lengths;
        if (lengths.Length != info.Shape.Length || !lengths.ToArray().Select(l => (int)l).SequenceEqual(info.Shape))
        {
            throw new ArgumentException($"input '{info.Name}' expects shape [{string.Join(", ", info.Shape)}], got [{string.Join(", ", lengths.ToArray())}]", nameof(data));
        }
        data.FlattenTo(InputBuffer(index));
    }

    /// <summary>Copies flat row-major <paramref name="data"/> into input <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentException">The element count differs from the model's.</exception>
    public void SetInput(int index, ReadOnlySpan<float> data)
    {
        var info = Inputs[index];
        if (data.Length != info.ElementCount)
        {
            throw new ArgumentException($"input '{info.Name}' expects {info.ElementCount} elements (shape [{string.Join(", ", info.Shape)}]), got {data.Length}", nameof(data));
        }
        data.CopyTo(InputBuffer(index));
    }

    /// <summary>Runs the graph on the current input buffers.</summary>
    /// <exception cref="WasmTrapException">The module trapped.</exception>
    /// <exception cref="InvalidOperationException"><c>wasmnn_run</c> returned a non-zero status.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var status = _run();
        if (status != 0)
        {
            throw new InvalidOperationException($"{ModelAbi.Run} returned {status}");
        }
    }

    /// <summary>Sets every input, runs, and returns the outputs (tensors owned by the model, refilled by each call).</summary>
    /// <exception cref="ArgumentException">Wrong number of inputs or a wrong shape (the message names the input).</exception>
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

    /// <summary>Output <paramref name="index"/> as a tensor (the same object on every call, refilled from memory).</summary>
    public Tensor<float> GetOutput(int index)
    {
        var info = Outputs[index];
        var tensor = _outputs[index] ??= Tensor.Create(new float[info.ElementCount], [.. info.Shape.Select(d => (nint)d)]);
        OutputBuffer(index).CopyTo(MemoryMarshal.CreateSpan(ref tensor.GetPinnableReference(), info.ElementCount));
        return tensor;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _memory.Dispose();
        }
    }

    private Tensor<float>[] CollectOutputs() => [.. Enumerable.Range(0, Outputs.Count).Select(GetOutput)];

    private Span<float> FloatSpan(int[] addresses, IReadOnlyList<TensorInfo> infos, int index, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var info = infos[index];
        if (info.DType != "float32")
        {
            throw new NotSupportedException($"{what} '{info.Name}' is {info.DType}; this API reads and writes float32");
        }
        return MemoryMarshal.Cast<byte, float>(_memory.GetSpan(addresses[index], info.ByteCount));
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
