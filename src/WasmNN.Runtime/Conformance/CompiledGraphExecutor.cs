using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;

namespace WasmNN.Runtime.Conformance;

/// <summary>
/// The part every wasm backend of the ONNX node-test runner shares: a graph is compiled once (its configuring inputs
/// bound as constants, <see cref="ConstantInputBinding"/>) and the module reused for all its data sets; each data
/// set's inputs are checked against the module's before the backend runs them. The previous graph's module is
/// released when the next graph arrives.
/// </summary>
public abstract class CompiledGraphExecutor : IGraphExecutor, IDisposable
{
    private readonly CompileOptions _options;
    private Graph? _graph;
    private ModelMetadata? _metadata;
    private Dictionary<int, Tensor> _bound = [];

    /// <summary>Creates an executor compiling with <paramref name="options"/> (SIMD by default).</summary>
    protected CompiledGraphExecutor(CompileOptions? options) => _options = options ?? CompileOptions.Default;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Execute(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        if (_graph != graph || _metadata is null)
        {
            Unload();
            _metadata = null;
            _graph = graph;
            _bound = ConstantInputBinding.Bind(graph, inputs);
            var result = ModelCompiler.Compile(graph, _options);
            Load(result.Wasm);
            _metadata = result.Metadata;
        }
        inputs = ConstantInputBinding.RuntimeInputs(_bound, inputs);
        var expected = _metadata.Inputs;
        if (inputs.Count != expected.Count)
        {
            throw new GraphException($"graph '{graph.Name}' takes {expected.Count} inputs, {inputs.Count} given");
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            if (TensorInfo.DTypeName(inputs[i].DataType) != expected[i].DType || !inputs[i].Shape.SequenceEqual(expected[i].Shape))
            {
                throw new GraphException($"input '{expected[i].Name}' expects {expected[i].DType} [{string.Join(", ", expected[i].Shape)}], got {inputs[i].DataType} {Shapes.Format(inputs[i].Shape)}");
            }
        }
        return Run(inputs, _metadata.Outputs);
    }

    /// <summary>Loads the compiled module of the current graph.</summary>
    /// <exception cref="GraphException">The backend rejects the module.</exception>
    /// <exception cref="UnsupportedOperatorException">The backend cannot run a module like this one (the reason names what it lacks).</exception>
    protected abstract void Load(byte[] wasm);

    /// <summary>Runs the loaded module on checked inputs; returns each output at the shape the run produced.</summary>
    /// <exception cref="GraphException">The run failed (a trap).</exception>
    protected abstract IReadOnlyList<Tensor> Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<TensorInfo> outputs);

    /// <summary>Releases the loaded module, if any.</summary>
    protected abstract void Unload();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the module (and whatever the backend holds).</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Unload();
        }
    }
}
