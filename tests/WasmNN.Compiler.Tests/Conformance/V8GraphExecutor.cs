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
        var outputs = NodeRunner.RunOutputs(_compiled.Wasm, [.. runtimeInputs.Select(t => t.AsBytes().ToArray())], metadata.Outputs.Count);
        return [.. metadata.Outputs.Select((info, i) =>
        {
            // run-model.mjs reports each output at the shape the run wrote (outputs of run-time length included).
            var tensor = Tensor.Zeros(TensorInfo.DataTypeOf(info.DType), outputs[i].Shape);
            outputs[i].Bytes.CopyTo(tensor.AsBytes());
            return tensor;
        })];
    }
}
