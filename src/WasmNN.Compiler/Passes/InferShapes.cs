using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Recomputes every node output's element type and shape from its inputs, in topological order, so that shapes
/// learned by other passes (folded constants) propagate. Declared shapes are kept where inference cannot tell.
/// </summary>
public sealed class InferShapes : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        foreach (var node in graph.Nodes)
        {
            var types = Graph.InferTypes(node);
            for (var i = 0; i < node.Outputs.Count && i < types.Count; i++)
            {
                if (node.Outputs[i] is not { } output)
                {
                    continue;
                }
                var (type, shape) = types[i];
                var refined = shape is null ? output.Shape : shape;
                if (output.ElementType != type || !Shapes.AreEqual(output.Shape, refined))
                {
                    output.ElementType = type;
                    output.Shape = refined;
                    changed = true;
                }
            }
        }
        return changed;
    }
}
