using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>Small hand-built graphs for focused pass tests.</summary>
internal static class PassTestGraphs
{
    public static Tensor Random(int[] shape, int seed, double scale = 1.0)
    {
        var random = new Random(seed);
        var data = new float[Shapes.ElementCount(shape)];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        }
        return Tensor.FromFloats(shape, data);
    }

    /// <summary>x[1,2,5,5] -> Conv(3x3, 3 out, pad 1) -> BatchNormalization -> y.</summary>
    public static Graph ConvBatchNorm()
    {
        var g = new Graph("conv_bn", 13);
        var x = new Value("x", DataType.Float32, [1, 2, 5, 5]);
        g.Inputs.Add(x);
        var w = g.AddConstant("w", Random([3, 2, 3, 3], 1));
        var b = g.AddConstant("b", Random([3], 2));
        var conv = g.AddNode("Conv", [x, w, b], ["c"], new AttributeBag(("pads", new long[] { 1, 1, 1, 1 })));
        var scale = g.AddConstant("scale", Tensor.FromFloats([3], [1.5f, 0.5f, -2f]));
        var beta = g.AddConstant("beta", Tensor.FromFloats([3], [0.1f, -0.2f, 0.3f]));
        var mean = g.AddConstant("mean", Tensor.FromFloats([3], [0.05f, 0.5f, -0.25f]));
        var variance = g.AddConstant("var", Tensor.FromFloats([3], [0.9f, 2f, 0.3f]));
        var bn = g.AddNode("BatchNormalization", [conv.Outputs[0], scale, beta, mean, variance], ["y"], new AttributeBag(("epsilon", 1e-3f)));
        g.Outputs.Add(bn.Outputs[0]!);
        return g;
    }

    /// <summary>x[3] -> Relu -> a -> Relu -> b.</summary>
    public static Graph TwoRelus()
    {
        var g = new Graph("two", 13);
        var x = new Value("x", DataType.Float32, [3]);
        g.Inputs.Add(x);
        var a = g.AddNode("Relu", [x], ["a"]);
        g.Outputs.Add(g.AddNode("Relu", [a.Outputs[0]], ["b"]).Outputs[0]!);
        return g;
    }

    /// <summary>
    /// y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0), [0]), [-1])) with x[2,3,4], PyTorch's
    /// x.view(x.size(0), -1): Shape(x) = [2,3,4], Gather 0 -> 2, Unsqueeze -> [2], Concat -> [2,-1], so y is [2,12].
    /// </summary>
    public static Graph ShapeChain()
    {
        var g = new Graph("chain", 13);
        var x = new Value("x", DataType.Float32, [2, 3, 4]);
        g.Inputs.Add(x);
        var shape = g.AddNode("Shape", [x], ["s"], name: "shape").Outputs[0];
        var batch = g.AddNode("Gather", [shape, g.AddConstant("zero", Tensor.FromInt64s([], [0]))], ["n"], name: "gather").Outputs[0];
        var unsqueezed = g.AddNode("Unsqueeze", [batch, g.AddConstant("axes", Tensor.FromInt64s([1], [0]))], ["n1"], name: "unsqueeze").Outputs[0];
        var target = g.AddNode("Concat", [unsqueezed, g.AddConstant("minus1", Tensor.FromInt64s([1], [-1]))], ["t"], new AttributeBag(("axis", 0L)), "concat").Outputs[0];
        g.Outputs.Add(g.AddNode("Reshape", [x, target], ["y"], name: "reshape").Outputs[0]!);
        return g;
    }
}
