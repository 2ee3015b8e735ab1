using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Quantizer;

/// <summary>
/// Folds each inference BatchNormalization into the Conv before it (W'[m] = W[m] * s[m], b'[m] = (b[m] - mean[m]) *
/// s[m] + beta[m] with s = gamma / sqrt(var + epsilon)), so the weights quantized per channel are the ones that
/// run and no float layer is left between two integer ones. Exporters in training mode leave these nodes.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>Folds in place; returns how many BatchNormalization nodes went.</summary>
    public static int Run(ModelProto model, string sourceName)
    {
        var graph = model.Graph;
        var constants = graph.Initializer.ToDictionary(t => t.Name);
        var producers = new Dictionary<string, NodeProto>();
        var readers = new Dictionary<string, int>();
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
            foreach (var input in node.Input)
            {
                readers[input] = readers.GetValueOrDefault(input) + 1;
            }
        }
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        var folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization" && n.Output.Count(o => o.Length > 0) == 1).ToList())
        {
            if (!producers.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv" || readers.GetValueOrDefault(bn.Input[0]) != 1
                || outputs.Contains(bn.Input[0]) || bn.Input.Count < 5
                || Floats(constants, conv.Input[1], sourceName) is not { } weight
                || Floats(constants, bn.Input[1], sourceName) is not { } gamma || Floats(constants, bn.Input[2], sourceName) is not { } beta
                || Floats(constants, bn.Input[3], sourceName) is not { } mean || Floats(constants, bn.Input[4], sourceName) is not { } variance)
            {
                continue;
            }
            var channels = weight.Shape[0];
            var bias = conv.Input.ElementAtOrDefault(2) is { Length: > 0 } b ? Floats(constants, b, sourceName) : null;
            if (conv.Input.Count > 2 && conv.Input[2].Length > 0 && bias is null || gamma.Length != channels)
            {
                continue;
            }
            var epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var w = weight.AsFloat32();
            var size = w.Length / channels;
            var newWeight = new float[w.Length];
            var newBias = new float[channels];
            for (var m = 0; m < channels; m++)
            {
                var scale = gamma.AsFloat32()[m] / MathF.Sqrt(variance.AsFloat32()[m] + epsilon);
                for (var i = 0; i < size; i++)
                {
                    newWeight[(m * size) + i] = w[(m * size) + i] * scale;
                }
                newBias[m] = (((bias?.AsFloat32()[m] ?? 0f) - mean.AsFloat32()[m]) * scale) + beta.AsFloat32()[m];
            }
            var weightName = Unique(constants, conv.Name + "_weight_bn");
            var biasName = Unique(constants, conv.Name + "_bias_bn");
            Add(graph, constants, OnnxTensors.ToProto(Tensor.FromFloats(weight.Shape, newWeight), weightName));
            Add(graph, constants, OnnxTensors.ToProto(Tensor.FromFloats([channels], newBias), biasName));
            conv.Input[1] = weightName;
            if (conv.Input.Count > 2)
            {
                conv.Input[2] = biasName;
            }
            else
            {
                conv.Input.Add(biasName);
            }
            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
            folded++;
        }
        return folded;
    }

    private static Tensor? Floats(Dictionary<string, TensorProto> constants, string name, string sourceName) =>
        constants.TryGetValue(name, out var proto) && OnnxTensors.ToTensor(proto, sourceName) is { DataType: DataType.Float32 } tensor ? tensor : null;

    private static void Add(GraphProto graph, Dictionary<string, TensorProto> constants, TensorProto tensor)
    {
        graph.Initializer.Add(tensor);
        constants[tensor.Name] = tensor;
    }

    private static string Unique(Dictionary<string, TensorProto> constants, string stem)
    {
        var name = stem;
        for (var i = 1; constants.ContainsKey(name); i++)
        {
            name = $"{stem}_{i}";
        }
        return name;
    }
}
