using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using WasmNN.Runtime.Conformance;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// UnrollLoops on Scan and Loop bodies: golden IR, and the unrolled graphs compiled and run on our engine against
/// values worked out from the ONNX definitions (a running sum over the scanned rows; y + 1 per iteration).
/// </summary>
public sealed class UnrollLoopsTests
{
    /// <summary>The body of scan9_sum: sum_out = sum_in + next, scan_out = sum_out (state and row of [2]).</summary>
    internal static Graph ScanSumBody()
    {
        var body = new Graph("scan_body", 9);
        var sumIn = new Value("sum_in", DataType.Float32, [2]);
        var next = new Value("next", DataType.Float32, [2]);
        body.Inputs.AddRange([sumIn, next]);
        var sumOut = body.AddNode("Add", [sumIn, next], ["sum_out"], name: "add").Outputs[0]!;
        body.Outputs.AddRange([sumOut, body.AddNode("Identity", [sumOut], ["scan_out"], name: "copy").Outputs[0]!]);
        return body;
    }

    /// <summary>Scan (opset 9) of <see cref="ScanSumBody"/>: state sum[2], scanned x[3,2].</summary>
    private static Graph ScanSum()
    {
        var body = ScanSumBody();
        var g = new Graph("scan", 9);
        var initial = new Value("initial", DataType.Float32, [2]);
        var x = new Value("x", DataType.Float32, [3, 2]);
        g.Inputs.AddRange([initial, x]);
        var scan = g.AddNode("Scan", [initial, x], ["y", "z"], new AttributeBag(("body", body), ("num_scan_inputs", 1L)) { InputCount = 2, OutputCount = 2 }, "scan");
        g.Outputs.AddRange([scan.Outputs[0]!, scan.Outputs[1]!]);
        return g;
    }

    /// <summary>Loop (opset 11) with trip count <paramref name="trips"/>: carried y[1]; body y_out = y_in + 1, scan_out = y_out.</summary>
    private static Graph CountingLoop(Value trips)
    {
        var body = new Graph("loop_body", 11);
        var iteration = new Value("i", DataType.Int64, []);
        var condIn = new Value("cond_in", DataType.Bool, []);
        var yIn = new Value("y_in", DataType.Float32, [1]);
        body.Inputs.AddRange([iteration, condIn, yIn]);
        var yOut = body.AddNode("Add", [yIn, body.AddConstant("one", Tensor.FromFloats([1], [1f]))], ["y_out"], name: "add").Outputs[0]!;
        body.Outputs.AddRange([body.AddNode("Identity", [condIn], ["cond_out"], name: "keep_going").Outputs[0]!, yOut,
            body.AddNode("Identity", [yOut], ["scan_out"], name: "copy").Outputs[0]!]);
        var g = new Graph("loop", 11);
        var y = new Value("y", DataType.Float32, [1]);
        if (!trips.IsConstant)
        {
            g.Inputs.Add(trips);
        }
        g.Inputs.Add(y);
        var condition = g.AddConstant("cond", new Tensor(DataType.Bool, [], new[] { true }));
        var loop = g.AddNode("Loop", [trips, condition, y], ["y_final", "ys"], new AttributeBag(("body", body)) { InputCount = 3, OutputCount = 2 }, "loop");
        g.Outputs.AddRange([loop.Outputs[0]!, loop.Outputs[1]!]);
        return g;
    }

    [Fact]
    public void UnrollLoops_ScanSum_OneBodyCopyPerRowAndAStackedOutput()
    {
        GoldenIr.Check("UnrollLoops.ScanSum", ScanSum(), new UnrollLoops());
    }

    [Fact]
    public void Compile_ScanSum_RunningSumsOfTheRows()
    {
        using var executor = new WasmExecutor();

        var outputs = executor.Execute(ScanSum(), [Tensor.FromFloats([2], [0, 0]), Tensor.FromFloats([3, 2], [1, 2, 3, 4, 5, 6])]);

        Assert.Equal([9f, 12], outputs[0].AsFloat32());
        Assert.Equal([3, 2], outputs[1].Shape);
        Assert.Equal([1f, 2, 4, 6, 9, 12], outputs[1].AsFloat32());
    }

    [Fact]
    public void Compile_LoopWithConstantTripCount_CarriesAndStacks()
    {
        var g = CountingLoop(new Value("trips", Tensor.FromInt64s([], [3])));
        g.Initializers.Add(g.Nodes[0].Inputs[0]!);
        using var executor = new WasmExecutor();

        var outputs = executor.Execute(g, [Tensor.FromFloats([1], [5])]);

        Assert.Equal([8f], outputs[0].AsFloat32());
        Assert.Equal([3, 1], outputs[1].Shape);
        Assert.Equal([6f, 7, 8], outputs[1].AsFloat32());
    }

    [Fact]
    public void Compile_LoopWithRunTimeTripCount_IsUnsupportedNamingTheInput()
    {
        var g = CountingLoop(new Value("trips", DataType.Int64, []));

        var e = Assert.Throws<UnsupportedOperatorException>(() => ModelCompiler.Compile(g));

        Assert.Contains("node 'loop' (Loop, opset 11): 'trips'", e.Message);
    }
}
