using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Quantizer;

/// <summary>
/// Step two of <see cref="QuantizationPlan"/>: writes the QDQ model. Each quantized activation T gets
/// T_float -> QuantizeLinear -> T_quantized -> DequantizeLinear -> T (the producer is renamed, so readers and a
/// graph output keep the name; a graph input instead gets readers of T_dequantized). Each layer's weight becomes an
/// int8 initializer with a DequantizeLinear (per output channel on opset 13+), its bias int32 at scale x_scale *
/// w_scale. Float weights nothing reads any more are dropped.
/// </summary>
internal static class QdqRewriter
{
    public static QuantizationResult Rewrite(QuantizationPlan plan, IReadOnlyDictionary<string, (float Min, float Max)> ranges, int weightMax)
    {
        var model = plan.Model.Clone();
        var graph = model.Graph;
        var names = new HashSet<string>(graph.Initializer.Select(t => t.Name).Concat(graph.Input.Select(i => i.Name))
            .Concat(graph.Node.SelectMany(n => n.Output)).Concat(graph.Node.Select(n => n.Name)));
        string Unique(string stem)
        {
            var name = stem;
            for (var i = 1; !names.Add(name); i++)
            {
                name = $"{stem}_{i}";
            }
            return name;
        }
        var inputNames = graph.Input.Select(i => i.Name).ToHashSet();
        var byName = graph.Node.ToDictionary(n => n.Name);
        var parameters = new Dictionary<string, (float Scale, byte Zero)>();
        var before = new List<NodeProto>();
        // By reference: a NodeProto hashes by value, and the layers below change their inputs.
        var after = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        var inputRenames = new Dictionary<string, string>();

        foreach (var activation in plan.Activations)
        {
            if (!ranges.TryGetValue(activation, out var range))
            {
                throw new ArgumentException($"no calibrated range for activation '{activation}'", nameof(ranges));
            }
            var (scale, zero) = parameters[activation] = QuantizationParameters.ForActivation(range.Min, range.Max);
            var scaleName = Unique(activation + "_scale");
            var zeroName = Unique(activation + "_zero_point");
            graph.Initializer.Add(OnnxTensors.ToProto(Tensor.FromFloats([], [scale]), scaleName));
            graph.Initializer.Add(OnnxTensors.ToProto(new Tensor(DataType.UInt8, [], new[] { zero }), zeroName));
            var quantized = Unique(activation + "_quantized");
            string source, dequantized;
            List<NodeProto> place;
            if (inputNames.Contains(activation))
            {
                (source, dequantized, place) = (activation, Unique(activation + "_dequantized"), before);
                inputRenames[activation] = dequantized;
            }
            else
            {
                var producer = graph.Node.First(n => n.Output.Contains(activation));
                source = Unique(activation + "_float");
                producer.Output[producer.Output.IndexOf(activation)] = source;
                dequantized = activation;
                place = after.TryGetValue(producer, out var list) ? list : after[producer] = [];
            }
            place.Add(Node("QuantizeLinear", Unique(activation + "_QuantizeLinear"), [source, scaleName, zeroName], quantized));
            place.Add(Node("DequantizeLinear", Unique(activation + "_DequantizeLinear"), [quantized, scaleName, zeroName], dequantized));
        }
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (inputRenames.TryGetValue(node.Input[i], out var renamed))
                {
                    node.Input[i] = renamed;
                }
            }
        }

        long floatBytes = 0, quantizedBytes = 0;
        var quantizedWeights = new Dictionary<(string, int), string>();
        foreach (var layer in plan.Layers)
        {
            var node = byName[layer.Node];
            var weightName = node.Input[layer.WeightInput];
            var weight = plan.Constants[weightName];
            var axis = plan.PerChannel ? layer.WeightAxis : (int?)null;
            var (q, weightScales) = QuantizationParameters.SymmetricWeights(weight.AsFloat32(), weight.Shape, axis, weightMax);
            if (!quantizedWeights.TryGetValue((weightName, layer.WeightAxis), out var dequantizedWeight))
            {
                dequantizedWeight = quantizedWeights[(weightName, layer.WeightAxis)] = Dequantize(graph, before, Unique, weightName,
                    new Tensor(DataType.Int8, weight.Shape, q), weightScales, new Tensor(DataType.Int8, [weightScales.Length], new sbyte[weightScales.Length]), axis);
                floatBytes += 4L * weight.Length;
                quantizedBytes += weight.Length + (5L * weightScales.Length);
            }
            node.Input[layer.WeightInput] = dequantizedWeight;
            if (layer.BiasInput is { } biasInput)
            {
                var biasName = node.Input[biasInput];
                var bias = plan.Constants[biasName];
                var (qb, biasScales) = QuantizationParameters.Bias(bias.AsFloat32(), parameters[layer.Input].Scale, weightScales);
                node.Input[biasInput] = Dequantize(graph, before, Unique, biasName, new Tensor(DataType.Int32, bias.Shape, qb), biasScales,
                    new Tensor(DataType.Int32, [biasScales.Length], new int[biasScales.Length]), axis is null ? null : 0);
                floatBytes += 4L * bias.Length;
                quantizedBytes += (4L * bias.Length) + (8L * biasScales.Length);
            }
        }

        var nodes = new List<NodeProto>(before);
        foreach (var node in graph.Node)
        {
            nodes.Add(node);
            nodes.AddRange(after.GetValueOrDefault(node) ?? []);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var read = nodes.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet();
        foreach (var unused in graph.Initializer.Where(t => !read.Contains(t.Name)).ToList())
        {
            graph.Initializer.Remove(unused);
        }
        // The ValueInfo of a renamed tensor still describes the name it keeps (now the DequantizeLinear's float output).
        return new QuantizationResult(model, floatBytes, quantizedBytes);
    }

    /// <summary>Adds the quantized initializer, its scale and zero point and a DequantizeLinear; returns the float output's name.</summary>
    private static string Dequantize(GraphProto graph, List<NodeProto> nodes, Func<string, string> unique, string stem, Tensor quantized,
        float[] scales, Tensor zero, int? axis)
    {
        var quantizedName = unique(stem + "_quantized");
        var scaleName = unique(stem + "_scale");
        var zeroName = unique(stem + "_zero_point");
        var output = unique(stem + "_dequantized");
        graph.Initializer.Add(OnnxTensors.ToProto(quantized, quantizedName));
        graph.Initializer.Add(OnnxTensors.ToProto(axis is null ? Tensor.FromFloats([], scales) : Tensor.FromFloats([scales.Length], scales), scaleName));
        graph.Initializer.Add(OnnxTensors.ToProto(axis is null ? zero.Reshape([]) : zero, zeroName));
        var node = Node("DequantizeLinear", unique(stem + "_DequantizeLinear"), [quantizedName, scaleName, zeroName], output);
        if (axis is { } a)
        {
            node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = a });
        }
        nodes.Add(node);
        return output;
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
