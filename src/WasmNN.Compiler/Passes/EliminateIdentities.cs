using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Removes Identity nodes and inference-mode Dropout by pointing their readers at the input (a Dropout mask becomes
/// a constant all-true tensor). A graph output keeps its name; the one case kept is a graph output that would alias a graph input or
/// another output, which needs a real copy.
/// </summary>
public sealed class EliminateIdentities : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        var uses = graph.BuildUses();
        foreach (var node in graph.Nodes.ToList())
        {
            if (node.OpType == "Dropout" && node.Outputs.Count > 1 && node.Outputs[1] is { Shape: { } maskShape } readMask && Shapes.IsStatic(maskShape)
                && (uses.ContainsKey(readMask) || graph.IsOutput(readMask)))
            {
                // Inference keeps every element: the mask is a constant all-true tensor, and the node a no-op.
                var ones = new bool[Shapes.ElementCount(maskShape)];
                Array.Fill(ones, true);
                readMask.Constant = new Tensor(DataType.Bool, maskShape, ones);
                readMask.Producer = null;
                graph.Initializers.Add(readMask);
                node.SetOutput(1, null);
            }
            var maskUnused = node.Outputs.Count < 2 || node.Outputs[1] is not { } mask || (!uses.ContainsKey(mask) && !graph.IsOutput(mask));
            var isNoOp = node.OpType == "Identity" || (node.OpType == "Dropout" && maskUnused);
            if (!isNoOp || node.Epilogue.Count > 0 || node.Inputs[0] is not { } source || node.Outputs[0] is not { } result)
            {
                continue;
            }
            if (graph.IsOutput(result) && (graph.Inputs.Contains(source) || graph.IsOutput(source) || source.IsConstant))
            {
                continue;
            }
            graph.Nodes.Remove(node);
            graph.ReplaceAllUses(result, source);
            uses = graph.BuildUses();
            changed = true;
        }
        return changed;
    }
}
