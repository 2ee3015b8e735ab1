using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx.Protos;

namespace WasmNN.Compiler.Zoo;

/// <summary>
/// Writes an ONNX <see cref="ModelProto"/> layer by layer with seeded random weights, the way PyTorch's exporter
/// would lay out a CNN (Conv with bias, BatchNormalization, Relu, Clip as ReLU6, pools, Gemm). For the model zoo.
/// </summary>
public sealed class OnnxModelBuilder
{
    private readonly GraphProto _graph = new();
    private readonly Random _random;
    private readonly int _opset;
    private int _counter;

    /// <summary>Starts a model with one float32 input.</summary>
    public OnnxModelBuilder(string name, int seed, int opset = 13)
    {
        _graph.Name = name;
        _random = new Random(seed);
        _opset = opset;
    }

    /// <summary>Declares the float32 graph input and returns its name.</summary>
    public string Input(string name, params int[] shape)
    {
        _graph.Input.Add(ValueInfo(name, shape));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as the graph output named <paramref name="name"/> (via Identity).</summary>
    public void Output(string value, string name, params int[] shape)
    {
        Node("Identity", [value], name);
        _graph.Output.Add(ValueInfo(name, shape));
    }

    /// <summary>The finished model.</summary>
    public ModelProto Build()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "WasmNN.Zoo", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opset });
        return model;
    }

    /// <summary>Conv with He-uniform weights and a small random bias.</summary>
    public string Conv(string x, int inChannels, int outChannels, int kernel, int stride = 1, int pad = 0, int group = 1, bool bias = true)
    {
        var fanIn = inChannels / group * kernel * kernel;
        var w = Weight([outChannels, inChannels / group, kernel, kernel], Math.Sqrt(6.0 / fanIn));
        List<string> inputs = [x, w];
        if (bias)
        {
            inputs.Add(Weight([outChannels], 0.05));
        }
        return Node("Conv", inputs, null,
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Int("group", group));
    }

    /// <summary>
    /// Inference BatchNormalization with statistics near identity; <paramref name="gamma"/> scales the output
    /// (small on the last BN of a residual branch keeps activations bounded through deep networks).
    /// </summary>
    public string BatchNorm(string x, int channels, double gamma = 1.0)
    {
        var scale = Constant([channels], _ => gamma * (0.8 + 0.4 * _random.NextDouble()));
        var beta = Constant([channels], _ => 0.1 * (_random.NextDouble() - 0.5));
        var mean = Constant([channels], _ => 0.1 * (_random.NextDouble() - 0.5));
        var variance = Constant([channels], _ => 0.5 + _random.NextDouble());
        return Node("BatchNormalization", [x, scale, beta, mean, variance], null, Float("epsilon", 1e-5f));
    }

    /// <summary>Relu.</summary>
    public string Relu(string x) => Node("Relu", [x]);

    /// <summary>Clip(x, 0, 6) with the bounds as constant inputs (opset 11+), PyTorch's ReLU6 export.</summary>
    public string Relu6(string x) => Node("Clip", [x, Constant([], _ => 0), Constant([], _ => 6)]);

    /// <summary>Elementwise addition.</summary>
    public string Add(string a, string b) => Node("Add", [a, b]);

    /// <summary>Concatenation along channels.</summary>
    public string ConcatChannels(params string[] xs) => Node("Concat", xs, null, Int("axis", 1));

    /// <summary>MaxPool.</summary>
    public string MaxPool(string x, int kernel, int stride, int pad = 0, bool ceil = false) =>
        Node("MaxPool", [x], null, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad), Int("ceil_mode", ceil ? 1 : 0));

    /// <summary>GlobalAveragePool then Flatten to [N, C].</summary>
    public string GlobalAveragePoolFlatten(string x) => Node("Flatten", [Node("GlobalAveragePool", [x])], null, Int("axis", 1));

    /// <summary>Flatten to [N, rest].</summary>
    public string Flatten(string x) => Node("Flatten", [x], null, Int("axis", 1));

    /// <summary>Fully connected layer as Gemm with transB (PyTorch's nn.Linear export).</summary>
    public string Linear(string x, int inFeatures, int outFeatures)
    {
        var w = Weight([outFeatures, inFeatures], Math.Sqrt(6.0 / inFeatures));
        var b = Weight([outFeatures], 0.05);
        return Node("Gemm", [x, w, b], null, Float("alpha", 1f), Float("beta", 1f), Int("transB", 1));
    }

    /// <summary>AveragePool (padding excluded from the average, PyTorch's default export).</summary>
    public string AveragePool(string x, int kernel, int stride, int pad = 0) =>
        Node("AveragePool", [x], null, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", pad, pad, pad, pad));

    /// <summary>GlobalAveragePool keeping [N, C, 1, 1] (the squeeze of squeeze-and-excitation).</summary>
    public string GlobalAveragePool(string x) => Node("GlobalAveragePool", [x]);

    /// <summary>ReduceMean over the spatial axes to [N, C] (PyTorch's <c>x.mean([2, 3])</c>; axes attribute, opset &lt; 18).</summary>
    public string SpatialMean(string x) => Node("ReduceMean", [x], null, Ints("axes", 2, 3), Int("keepdims", 0));

    /// <summary>Sigmoid.</summary>
    public string Sigmoid(string x) => Node("Sigmoid", [x]);

    /// <summary>Swish / SiLU as PyTorch exports it: x * Sigmoid(x).</summary>
    public string Swish(string x) => Mul(x, Sigmoid(x));

    /// <summary>Elementwise (broadcasting) multiplication.</summary>
    public string Mul(string a, string b) => Node("Mul", [a, b]);

    /// <summary>Multiplication by a scalar constant.</summary>
    public string Scale(string x, double factor) => Mul(x, Constant([], _ => factor));

    /// <summary>Exact GELU as PyTorch exports it (opset &lt; 20): 0.5 * x * (1 + Erf(x / sqrt(2))).</summary>
    public string Gelu(string x)
    {
        var erf = Node("Erf", [Node("Div", [x, Constant([], _ => Math.Sqrt(2))])]);
        return Scale(Mul(x, Add(erf, Constant([], _ => 1))), 0.5);
    }

    /// <summary>Split along <paramref name="axis"/> into the given sizes (sizes as an int64 input, opset 13+).</summary>
    public string[] Split(string x, int axis, params long[] sizes)
    {
        var index = _counter++;
        var node = new NodeProto { Name = $"Split_{index}", OpType = "Split" };
        node.Input.Add(x);
        node.Input.Add(Int64Constant(sizes));
        for (var i = 0; i < sizes.Length; i++)
        {
            node.Output.Add($"split_{index}_{i}");
        }
        node.Attribute.Add(Int("axis", axis));
        _graph.Node.Add(node);
        return [.. node.Output];
    }

    /// <summary>Reshape to a constant shape.</summary>
    public string Reshape(string x, params long[] shape) => Node("Reshape", [x, Int64Constant(shape)]);

    /// <summary>Transpose with an explicit permutation.</summary>
    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], null, Ints("perm", perm));

    /// <summary>MatMul (numpy semantics: batched and broadcasting).</summary>
    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public string Softmax(string x, int axis = -1) => Node("Softmax", [x], null, Int("axis", axis));

    /// <summary>
    /// nn.Linear on a [.., inFeatures] tensor of rank &gt; 2 as PyTorch exports it: MatMul with the transposed weight
    /// stored as [inFeatures, outFeatures], then Add of the bias.
    /// </summary>
    public string MatMulLinear(string x, int inFeatures, int outFeatures) =>
        Add(MatMul(x, Weight([inFeatures, outFeatures], Math.Sqrt(6.0 / inFeatures))), Weight([outFeatures], 0.05));

    /// <summary>LayerNormalization over the last axis with gamma near 1 and a small beta (opset 17+).</summary>
    public string LayerNorm(string x, int features)
    {
        var scale = Constant([features], _ => 0.8 + 0.4 * _random.NextDouble());
        var beta = Constant([features], _ => 0.1 * (_random.NextDouble() - 0.5));
        return Node("LayerNormalization", [x, scale, beta], null, Int("axis", -1), Float("epsilon", 1e-5f));
    }

    private string Weight(int[] shape, double bound) => Constant(shape, _ => bound * (2 * _random.NextDouble() - 1));

    private string Constant(int[] shape, Func<int, double> value)
    {
        var count = Shapes.ElementCount(shape);
        var data = new float[count];
        for (var i = 0; i < count; i++)
        {
            data[i] = (float)value(i);
        }
        var name = $"param_{_counter++}";
        _graph.Initializer.Add(OnnxTensors.ToProto(Tensor.FromFloats(shape, data), name));
        return name;
    }

    private string Int64Constant(long[] values)
    {
        var name = $"param_{_counter++}";
        _graph.Initializer.Add(OnnxTensors.ToProto(Tensor.FromInt64s([values.Length], values), name));
        return name;
    }

    private string Node(string opType, IEnumerable<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        var index = _counter++;
        var node = new NodeProto { Name = $"{opType}_{index}", OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? $"{opType.ToLowerInvariant()}_{index}");
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node.Output[0];
    }

    private static ValueInfoProto ValueInfo(string name, int[] shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.AddRange(shape.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = tensorShape } } };
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
