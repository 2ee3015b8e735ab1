using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Engine;

namespace WasmNN.Runtime.Conformance;

/// <summary>
/// Runs a graph by compiling it to wasm and running the module on the WasmNN engine: the backend under test for
/// the ONNX node-test runner. A graph is compiled once and reused for all its data sets; the previous graph's
/// module is released when the next graph arrives.
/// </summary>
public sealed class WasmExecutor : IGraphExecutor, IDisposable
{
    private readonly CompileOptions _options;
    private Graph? _graph;
    private CompiledModel? _model;
    private Dictionary<int, Tensor> _bound = [];

    /// <summary>Creates an executor compiling with <paramref name="options"/> (SIMD by default).</summary>
    public WasmExecutor(CompileOptions? options = null) => _options = options ?? CompileOptions.Default;

    /// <inheritdoc/>
    public IReadOnlyList<Tensor> Execute(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        if (_graph != graph || _model is null)
        {
            _model?.Dispose();
            _model = null;
            _graph = graph;
            _bound = ConstantInputBinding.Bind(graph, inputs);
            var result = ModelCompiler.Compile(graph, _options);
            try
            {
                _model = CompiledModel.Load(result.Wasm);
            }
            catch (Exception e) when (e is WasmCompileException or Wasm.WasmFormatException or FormatException)
            {
                throw new GraphException($"the compiled module does not load: {e.Message}", e);
            }
        }
        var model = _model;
        inputs = ConstantInputBinding.RuntimeInputs(_bound, inputs);
        if (inputs.Count != model.Inputs.Count)
        {
            throw new GraphException($"graph '{graph.Name}' takes {model.Inputs.Count} inputs, {inputs.Count} given");
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var info = model.Inputs[i];
            if (TensorInfo.DTypeName(inputs[i].DataType) != info.DType || !inputs[i].Shape.SequenceEqual(info.Shape))
            {
                throw new GraphException($"input '{info.Name}' expects {info.DType} [{string.Join(", ", info.Shape)}], got {inputs[i].DataType} {Shapes.Format(inputs[i].Shape)}");
            }
            inputs[i].AsBytes().CopyTo(model.InputBytes(i));
        }
        try
        {
            model.Run();
        }
        catch (WasmTrapException e)
        {
            throw new GraphException($"the compiled module trapped: {e.Message}", e);
        }
        return [.. model.Outputs.Select((info, i) =>
        {
            // Every dtype's buffer is its .npy/TensorProto payload (docs/ABI.md layouts), so bytes move as they are.
            // Outputs of run-time length come back at the length the run reported.
            var tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), model.OutputShape(i));
            model.OutputBytes(i).CopyTo(tensor.AsBytes());
            return tensor;
        })];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
