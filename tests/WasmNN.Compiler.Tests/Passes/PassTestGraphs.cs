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
}
