using WasmNN.Compiler;
using WasmNN.Compiler.Abi;
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
            _bound = BindConstantInputs(graph, inputs);
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
        foreach (var (index, bound) in _bound)
        {
            if (!bound.ToDoubleArray().SequenceEqual(inputs[index].ToDoubleArray()))
            {
                throw new UnsupportedOperatorException($"input {index} configures a kernel and differs between data sets");
            }
        }
        inputs = [.. inputs.Where((_, i) => !_bound.ContainsKey(i))];
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
            var tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), info.Shape);
            model.OutputBytes(i).CopyTo(tensor.AsBytes());
            return tensor;
        })];
    }

    /// <summary>
    /// Turns the graph inputs that configure a kernel (Resize scales/sizes, Pad pads: an operator's
    /// <see cref="Operator.RequiresConstantInput"/>) into constants with the data set's values, as an exporter's
    /// initializers would be; returns them by input index. The data inputs stay runtime inputs.
    /// </summary>
    private static Dictionary<int, Tensor> BindConstantInputs(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        var bound = new Dictionary<int, Tensor>();
        var uses = graph.BuildUses();
        for (var i = graph.Inputs.Count - 1; i >= 0; i--)
        {
            var value = graph.Inputs[i];
            if (i >= inputs.Count || !uses.TryGetValue(value, out var readers) || readers.Count == 0
                || !readers.All(n => n.Inputs.Select((v, slot) => (v, slot)).Where(p => p.v == value)
                    .All(p => n.Operator.RequiresConstantInput(n.Attributes, p.slot))))
            {
                continue;
            }
            value.Constant = inputs[i];
            graph.Inputs.RemoveAt(i);
            graph.Initializers.Add(value);
            bound[i] = inputs[i];
        }
        return bound;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
