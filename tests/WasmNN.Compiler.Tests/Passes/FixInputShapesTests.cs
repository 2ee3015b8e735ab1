using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

public sealed class FixInputShapesTests
{
    /// <summary>x: [batch, 3, 48, ?] (paddle2onnx's OCR input, one dim named, one not) and mask: [batch, seq].</summary>
    private static Graph TwoDynamicInputs()
    {
        var g = new Graph("dynamic", 13);
        var x = new Value("x", DataType.Float32, [-1, 3, 48, -1]) { DimNames = ["batch", null, null, Value.UnnamedDimension] };
        var mask = new Value("mask", DataType.Float32, [-1, -1]) { DimNames = ["batch", "seq"] };
        g.Inputs.Add(x);
        g.Inputs.Add(mask);
        g.Outputs.Add(g.AddNode("Relu", [x], ["y"]).Outputs[0]!);
        g.Outputs.Add(g.AddNode("Relu", [mask], ["m"]).Outputs[0]!);
        return g;
    }

    private static ShapeBindings Bind(Dictionary<string, int[]>? shapes = null, Dictionary<string, int>? dims = null) =>
        new(shapes ?? [], dims ?? []);

    [Fact]
    public void Run_ShapeAndNamedDimension_EveryInputStaticAndSymbolAppliedEverywhere()
    {
        var g = TwoDynamicInputs();

        var changed = new FixInputShapes(Bind(new() { ["x"] = [2, 3, 48, 320] }, new() { ["batch"] = 2, ["seq"] = 7 })).Run(g);

        Assert.True(changed);
        Assert.Equal([2, 3, 48, 320], g.Inputs[0].Shape!);
        Assert.Equal([2, 7], g.Inputs[1].Shape!);
        // What the model declared stays recorded, for the metadata.
        Assert.Equal("batch,,,?", string.Join(",", g.Inputs[0].DimNames!));
    }

    [Fact]
    public void Run_NoBindings_OneLineNamesEveryDynamicInputItsDimensionsAndTheFlags()
    {
        var e = Assert.Throws<InputShapeException>(() => new FixInputShapes(ShapeBindings.None).Run(TwoDynamicInputs()));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("input 'x' has dynamic dimensions (?x3x48x?; dim 0 'batch'; dim 3 unnamed): fix them with --shape x=1,3,48,N (or --dim batch=N)", e.Message);
        Assert.Contains("input 'mask' has dynamic dimensions (?x?; dim 0 'batch', dim 1 'seq'): fix them with --shape mask=1,N (or --dim batch=N --dim seq=N)", e.Message);
    }

    [Fact]
    public void Run_OnlyTheSharedSymbolFixed_ErrorListsWhatIsLeft()
    {
        var e = Assert.Throws<InputShapeException>(() => new FixInputShapes(Bind(dims: new() { ["batch"] = 1 })).Run(TwoDynamicInputs()));

        Assert.Contains("input 'x' has dynamic dimensions (1x3x48x?; dim 3 unnamed)", e.Message);
        Assert.Contains("input 'mask' has dynamic dimensions (1x?; dim 1 'seq')", e.Message);
    }

    [Theory]
    [InlineData("y", new[] { 1, 3, 48, 320 }, "the model has no input 'y' (inputs: x, mask)")]
    [InlineData("x", new[] { 1, 3, 48 }, "input 'x' has rank 4 (?x3x48x?), not 3")]
    [InlineData("x", new[] { 1, 3, 0, 320 }, "dimension sizes must be positive (dimension 2 is 0)")]
    [InlineData("x", new[] { 1, 4, 48, 320 }, "dimension 1 of input 'x' is fixed at 3 by the model (?x3x48x?)")]
    public void Run_ShapeThatDoesNotFit_OneLineNamingInputAndProblem(string input, int[] shape, string expected)
    {
        var e = Assert.Throws<InputShapeException>(() => new FixInputShapes(Bind(new() { [input] = shape }, new() { ["seq"] = 5 })).Run(TwoDynamicInputs()));

        Assert.EndsWith(expected, e.Message);
        Assert.StartsWith($"--shape {input}=", e.Message);
    }

    [Fact]
    public void Run_ShapeContradictsDimension_Error()
    {
        var e = Assert.Throws<InputShapeException>(() =>
            new FixInputShapes(Bind(new() { ["x"] = [2, 3, 48, 320] }, new() { ["batch"] = 1, ["seq"] = 5 })).Run(TwoDynamicInputs()));

        Assert.Equal("--shape x=2,3,48,320 sets dimension 0 ('batch') to 2 but --dim batch=1", e.Message);
    }

    [Theory]
    [InlineData("time", 4, "--dim time=4: no input has a dimension named 'time' (named dimensions: batch, seq)")]
    [InlineData("seq", 0, "--dim seq=0: dimension sizes must be positive")]
    public void Run_DimensionThatDoesNotFit_Error(string symbol, int size, string expected)
    {
        var e = Assert.Throws<InputShapeException>(() => new FixInputShapes(Bind(dims: new() { [symbol] = size })).Run(TwoDynamicInputs()));

        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Run_StaticModelWithoutBindings_Unchanged()
    {
        var g = new Graph("static", 13);
        var x = new Value("x", DataType.Float32, [1, 4]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Relu", [x], ["y"]).Outputs[0]!);

        Assert.False(new FixInputShapes(ShapeBindings.None).Run(g));
        Assert.Equal([1, 4], x.Shape!);
    }
}
