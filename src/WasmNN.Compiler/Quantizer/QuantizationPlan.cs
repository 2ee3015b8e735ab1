using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Quantizer;

/// <summary>
/// A layer whose product becomes integer: its weight (input <paramref name="WeightInput"/>) is quantized per slice
/// along <paramref name="WeightAxis"/>, its bias (if any) to int32, its activation input <paramref name="Input"/> to
/// uint8. <paramref name="FusedActivation"/> names the Relu/Clip node whose output is quantized instead of the layer's.
/// </summary>
public sealed record QuantizedLayer(string Node, string OpType, string Input, int WeightInput, int WeightAxis, int? BiasInput, string? FusedActivation);

/// <summary>A node that stays float32, and why.</summary>
public sealed record FloatNode(string Node, string OpType, string Reason);

/// <summary>
/// Static post-training quantization to QDQ, step one: the float model prepared (BatchNormalization folded into
/// the Conv before it, every node named) and what will be quantized: the integer layers (Conv, MatMul and Gemm
/// with constant weights), the activations whose ranges calibration must observe (the inputs and outputs of those
/// layers and of Add, pooling and Concat between them), and the nodes that stay float with the reason.
/// <see cref="Apply"/> writes the QDQ model once calibration has the ranges.
/// </summary>
/// <remarks>
/// The layout is onnxruntime's QDQ format, so onnxruntime runs the result and our compiler's
/// FuseQuantizedOperators turns each DequantizeLinear -> layer [-> Relu/Clip] -> QuantizeLinear back into one
/// integer kernel. A Relu or Clip that is the only reader of a layer's output is fused: its output is quantized and
/// the layer's is not (quantization is monotonic, so the clamp can run on the integers).
/// </remarks>
public sealed class QuantizationPlan
{
    /// <summary>Operators that get QDQ around their float inputs and outputs so they sit between 8-bit tensors.</summary>
    private static readonly HashSet<string> s_between = ["Add", "MaxPool", "AveragePool", "GlobalAveragePool", "Concat"];

    private QuantizationPlan(ModelProto model, bool perChannel, IReadOnlyList<QuantizedLayer> layers, IReadOnlyList<string> activations,
        IReadOnlyList<FloatNode> floatNodes, IReadOnlyDictionary<string, Tensor> constants, int foldedBatchNorms, IReadOnlyList<Value> inputs)
    {
        Inputs = inputs;
        Model = model;
        PerChannel = perChannel;
        Layers = layers;
        Activations = activations;
        FloatNodes = floatNodes;
        Constants = constants;
        FoldedBatchNorms = foldedBatchNorms;
    }

    /// <summary>The prepared float model: what calibration runs and what <see cref="Apply"/> rewrites.</summary>
    public ModelProto Model { get; }

    /// <summary>Weights get one scale per output channel (opset 13 and later); otherwise one per tensor.</summary>
    public bool PerChannel { get; }

    /// <summary>The layers that become integer products.</summary>
    public IReadOnlyList<QuantizedLayer> Layers { get; }

    /// <summary>The float32 tensors calibration observes and <see cref="Apply"/> quantizes to uint8, in graph order.</summary>
    public IReadOnlyList<string> Activations { get; }

    /// <summary>Nodes that stay float32 (besides data movement between quantized tensors), with the reason.</summary>
    public IReadOnlyList<FloatNode> FloatNodes { get; }

    /// <summary>BatchNormalization nodes folded into the Conv before them.</summary>
    public int FoldedBatchNorms { get; }

    /// <summary>The model's inputs (name, element type, shape; a null or negative dimension is not fixed).</summary>
    public IReadOnlyList<Value> Inputs { get; }

    internal IReadOnlyDictionary<string, Tensor> Constants { get; }

