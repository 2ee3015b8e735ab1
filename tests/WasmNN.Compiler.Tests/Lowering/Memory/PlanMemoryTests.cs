using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Lowering.Memory;

public sealed class PlanMemoryTests
{
    private static readonly MemoryPlanOptions s_noHints = new(_ => null, _ => [], _ => 0);

    [Theory]
    [InlineData("squeezenet1_1")]
    [InlineData("mobilenet_v2")]
    public void Run_SharedModel_LiveBuffersNeverOverlapAndReuseSavesMemory(string name)
    {
        var graph = OnnxImporter.Import(TestPaths.Model(name + ".onnx"));
        PassPipeline.Run(graph, new PassOptions(Verify: true));

        var plan = PlanMemory.Run(graph, s_noHints);

        // Independent liveness: a value lives from its producer's index to its last reader's (graph I/O: always).
        var first = new Dictionary<Value, int>();
        var last = new Dictionary<Value, int>();
        foreach (var v in graph.Inputs.Concat(graph.Outputs))
        {
            (first[v], last[v]) = (-1, int.MaxValue);
        }
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            foreach (var v in graph.Nodes[i].AllInputs.Where(v => !v.IsConstant))
            {
                last[v] = Math.Max(last.GetValueOrDefault(v, i), i);
            }
            foreach (var v in graph.Nodes[i].Outputs.OfType<Value>())
            {
                first.TryAdd(v, i);
                last.TryAdd(v, i);
            }
        }
        var values = first.Keys.ToList();
        foreach (var a in values)
        {
            foreach (var b in values.Where(b => b != a && first[a] <= last[b] && first[b] <= last[a]))
            {
                long aStart = plan.Offsets[a], bStart = plan.Offsets[b];
                var disjoint = aStart + PlanMemory.ByteSize(a) <= bStart || bStart + PlanMemory.ByteSize(b) <= aStart;
                Assert.True(disjoint, $"'{a.Name}' and '{b.Name}' are live together but share bytes");
            }
            Assert.Equal(0, plan.Offsets[a] % PlanMemory.Alignment);
        }
        Assert.True(plan.ArenaBytes * 2 < plan.UnsharedBytes, $"arena {plan.ArenaBytes} vs unshared {plan.UnsharedBytes}");
    }

    [Fact]
    public void Run_ViewAndInPlaceHints_ShareTheSourceBuffer()
    {
        var graph = new Graph("chain", 13);
        var x = new Value("x", DataType.Float32, [1, 8]);
        graph.Inputs.Add(x);
        var relu = graph.AddNode("Relu", [x], ["a"]).Outputs[0]!;
        var neg = graph.AddNode("Neg", [relu], ["b"]).Outputs[0]!;
        var flat = graph.AddNode("Flatten", [neg], ["c"]).Outputs[0]!;
        var y = graph.AddNode("Abs", [flat], ["y"]).Outputs[0]!;
        graph.Outputs.Add(y);

        var plan = PlanMemory.Run(graph, new MemoryPlanOptions(
            n => n.OpType == "Flatten" ? n.Inputs[0] : null,
            n => n.OpType is "Neg" ? [n.Inputs[0]!] : [],
            _ => 0));

        Assert.Equal(plan.Offsets[relu], plan.Offsets[neg]);
        Assert.Equal(plan.Offsets[neg], plan.Offsets[flat]);
        Assert.NotEqual(plan.Offsets[x], plan.Offsets[relu]);
        Assert.NotEqual(plan.Offsets[y], plan.Offsets[flat]);
    }
}
