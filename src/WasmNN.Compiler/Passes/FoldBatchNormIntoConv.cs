using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Folds an inference BatchNormalization that reads only a Conv's output into the Conv's weights and bias.
/// </summary>
/// <remarks>
/// With k = scale / sqrt(var + epsilon) per output channel: W'[m] = W[m] * k[m] and B'[m] = (B[m] - mean[m]) * k[m] + beta[m].
/// Needs constant W, B (or none), scale, beta, mean and var.
/// </remarks>
public sealed class FoldBatchNormIntoConv : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        var uses = graph.BuildUses();
        foreach (var bn in graph.Nodes.ToList())
        {
            if (bn.OpType != "BatchNormalization" || bn.Inputs[0]?.Producer is not { OpType: "Conv" } conv
                || conv.Epilogue.Count > 0 || conv.Outputs[0] is not { } convOut
                || uses[convOut].Count != 1 || graph.IsOutput(convOut)
                || bn.Outputs.Skip(1).Any(o => o is not null)
                || conv.Inputs[1] is not { Constant: { } w } || (conv.Inputs.ElementAtOrDefault(2) is { } b && !b.IsConstant)
                || bn.Inputs.Skip(1).Take(4).Any(v => v is not { IsConstant: true }))
            {
                continue;
            }
            var epsilon = bn.GetAttributes<BatchNormalizationAttributes>().Epsilon;
            var scale = bn.Inputs[1]!.Constant!.ToDoubleArray();
            var beta = bn.Inputs[2]!.Constant!.ToDoubleArray();
            var mean = bn.Inputs[3]!.Constant!.ToDoubleArray();
            var variance = bn.Inputs[4]!.Constant!.ToDoubleArray();
            var outChannels = w.Shape[0];
            var perChannel = w.Length / outChannels;
            var oldBias = conv.Inputs.ElementAtOrDefault(2)?.Constant?.ToDoubleArray() ?? new double[outChannels];
            var newW = new double[w.Length];
            var newB = new double[outChannels];
            for (var m = 0; m < outChannels; m++)
            {
                var k = scale[m] / Math.Sqrt(variance[m] + epsilon);
                for (var j = 0; j < perChannel; j++)
                {
                    newW[m * perChannel + j] = w.GetDouble(m * perChannel + j) * k;
                }
                newB[m] = (oldBias[m] - mean[m]) * k + beta[m];
            }
            var weights = graph.AddConstant(graph.UniqueName(conv.Inputs[1]!.Name + "_bn"), Tensor.FromDoubles(w.DataType, w.Shape, newW));
            var bias = graph.AddConstant(graph.UniqueName((conv.Inputs.ElementAtOrDefault(2)?.Name ?? conv.Name + "_bias") + "_bn"), Tensor.FromDoubles(w.DataType, [outChannels], newB));
            var rebuilt = new Node(conv.Name, conv.Operator, conv.Opset, conv.Attributes, [conv.Inputs[0], weights, bias], [bn.Outputs[0]]);
            graph.Nodes[graph.Nodes.IndexOf(bn)] = rebuilt;
            graph.Nodes.Remove(conv);
            changed = true;
        }
        if (changed)
        {
            new EliminateDeadNodes().Run(graph);
        }
        return changed;
    }
}