    /// <summary>Analyses <paramref name="model"/> (not modified).</summary>
    /// <exception cref="GraphException">The model cannot be imported (the message names the node).</exception>
    /// <exception cref="UnsupportedOperatorException">The model's opset is below 10 (no QuantizeLinear) or it uses an operator we do not have.</exception>
    public static QuantizationPlan Create(ModelProto model, string sourceName)
    {
        var prepared = model.Clone();
        var graph = prepared.Graph;
        for (var i = 0; i < graph.Node.Count; i++)
        {
            if (string.IsNullOrEmpty(graph.Node[i].Name))
            {
                graph.Node[i].Name = $"{graph.Node[i].OpType}_{i}";
            }
        }
        var folded = BatchNormFolding.Run(prepared, sourceName);
        var imported = OnnxImporter.Import(prepared, sourceName);
        if (imported.Opset < 10)
        {
            throw new UnsupportedOperatorException($"{sourceName}: opset {imported.Opset}; quantization needs opset 10 or later (QuantizeLinear)");
        }
        var values = new Dictionary<string, Value>();
        foreach (var value in imported.Inputs.Concat(imported.Initializers).Concat(imported.Nodes.SelectMany(n => n.Outputs.OfType<Value>())))
        {
            values.TryAdd(value.Name, value);
        }
        var constants = values.Values.Where(v => v.Constant is not null).ToDictionary(v => v.Name, v => v.Constant!);
        bool IsActivation(string name) => name.Length > 0 && values.TryGetValue(name, out var v) && v.Constant is null && v.ElementType == DataType.Float32;

        var readers = new Dictionary<string, List<NodeProto>>();
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                (readers.TryGetValue(input, out var list) ? list : readers[input] = []).Add(node);
            }
        }
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        // An Identity that renames a graph output (as some exporters end) makes its input a model output too.
        outputs.UnionWith(graph.Node.Where(n => n.OpType == "Identity" && outputs.Contains(n.Output[0])).Select(n => n.Input[0]).ToList());
        // The Relu/Clip that alone reads `name` (not a graph output), whose output is quantized in its place.
        NodeProto? FusableActivation(string name) =>
            !outputs.Contains(name) && readers.TryGetValue(name, out var r) && r.Count == 1 && r[0].OpType is "Relu" or "Clip"
            && r[0].Input.Skip(1).All(i => i.Length == 0 || constants.ContainsKey(i)) ? r[0] : null;

        var layers = new List<QuantizedLayer>();
        var floatNodes = new List<FloatNode>();
        var activations = new List<string>();
        var fused = new HashSet<string>();
        void Quantize(string name)
        {
            if (IsActivation(name) && !activations.Contains(name))
            {
                activations.Add(name);
            }
        }
        void QuantizeOutput(NodeProto node)
        {
            if (outputs.Contains(node.Output[0]))
            {
                // The model's own outputs stay float: 8 bits would tie a classifier's close scores (and ORT's
                // QGemm, like our Gemm, takes int8 inputs with a float output).
                return;
            }
            if (FusableActivation(node.Output[0]) is { } activation)
            {
                fused.Add(activation.Name);
                Quantize(activation.Output[0]);
            }
            else
            {
                Quantize(node.Output[0]);
            }
        }
        foreach (var node in graph.Node)
        {
            if (LayerOf(node, constants, IsActivation, out var reason) is { } layer)
            {
                var activation = FusableActivation(node.Output[0]);
                layers.Add(layer with { FusedActivation = activation?.Name });
                Quantize(layer.Input);
                QuantizeOutput(node);
            }
            else if (s_between.Contains(node.OpType) && node.Input.Where(i => i.Length > 0).All(IsActivation) && IsActivation(node.Output[0]))
            {
                foreach (var input in node.Input)
                {
                    Quantize(input);
                }
                QuantizeOutput(node);
            }
            else if (reason is not null)
            {
                floatNodes.Add(new FloatNode(node.Name, node.OpType, reason));
            }
            else if (!fused.Contains(node.Name) && node.OpType is not ("Constant" or "Identity" or "Flatten" or "Reshape" or "Squeeze" or "Unsqueeze" or "Transpose" or "Shape" or "Gather" or "Dropout")
                && node.Output.Any(IsActivation))
            {
                floatNodes.Add(new FloatNode(node.Name, node.OpType, s_between.Contains(node.OpType) ? "an input or output is not a float32 activation" : "no integer kernel for this operator"));
            }
        }
        return new QuantizationPlan(prepared, imported.Opset >= 13, layers, activations, floatNodes, constants, folded, imported.Inputs);
    }

    /// <summary>The integer layer <paramref name="node"/> becomes, or null with the reason it stays float (null reason: not a product).</summary>
    private static QuantizedLayer? LayerOf(NodeProto node, IReadOnlyDictionary<string, Tensor> constants, Func<string, bool> isActivation, out string? reason)
    {
        reason = null;
        if (node.OpType is not ("Conv" or "MatMul" or "Gemm"))
        {
            return null;
        }
        var x = node.Input[0];
        var weight = node.Input.ElementAtOrDefault(1) ?? "";
        var bias = node.Input.ElementAtOrDefault(2) is { Length: > 0 } b ? b : null;
        if (!isActivation(x))
        {
            reason = "its input is not a float32 activation";
            return null;
        }
        if (!constants.TryGetValue(weight, out var w) || w.DataType != DataType.Float32)
        {
            reason = "its weights are not a float32 constant";
            return null;
        }
        if (bias is not null && (!constants.TryGetValue(bias, out var c) || c.DataType != DataType.Float32 || c.Rank != 1))
        {
            reason = "its bias is not a 1-D float32 constant";
            return null;
        }
        var attributes = node.Attribute.ToDictionary(a => a.Name);
        switch (node.OpType)
        {
            case "Conv":
                return new QuantizedLayer(node.Name, node.OpType, x, 1, 0, bias is null ? null : 2, null);
            case "MatMul" when w.Rank == 2:
                return new QuantizedLayer(node.Name, node.OpType, x, 1, 1, null, null);
            case "Gemm" when w.Rank == 2 && Int(attributes, "transA", 0) == 0 && Float(attributes, "alpha", 1) == 1 && Float(attributes, "beta", 1) == 1
                && (bias is null || constants[bias].Length == w.Shape[Int(attributes, "transB", 0) == 1 ? 0 : 1]):
                return new QuantizedLayer(node.Name, node.OpType, x, 1, Int(attributes, "transB", 0) == 1 ? 0 : 1, bias is null ? null : 2, null);
            default:
                reason = node.OpType == "MatMul" ? "its weights are not a 2-D matrix" : "transA, alpha or beta is not the default, or C is not a bias per output";
                return null;
        }
    }

    private static long Int(Dictionary<string, AttributeProto> attributes, string name, long fallback) => attributes.TryGetValue(name, out var a) ? a.I : fallback;

    private static float Float(Dictionary<string, AttributeProto> attributes, string name, float fallback) => attributes.TryGetValue(name, out var a) ? a.F : fallback;

    /// <summary>Writes the QDQ model for the calibrated <paramref name="ranges"/> (one per name in <see cref="Activations"/>).</summary>
    /// <exception cref="ArgumentException">A range is missing.</exception>
    /// <remarks>
    /// <paramref name="weightBits"/> 7 keeps the weights in [-63, 63] (onnxruntime's reduce_range): the relaxed-SIMD
    /// integer kernel needs weights within 7 bits, and x86 without VNNI saturates 8-bit pair products.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightBits"/> is neither 7 nor 8.</exception>
    public QuantizationResult Apply(IReadOnlyDictionary<string, (float Min, float Max)> ranges, int weightBits = 8) =>
        weightBits is 7 or 8 ? QdqRewriter.Rewrite(this, ranges, (1 << (weightBits - 1)) - 1) : throw new ArgumentOutOfRangeException(nameof(weightBits), weightBits, "7 or 8");
}

/// <summary>The quantized model and what was done.</summary>
/// <param name="Model">The QDQ model.</param>
/// <param name="FloatWeightBytes">Bytes of the float32 weights and biases that were quantized.</param>
/// <param name="QuantizedWeightBytes">Bytes of their int8/int32 replacements.</param>
public sealed record QuantizationResult(ModelProto Model, long FloatWeightBytes, long QuantizedWeightBytes);
