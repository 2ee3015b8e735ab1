using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Turns the QDQ form of a quantized layer into the integer operator onnxruntime runs for it:
/// QuantizeLinear(Conv(DequantizeLinear(x), DequantizeLinear(w), b)) becomes QLinearConv, and
/// QuantizeLinear(MatMul(DequantizeLinear(a), DequantizeLinear(b))) becomes QLinearMatMul (and the same around Add
/// becomes com.microsoft QLinearAdd, and around a MaxPool of one scale and zero point a MaxPool of the 8-bit data), so the product runs on
/// 8-bit data with the requantization in the kernel's epilogue and the activations stay 8-bit between layers. A
/// classifier's Gemm(DequantizeLinear(x), DequantizeLinear(W)) with a float output becomes MatMulInteger and a float scale and bias.
/// </summary>
/// <remarks>
/// Needs constant scales and zero points, x/a and y per tensor, weights per tensor or per output channel (Conv: axis
/// 0; MatMul: per column of a 2-D B). A Relu before the QuantizeLinear is dropped when the output zero point is the
/// type's minimum (then quantization already clamps at zero), a Clip when the quantized range lies within its bounds. A float bias b becomes round_half_even(b / (x_scale *
/// w_scale[m])) in int32, as onnxruntime quantizes it; a DequantizeLinear'd int32 bias with that scale is used as it
/// is. Runs before constant folding, which would otherwise dequantize the weights to float32.
/// </remarks>
public sealed class FuseQuantizedOperators : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        var uses = graph.BuildUses();
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            if (graph.Nodes[i] is { OpType: "QuantizeLinear" } quantize && Fuse(graph, uses, quantize) is { } fused)
            {
                graph.Nodes[i] = fused;
                uses = graph.BuildUses();
                changed = true;
            }
        }
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            if (graph.Nodes[i] is { OpType: "Gemm" } gemm && FuseGemm(graph, gemm) is { } integer)
            {
                graph.Nodes.RemoveAt(i);
                graph.Nodes.InsertRange(i, integer);
                i += integer.Length - 1;
                changed = true;
            }
        }
        if (changed)
        {
            new EliminateDeadNodes().Run(graph);
        }
        return changed;
    }

    private static Node? Fuse(Graph graph, Dictionary<Value, List<Node>> uses, Node quantize)
    {
        if (!PerTensorParameters(quantize, out var yScale, out var yZero) || yZero is null)
        {
            return null;
        }
        var product = SoleProducer(graph, uses, quantize.Inputs[0]);
        if (product is { OpType: "Relu" } relu)
        {
            var type = yZero.ElementType;
            if (relu.Epilogue.Count > 0 || yZero.Constant!.GetInt64(0) != Quantization.Range(type).Min)
            {
                return null;
            }
            product = SoleProducer(graph, uses, relu.Inputs[0]);
        }
        else if (product is { OpType: "Clip" } clip)
        {
            if (clip.Epilogue.Count > 0 || !ClipWithinQuantizedRange(clip, yScale!.Constant!, yZero.Constant!))
            {
                return null;
            }
            product = SoleProducer(graph, uses, clip.Inputs[0]);
        }
        if (product is null || product.Epilogue.Count > 0)
        {
            return null;
        }
        return product.OpType switch
        {
            "Conv" => FuseConv(graph, product, quantize, yScale!, yZero),
            "MatMul" => FuseMatMul(graph, product, quantize, yScale!, yZero),
            "Add" => FuseAdd(graph, product, quantize, yScale!, yZero),
            "MaxPool" => FuseMaxPool(product, quantize, yScale!, yZero),
            _ => null,
        };
    }

    private static Node? FuseConv(Graph graph, Node conv, Node quantize, Value yScale, Value yZero)
    {
        if (Dequantized(conv.Inputs[0]) is not { } x || !PerTensorParameters(x, out var xScale, out var xZero)
            || Dequantized(conv.Inputs[1]) is not { } w || !w.Inputs[0]!.IsConstant || !WeightParameters(w, axis: 0, out var wScale, out var wZero)
            || x.Inputs[0]!.ElementType is not (DataType.Int8 or DataType.UInt8) || w.Inputs[0]!.ElementType is not (DataType.Int8 or DataType.UInt8))
        {
            return null;
        }
        var bias = conv.Inputs.ElementAtOrDefault(2) is { } b ? QuantizedBias(graph, b, xScale!.Constant!, wScale!.Constant!) : null;
        if (conv.Inputs.ElementAtOrDefault(2) is not null && bias is null)
        {
            return null;
        }
        var op = OperatorRegistry.Resolve("QLinearConv", Math.Max(conv.Opset, 10), conv.Name);
        return new Node(conv.Name, op, Math.Max(conv.Opset, 10), conv.Attributes,
            [x.Inputs[0], xScale, xZero ?? ZeroPoint(graph, x.Inputs[0]!.ElementType), w.Inputs[0], wScale, wZero ?? ZeroPoint(graph, w.Inputs[0]!.ElementType), yScale, yZero, bias],
            [quantize.Outputs[0]]);
    }

    private static Node? FuseMatMul(Graph graph, Node matMul, Node quantize, Value yScale, Value yZero)
    {
        if (Dequantized(matMul.Inputs[0]) is not { } a || !PerTensorParameters(a, out var aScale, out var aZero)
            || Dequantized(matMul.Inputs[1]) is not { } b || b.Inputs[0]!.Shape is not { Length: 2 } || !WeightParameters(b, axis: 1, out var bScale, out var bZero)
            || a.Inputs[0]!.ElementType is not (DataType.Int8 or DataType.UInt8) || b.Inputs[0]!.ElementType is not (DataType.Int8 or DataType.UInt8))
        {
            return null;
        }
        var op = OperatorRegistry.Resolve("QLinearMatMul", Math.Max(matMul.Opset, 10), matMul.Name);
        return new Node(matMul.Name, op, Math.Max(matMul.Opset, 10), NoAttributes.Instance,
            [a.Inputs[0], aScale, aZero ?? ZeroPoint(graph, a.Inputs[0]!.ElementType), b.Inputs[0], bScale, bZero ?? ZeroPoint(graph, b.Inputs[0]!.ElementType), yScale, yZero], [quantize.Outputs[0]]);
    }

    /// <summary>
    /// Gemm(DequantizeLinear(x), DequantizeLinear(W const), b) with a float output (a quantized network's classifier)
    /// becomes MatMulInteger(x, W') on the 8-bit data, W' the weights laid out K x N at compile time, then y = acc *
    /// (x_scale * w_scale[n]) + b in float: the integer sum is exact, so y differs from the float Gemm on the
    /// dequantized values only by float rounding, and the product reads the 8-bit weights instead of float32 ones.
    /// </summary>
    /// <remarks>alpha 1, transA 0, x 2-D per tensor, W per tensor or per output column, b N float values (beta 1; a constant or a DequantizeLinear of
    /// constants) or absent.</remarks>
    private static Node[]? FuseGemm(Graph graph, Node gemm)
    {
        var attributes = gemm.GetAttributes<GemmAttributes>();
        var output = gemm.Outputs[0];
        if (gemm.Epilogue.Count > 0 || attributes.Alpha != 1 || attributes.TransA || output is not { ElementType: DataType.Float32, Shape: [var m, var n] }
            || Dequantized(gemm.Inputs[0]) is not { } x || !PerTensorParameters(x, out var xScale, out var xZero) || x.Inputs[0]!.ElementType is not (DataType.Int8 or DataType.UInt8)
            || Dequantized(gemm.Inputs[1]) is not { } w || w.Inputs[0]?.Constant is not { Rank: 2, DataType: DataType.Int8 or DataType.UInt8 } weights
            || !WeightParameters(w, axis: attributes.TransB ? 0 : 1, out var wScale, out var wZero) || wZero is { Constant: null } || weights.Shape[attributes.TransB ? 0 : 1] != n)
        {
            return null;
        }
        var bias = gemm.Inputs.ElementAtOrDefault(2);
        if (bias is not null)
        {
            // A DequantizeLinear'd constant bias (what the quantizer writes) is dequantized here, as folding would.
            var biasValues = bias.Constant ?? (Dequantized(bias) is { } dq && dq.Inputs.All(v => v is null || v.IsConstant)
                ? dq.Operator.Evaluate(dq.Attributes, [.. dq.Inputs.Select(v => v?.Constant)])[0] : null);
            if (attributes.Beta != 1 || biasValues is not { DataType: DataType.Float32 } b || b.Length != n || b.Shape.Length == 2 && b.Shape[0] != 1)
            {
                return null;
            }
            bias = bias.IsConstant ? bias : graph.AddConstant(graph.UniqueName(bias.Name), biasValues);
        }
        var laidOut = attributes.TransB
            ? OperatorRegistry.Resolve("Transpose", 13, gemm.Name).Evaluate(new TransposeAttributes([1, 0]), [weights])[0]
            : weights;
        var xStep = Quantization.Scales(xScale!.Constant!)[0];
        var columnScales = Quantization.Scales(wScale!.Constant!);
        var scales = Enumerable.Range(0, n).Select(j => xStep * columnScales[columnScales.Length == 1 ? 0 : j]).ToArray();
        var name = gemm.Name;
        var sums = new Value(graph.UniqueName(name + "_sums"), DataType.Int32, [m, n]);
        var floats = new Value(graph.UniqueName(name + "_sums_float"), DataType.Float32, [m, n]);
        var scaled = bias is null ? output : new Value(graph.UniqueName(name + "_scaled"), DataType.Float32, [m, n]);
        Node[] nodes =
        [
            new(name, OperatorRegistry.Resolve("MatMulInteger", 10, name), 10, NoAttributes.Instance,
                [x.Inputs[0], graph.AddConstant(graph.UniqueName(name + "_weights"), laidOut), xZero, wZero], [sums]),
            new(name + "_cast", OperatorRegistry.Resolve("Cast", 13, name), 13, new CastAttributes(DataType.Float32), [sums], [floats]),
            new(name + "_scale", OperatorRegistry.Resolve("Mul", 14, name), 14, NoAttributes.Instance,
                [floats, graph.AddConstant(graph.UniqueName(name + "_scales"), Tensor.FromFloats([n], scales))], [scaled]),
        ];
        if (bias is not null)
        {
            nodes = [.. nodes, new(name + "_bias", OperatorRegistry.Resolve("Add", 14, name), 14, NoAttributes.Instance, [scaled, bias], [output])];
        }
        foreach (var node in nodes)
        {
            Graph.InferNodeTypes(node);
        }
        return nodes;
    }

    /// <summary>
    /// QuantizeLinear(Add(DequantizeLinear(a), DequantizeLinear(b))) of one shape and 8-bit type becomes com.microsoft
    /// QLinearAdd, whose evaluation takes the same float32 steps, so the residual Adds of quantized networks run on
    /// 8-bit data and give the bits they gave in float.
    /// </summary>
    private static Node? FuseAdd(Graph graph, Node add, Node quantize, Value yScale, Value yZero)
    {
        var type = yZero.ElementType;
        if (Dequantized(add.Inputs[0]) is not { } a || !PerTensorParameters(a, out var aScale, out var aZero)
            || Dequantized(add.Inputs[1]) is not { } b || !PerTensorParameters(b, out var bScale, out var bZero)
            || a.Inputs[0]!.ElementType != type || b.Inputs[0]!.ElementType != type
            || a.Inputs[0]!.Shape is not { } shape || b.Inputs[0]!.Shape is not { } bShape || !shape.SequenceEqual(bShape))
        {
            return null;
        }
        var op = OperatorRegistry.Resolve("QLinearAdd", 1, add.Name);
        return new Node(add.Name, op, 1, NoAttributes.Instance,
            [a.Inputs[0], aScale, aZero ?? ZeroPoint(graph, type), b.Inputs[0], bScale, bZero ?? ZeroPoint(graph, type), yScale, yZero], [quantize.Outputs[0]]);
    }

    /// <summary>
    /// QuantizeLinear(MaxPool(DequantizeLinear(x))) with y's scale and zero point x's becomes MaxPool of x itself:
    /// dequantization is increasing, so the maximum commutes with it, and quantizing (q - zp) * scale back by the same
    /// scale gives q again (the float error of the product and the division is far below half a step for 8-bit q).
    /// So the stem of a quantized ResNet stays 8-bit, with the same bits.
    /// </summary>
    private static Node? FuseMaxPool(Node maxPool, Node quantize, Value yScale, Value yZero)
    {
        if (maxPool.Outputs.Skip(1).Any(o => o is not null) || Dequantized(maxPool.Inputs[0]) is not { } x || !PerTensorParameters(x, out var xScale, out var xZero)
            || x.Inputs[0]!.ElementType != yZero.ElementType || xZero?.Constant is not { } xZeroTensor || xZeroTensor.GetInt64(0) != yZero.Constant!.GetInt64(0))
        {
            return null;
        }
        var scale = (float)xScale!.Constant!.GetDouble(0);
        if (scale != (float)yScale.Constant!.GetDouble(0) || !float.IsNormal(scale) || scale < 0)
        {
            return null;
        }
        return new Node(maxPool.Name, maxPool.Operator, maxPool.Opset, maxPool.Attributes, [x.Inputs[0]], [quantize.Outputs[0]]);
    }

    /// <summary>
    /// True when quantizing to y's scale and zero point already clamps at least as tightly as the Clip: its bounds
    /// lie outside [scale * (qmin - zp), scale * (qmax - zp)] by at most float epsilon (onnxruntime's
    /// ClipQuantFusion test, so both drop the same Clips, e.g. ReLU6 before a range calibrated within [0, 6]).
    /// </summary>
    private static bool ClipWithinQuantizedRange(Node clip, Tensor yScale, Tensor yZero)
    {
        var attributes = clip.GetAttributes<ClipAttributes>();
        if (clip.Inputs.Skip(1).Any(b => b is not null && b.Constant is not { Length: 1 }))
        {
            return false;
        }
        var min = (float?)clip.Inputs.ElementAtOrDefault(1)?.Constant!.GetDouble(0) ?? attributes.Min ?? float.MinValue;
        var max = (float?)clip.Inputs.ElementAtOrDefault(2)?.Constant!.GetDouble(0) ?? attributes.Max ?? float.MaxValue;
        var (qmin, qmax) = Quantization.Range(yZero.DataType);
        var scale = (float)yScale.GetDouble(0);
        var zero = (int)yZero.GetInt64(0);
        var lower = scale * (qmin - zero);
        var upper = scale * (qmax - zero);
        return min - lower <= MachineEpsilon && upper - max <= MachineEpsilon;
    }

    /// <summary>FLT_EPSILON, as onnxruntime's std::numeric_limits&lt;float&gt;::epsilon() (not .NET's float.Epsilon, the smallest denormal).</summary>
    private const float MachineEpsilon = 1.1920929E-07f;

    /// <summary>The producer of <paramref name="value"/> when nothing else reads the value and it is no graph output.</summary>
    private static Node? SoleProducer(Graph graph, Dictionary<Value, List<Node>> uses, Value? value) =>
        value is { Producer: { } producer } && !graph.IsOutput(value) && uses.TryGetValue(value, out var readers) && readers.Count == 1 ? producer : null;

    /// <summary>The DequantizeLinear that produces <paramref name="value"/> (it may have other readers), or null.</summary>
    private static Node? Dequantized(Value? value) => value?.Producer is { OpType: "DequantizeLinear" } dq && dq.Epilogue.Count == 0 ? dq : null;

    /// <summary>True when the node's scale and zero point (inputs 1 and 2) are constants with one element each.</summary>
    private static bool PerTensorParameters(Node node, out Value? scale, out Value? zero)
    {
        scale = node.Inputs[1];
        zero = node.Inputs.ElementAtOrDefault(2);
        return scale is { Constant: { Length: 1, DataType: DataType.Float32 } } && (zero is null || zero.Constant is { Length: 1 })
            && node.GetAttributes<LinearQuantizationAttributes>().BlockSize == 0;
    }

    /// <summary>True when a weight's DequantizeLinear is per tensor, or per channel along <paramref name="axis"/>, with constant parameters.</summary>
    private static bool WeightParameters(Node dq, int axis, out Value? scale, out Value? zero)
    {
        if (PerTensorParameters(dq, out scale, out zero))
        {
            return true;
        }
        var a = dq.GetAttributes<LinearQuantizationAttributes>();
        var shape = dq.Inputs[0]!.Shape;
        return scale is { Constant: { Rank: 1, DataType: DataType.Float32 } s } && (zero is null || zero.IsConstant) && a.BlockSize == 0 && shape is not null
            && (a.Axis == axis || a.Axis == axis - shape.Length) && s.Length == shape[axis];
    }

    /// <summary>
    /// The int32 bias of the fused product: the quantized input of a DequantizeLinear whose scale is x_scale *
    /// w_scale, or a constant float bias quantized to that scale; null when the bias is neither.
    /// </summary>
    private static Value? QuantizedBias(Graph graph, Value bias, Tensor xScale, Tensor wScale)
    {
        var x = Quantization.Scales(xScale)[0];
        var scales = Quantization.Scales(wScale).Select(s => x * s).ToArray();
        if (Dequantized(bias) is { } dq && dq.Inputs[0] is { ElementType: DataType.Int32 } quantized && dq.Inputs[1]?.Constant is { DataType: DataType.Float32 } biasScale
            && biasScale.AsFloat32().Select((s, i) => Math.Abs(s - scales[scales.Length == 1 ? 0 : i]) <= 1e-6f * Math.Abs(s)).All(ok => ok)
            && (dq.Inputs.ElementAtOrDefault(2) is null || dq.Inputs[2]!.Constant is { } zero && zero.ToInt64Array().All(z => z == 0)))
        {
            return quantized;
        }
        if (bias.Constant is not { DataType: DataType.Float32 } b)
        {
            return null;
        }
        var values = b.AsFloat32();
        var quantizedBias = values.Select((v, m) => (int)Math.Clamp(Math.Round((double)v / scales[scales.Length == 1 ? 0 : m], MidpointRounding.ToEven), int.MinValue, int.MaxValue)).ToArray();
        return graph.AddConstant(graph.UniqueName(bias.Name + "_quantized"), new Tensor(DataType.Int32, b.Shape, quantizedBias));
    }

    /// <summary>A zero zero point of <paramref name="type"/> (QLinear operators require one where DequantizeLinear may omit it).</summary>
    private static Value ZeroPoint(Graph graph, DataType type) =>
        graph.AddConstant(graph.UniqueName("zero_point_" + type.ToString().ToLowerInvariant()), Tensor.Zeros(type, []));
}
