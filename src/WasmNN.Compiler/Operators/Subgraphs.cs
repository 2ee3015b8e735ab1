using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>The reference evaluation of a subgraph attribute (If's branches, Loop and Scan bodies).</summary>
internal static class Subgraphs
{
    /// <summary>Runs <paramref name="graph"/> on <paramref name="inputs"/> (its inputs in order) with the reference executor.</summary>
    /// <exception cref="OperatorException">The subgraph fails (the message names it).</exception>
    public static IReadOnlyList<Tensor> Run(Graph graph, IReadOnlyList<Tensor> inputs)
    {
        // The placeholders may carry constants from inference; the executor binds them from the given tensors.
        var saved = graph.Inputs.Select(p => p.Constant).ToList();
        graph.Inputs.ForEach(p => p.Constant = null);
        try
        {
            return new ReferenceExecutor().Execute(graph, inputs);
        }
        catch (GraphException e)
        {
            throw new OperatorException($"subgraph '{graph.Name}': {e.Message}");
        }
        finally
        {
            for (var i = 0; i < saved.Count; i++)
            {
                graph.Inputs[i].Constant = saved[i];
            }
        }
    }
}
