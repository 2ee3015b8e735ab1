using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Tests.IR;

public sealed class GraphPrinterTests
{
    [Fact]
    public void Print_EveryKindOfEntry_ReadableDeterministicText()
    {
        var g = new Graph("p", 13);
        var x = new Value("x", DataType.Float32, [2, 3]);
        g.Inputs.AddRange([x, new Value("u", DataType.Float32, null), new Value("n", DataType.Int64, [-1, 4])]);
        var w = g.AddConstant("w", Tensor.FromFloats([3, 4], [.. Enumerable.Range(0, 12).Select(i => (float)i)]));
        g.AddConstant("big", Tensor.FromFloats([20], [.. Enumerable.Range(0, 20).Select(i => i - 10.5f)]));
        g.AddConstant("s", Tensor.Scalar(0.25f));
        g.AddConstant("end", Tensor.FromInt64s([1], [long.MaxValue]));
        var gemm = g.AddNode("Gemm", [x, w, null], ["y"], new AttributeBag(("alpha", 0.5f)), "gemm");
        gemm.Epilogue.Add(new EpilogueStep(OperatorRegistry.Find("Relu", 13)!, NoAttributes.Instance, [null], 0, "relu"));
        g.AddNode("Dropout", [x], ["d", null], name: "drop");
        g.AddNode("Cast", [gemm.Outputs[0]], ["z"], new AttributeBag(("to", 7L)), "cast");
        g.Outputs.AddRange([gemm.Outputs[0]!, g.Nodes[^1].Outputs[0]!]);

        var text = GraphPrinter.Print(g);

        Assert.Equal(
            """
            graph p (opset 13)
            input %x: float32[2,3]
            input %u: float32[*]
            input %n: int64[?,4]
            const %w: float32[3,4] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
            const %big: float32[20] {20 values in [-10.5, 8.5]}
            const %s: float32[] = [0.25]
            const %end: int64[1] = [9223372036854775807]
            node gemm = Gemm(%x, %w, _) {Alpha=0.5, Beta=1, TransA=false, TransB=false} -> %y: float32[2,4]
              epilogue Relu(@) from relu
            node drop = Dropout(%x) -> %d: float32[2,3], _
            node cast = Cast(%y) {To=Int64} -> %z: int64[2,4]
            output %y
            output %z

            """.Replace("\r\n", "\n"),
            text);
        Assert.Equal(text, GraphPrinter.Print(g));
    }

    [Fact]
    public void Print_StringConstantsAndStringNormalizer_QuotesTheText()
    {
        var g = new Graph("t", 10);
        var words = g.AddConstant("w", Tensor.FromStrings([2], ["monday", "Ärger"]));
        g.AddConstant("many", Tensor.FromStrings([20], [.. Enumerable.Range(0, 20).Select(i => $"w{i}")]));
        var x = new Value("x", DataType.String, [3]);
        g.Inputs.Add(x);
        g.AddNode("StringNormalizer", [x], ["y"], new AttributeBag(("stopwords", new[] { "monday" })), "norm");

        var text = GraphPrinter.Print(g);

        Assert.Contains("const %w: string[2] = [\"monday\", \"Ärger\"]\n", text);
        Assert.Contains("const %many: string[20] {20 strings}\n", text);
        Assert.Contains("node norm = StringNormalizer(%x) {CaseChangeAction=None, IsCaseSensitive=false, Stopwords=[\"monday\"], Locale=\"\"", text);
    }

    [Fact]
    public void Print_NanAndNegativeZero_RoundTripSpellings()
    {
        var g = new Graph("f", 13);
        g.AddConstant("c", Tensor.FromFloats([3], [float.NaN, -0f, 1e-7f]));

        Assert.Contains("const %c: float32[3] = [NaN, -0, 1E-07]\n", GraphPrinter.Print(g));
    }
}
