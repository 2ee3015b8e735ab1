using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// Loop's and Scan's reference evaluations (what constant folding uses), on the bodies of the ONNX node tests
/// loop11 (y + x[i] per iteration, x = [1..5]) and scan9_sum (a running sum over the rows), with values from their
/// definitions.
/// </summary>
public sealed class LoopAndScanOperatorTests
{
    [Fact]
    public void Evaluate_LoopWithTripCountFive_AddsOneElementPerIteration()
    {
        var body = new Graph("loop_body", 11);
        var iteration = new Value("i", DataType.Int64, []);
        var condIn = new Value("cond_in", DataType.Bool, []);
        var yIn = new Value("y_in", DataType.Float32, [1]);
        body.Inputs.AddRange([iteration, condIn, yIn]);
        var x = body.AddConstant("x", Tensor.FromFloats([5], [1, 2, 3, 4, 5]));
        var start = body.AddNode("Unsqueeze", [iteration], ["start"], new AttributeBag(("axes", new long[] { 0 })), "start").Outputs[0]!;
        var end = body.AddNode("Unsqueeze", [body.AddNode("Add", [iteration, body.AddConstant("one", Tensor.FromInt64s([], [1]))], ["next"], name: "next").Outputs[0]!],
            ["end"], new AttributeBag(("axes", new long[] { 0 })), "end").Outputs[0]!;
        var slice = body.AddNode("Slice", [x, start, end], ["slice"], name: "slice").Outputs[0]!;
        var yOut = body.AddNode("Add", [yIn, slice], ["y_out"], name: "add").Outputs[0]!;
        body.Outputs.AddRange([body.AddNode("Identity", [condIn], ["cond_out"], name: "cond").Outputs[0]!, yOut,
            body.AddNode("Identity", [yOut], ["scan_out"], name: "copy").Outputs[0]!]);
        var loop = OperatorRegistry.Resolve("Loop", 11, "loop");

        var outputs = loop.Evaluate(loop.ParseAttributes(new AttributeBag(("body", body)) { InputCount = 3 }, 11),
            [Tensor.FromInt64s([], [5]), new Tensor(DataType.Bool, [], new[] { true }), Tensor.FromFloats([1], [0])]);

        Assert.Equal([15f], outputs[0].AsFloat32());
        Assert.Equal([5, 1], outputs[1].Shape);
        Assert.Equal([1f, 3, 6, 10, 15], outputs[1].AsFloat32());
    }

    [Fact]
    public void Evaluate_ScanSum_RunningSumOfTheRows()
    {
        var body = Passes.UnrollLoopsTests.ScanSumBody();
        var scan = OperatorRegistry.Resolve("Scan", 9, "scan");

        var outputs = scan.Evaluate(scan.ParseAttributes(new AttributeBag(("body", body), ("num_scan_inputs", 1L)) { InputCount = 2 }, 9),
            [Tensor.FromFloats([2], [0, 0]), Tensor.FromFloats([3, 2], [1, 2, 3, 4, 5, 6])]);

        Assert.Equal([9f, 12], outputs[0].AsFloat32());
        Assert.Equal([1f, 2, 4, 6, 9, 12], outputs[1].AsFloat32());
    }
}
