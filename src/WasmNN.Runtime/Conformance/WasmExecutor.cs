using WasmNN.Compiler;
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
            foreach (var value in graph.Inputs.Concat(graph.Outputs).Where(v => v.ElementType != DataType.Float32))
            {
                throw new UnsupportedOperatorException($"'{value.Name}' is {value.ElementType}; compiled models take and return float32");
            }
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
        if (inputs.Count != model.Inputs.Count)
        {
            throw new GraphException($"graph '{graph.Name}' takes {model.Inputs.Count} inputs, {inputs.Count} given");
        }
        for (var i = 0; i < inputs.Count; i++)
        {
            var info = model.Inputs[i];
            if (inputs[i].DataType != DataType.Float32 || !inputs[i].Shape.SequenceEqual(info.Shape))
            {
                throw new GraphException($"input '{info.Name}' expects float32 [{string.Join(", ", info.Shape)}], got {inputs[i].DataType} {Shapes.Format(inputs[i].Shape)}");
            }
            model.SetInput(i, inputs[i].AsFloat32());
        }
        try
        {
            model.Run();
        }
        catch (WasmTrapException e)
        {
            throw new GraphException($"the compiled module trapped: {e.Message}", e);
        }
        return [.. model.Outputs.Select((info, i) => Tensor.FromFloats(info.Shape, model.OutputBuffer(i).ToArray()))];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
    }
}
