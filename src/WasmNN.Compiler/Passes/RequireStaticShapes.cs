using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Checks that, after the inputs were fixed and shape subgraphs folded, every value has a static shape, as the
/// wasm backend needs; otherwise names the first node (in topological order) whose output shape depends on data
/// computed at run time. Changes nothing.
/// </summary>
public sealed class RequireStaticShapes : IGraphPass
{
    /// <inheritdoc/>
    /// <exception cref="UnsupportedOperatorException">A shape depends on run-time data (the message names the node).</exception>
    public bool Run(Graph graph)
    {
        foreach (var node in graph.Nodes)
        {
            if (node.Outputs.OfType<Value>().FirstOrDefault(o => !Shapes.IsStatic(o.Shape)) is not { } output)
            {
                continue;
            }
            // Integer tensors computed at run time are what shapes, indices and counts are made of.
            var sources = node.Inputs.OfType<Value>().Where(v => !v.IsConstant && v.ElementType is DataType.Int64 or DataType.Int32).Select(v => $"'{v.Name}'").ToList();
            var because = sources.Count > 0
                ? $"depends on the run-time values of {string.Join(", ", sources)}"
                : "cannot be inferred statically";
            throw new UnsupportedOperatorException(
                $"node '{node.Name}' ({node.OpType}, opset {node.Opset}): the shape of output '{output.Name}' ({Shapes.Format(output.Shape)}) {because}; the compiler needs static shapes");
        }
        return false;
    }
}
