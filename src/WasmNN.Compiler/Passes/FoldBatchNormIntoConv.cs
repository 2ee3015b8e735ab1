using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Folds an inference BatchNormalization, or an Add of a per-channel constant (a bias exported as its own node, as
/// paddle2onnx does for ConvTranspose), that reads only a Conv's or ConvTranspose's output into its weights and bias.
/// </summary>
/// <remarks>
/// With k = scale / sqrt(var + epsilon) per output channel: W'[m] = W[m] * k[m] and B'[m] = (B[m] - mean[m]) * k[m] + beta[m];
/// an Add of c gives B'[m] = B[m] + c[m]. Needs constant W, B (or none) and BN parameters (or c). Conv's W is
/// [M, C/group, k...]; ConvTranspose's is [C, M/group, k...], so there output channel m of group g is the slice
/// W[g*C/group .., m mod M/group]. Folds repeat, so Conv -> Add -> BatchNormalization becomes one Conv.
/// </remarks>
public sealed class FoldBatchNormIntoConv : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        while (FoldOne(graph))
        {
            changed = true;
        }
        if (changed)
        {
            new EliminateDeadNodes().Run(graph);
        }
        return changed;
    }

    private static bool FoldOne(Graph graph)
    {
        var uses = graph.BuildUses();
        foreach (var node in graph.Nodes)
        {
            if (node.Inputs.ElementAtOrDefault(0)?.Producer is not { OpType: "Conv" or "ConvTranspose" } conv
                || conv.Epilogue.Count > 0 || conv.Outputs[0] is not { } convOut
                || uses[convOut].Count != 1 || graph.IsOutput(convOut)
                || node.Outputs.Skip(1).Any(o => o is not null)
                || conv.Inputs[1] is not { Constant: { } w } || (conv.Inputs.ElementAtOrDefault(2) is { } b && !b.IsConstant))
            {
                continue;
            }
            var channelOf = OutputChannelOfWeight(conv, w.Shape, out var outChannels);
            var oldBias = conv.Inputs.ElementAtOrDefault(2)?.Constant?.ToDoubleArray() ?? new double[outChannels];
            var factor = new double[outChannels];
            var newB = new double[outChannels];
            string suffix;
            if (node.OpType == "BatchNormalization" && node.Inputs.Skip(1).Take(4).All(v => v is { IsConstant: true }))
            {
                var epsilon = node.GetAttributes<BatchNormalizationAttributes>().Epsilon;
                var scale = node.Inputs[1]!.Constant!.ToDoubleArray();
                var beta = node.Inputs[2]!.Constant!.ToDoubleArray();
                var mean = node.Inputs[3]!.Constant!.ToDoubleArray();
                var variance = node.Inputs[4]!.Constant!.ToDoubleArray();
                for (var m = 0; m < outChannels; m++)
                {
                    factor[m] = scale[m] / Math.Sqrt(variance[m] + epsilon);
                    newB[m] = (oldBias[m] - mean[m]) * factor[m] + beta[m];
                }
                suffix = "_bn";
            }
            else if (node.OpType == "Add" && node.Inputs[1] is { Constant: { } c } && IsPerChannel(c, convOut.Shape, outChannels))
            {
                var shift = c.ToDoubleArray();
                for (var m = 0; m < outChannels; m++)
                {
                    factor[m] = 1;
                    newB[m] = oldBias[m] + shift[c.Length == 1 ? 0 : m];
                }
                suffix = "_add";
            }
            else
            {
                continue;
            }
            var newW = new double[w.Length];
            for (var i = 0; i < newW.Length; i++)
            {
                newW[i] = w.GetDouble(i) * factor[channelOf(i)];
            }
            var weights = graph.AddConstant(graph.UniqueName(conv.Inputs[1]!.Name + suffix), Tensor.FromDoubles(w.DataType, w.Shape, newW));
            var bias = graph.AddConstant(graph.UniqueName((conv.Inputs.ElementAtOrDefault(2)?.Name ?? conv.Name + "_bias") + suffix), Tensor.FromDoubles(w.DataType, [outChannels], newB));
            var rebuilt = new Node(conv.Name, conv.Operator, conv.Opset, conv.Attributes, [conv.Inputs[0], weights, bias], [node.Outputs[0]]);
            graph.Nodes[graph.Nodes.IndexOf(node)] = rebuilt;
            graph.Nodes.Remove(conv);
            return true;
        }
        return false;
    }

    /// <summary>True when <paramref name="c"/> broadcast over the output varies along the channel axis only.</summary>
    private static bool IsPerChannel(Tensor c, int[]? output, int channels)
    {
        if (output is null || c.Shape.Length > output.Length || (c.Length != 1 && c.Length != channels))
        {
            return false;
        }
        var offset = output.Length - c.Shape.Length;
        for (var d = 0; d < c.Shape.Length; d++)
        {
            if (c.Shape[d] != 1 && d + offset != 1)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Maps a weight element index to the output channel it feeds.</summary>
    private static Func<int, int> OutputChannelOfWeight(Node conv, int[] w, out int outChannels)
    {
        var perSlice = w.Skip(2).Aggregate(1, (a, b) => a * b);
        if (conv.OpType == "Conv")
        {
            outChannels = w[0];
            var perChannel = w[1] * perSlice;
            return i => i / perChannel;
        }
        var group = conv.GetAttributes<ConvTransposeAttributes>().Group;
        int inPerGroup = w[0] / group, outPerGroup = w[1];
        outChannels = outPerGroup * group;
        return i => (i / (outPerGroup * perSlice) / inPerGroup * outPerGroup) + (i / perSlice % outPerGroup);
    }
}
