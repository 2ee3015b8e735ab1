using WasmNN.Compiler.Abi;
using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Tests.Lowering;

namespace WasmNN.Compiler.Tests.Conformance;

/// <summary>
/// Runs a node test's graph by compiling it to wasm and running the module on Node's V8 through the raw-buffer ABI
/// alone (run-model.mjs): the same modules as on our engine, judged by an independent WebAssembly engine.
/// </summary>
internal sealed class V8GraphExecutor : IGraphExecutor
{
    private Graph? _graph;
    private CompilationResult? _compiled;
    private Dictionary<int, Tensor> _bound = [];

    public IReadOnlyList<Tensor> Execute(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        if (_graph != graph || _compiled is null)
        {
            _graph = graph;
            _bound = ConstantInputBinding.Bind(graph, inputs);
            _compiled = ModelCompiler.Compile(graph, CompileOptions.Default);
        }
        var metadata = _compiled.Metadata;
        var runtimeInputs = ConstantInputBinding.RuntimeInputs(_bound, inputs);
        var outputs = NodeRunner.RunBytes(_compiled.Wasm, [.. runtimeInputs.Select(t => t.AsBytes().ToArray())], metadata.Outputs.Count);
        return [.. metadata.Outputs.Select((info, i) =>
        {
            var tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), ActualShape(info, outputs[i].Length));
            outputs[i].CopyTo(tensor.AsBytes());
            return tensor;
        })];
    }

    /// <summary>
    /// run-model.mjs writes an output of run-time length at the length the run reported: with one run-time axis (every
    /// such operator has one) the byte count gives it.
    /// </summary>
    private static int[] ActualShape(TensorInfo info, int bytes)
    {
        if (info.RuntimeDims is not [var axis])
        {
            return info.Shape;
        }
        var others = Shapes.ElementCount([.. info.Shape.Where((_, d) => d != axis)]) * TensorInfo.DataTypeOf(info.DType).ByteSize();
        return [.. info.Shape.Select((size, d) => d == axis ? (others == 0 ? 0 : bytes / others) : size)];
    }
}
