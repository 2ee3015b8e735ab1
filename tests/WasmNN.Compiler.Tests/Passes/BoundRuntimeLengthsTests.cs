using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>BoundRuntimeLengths: maxima and run-time dimensions through consumers that keep positions, and a rejection.</summary>
public sealed class BoundRuntimeLengthsTests
{
    [Fact]
    public void BoundRuntimeLengths_NonZeroTransposeGather_CarriesTheLength()
    {
        // x[2,3] has at most 6 nonzeros: NonZero [2,<=6], Transpose [<=6,2], Gather of rows of t[4] by them [<=6,2].
        var g = new Graph("nonzero", 13);
        var x = new Value("x", DataType.Float32, [2, 3]);
        var table = new Value("table", DataType.Float32, [4]);
        g.Inputs.AddRange([x, table]);
        var coordinates = g.AddNode("NonZero", [x], ["coordinates"], name: "nonzero").Outputs[0]!;
        var pairs = g.AddNode("Transpose", [coordinates], ["pairs"], new AttributeBag(("perm", new long[] { 1, 0 })), "transpose").Outputs[0]!;
        g.Outputs.Add(g.AddNode("Gather", [table, pairs], ["picked"], name: "gather").Outputs[0]!);

        GoldenIr.Check("BoundRuntimeLengths.NonZeroTransposeGather", g, new BoundRuntimeLengths());
    }

    [Fact]
    public void BoundRuntimeLengths_SoftmaxOverTheLength_IsUnsupported()
    {
        var g = new Graph("softmax", 13);
        var x = new Value("x", DataType.Float32, [5]);
        g.Inputs.Add(x);
        var rows = g.AddNode("NonZero", [x], ["rows"], name: "nonzero").Outputs[0]!;
        var cast = g.AddNode("Cast", [rows], ["f"], new AttributeBag(("to", 1L)), "cast").Outputs[0]!;
        g.Outputs.Add(g.AddNode("Softmax", [cast], ["p"], name: "softmax").Outputs[0]!);

        var e = Assert.Throws<UnsupportedOperatorException>(() => new BoundRuntimeLengths().Run(g));

        Assert.Contains("node 'softmax' (Softmax", e.Message);
        Assert.Contains("NonZero 'nonzero'", e.Message);
    }
}
