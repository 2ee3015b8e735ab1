using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Execution;

/// <summary>Runs a graph: the reference executor here, a compiled wasm module in the backend.</summary>
public interface IGraphExecutor
{
    /// <summary>Computes the graph's outputs (in <see cref="Graph.Outputs"/> order) from its inputs (in <see cref="Graph.Inputs"/> order).</summary>
    /// <exception cref="GraphException">Inputs do not match the graph, or a node fails (the message names it).</exception>
    /// <exception cref="UnsupportedOperatorException">A node uses a variant the executor does not implement.</exception>
    IReadOnlyList<Tensor> Execute(Graph graph, IReadOnlyList<Tensor> inputs);
}
