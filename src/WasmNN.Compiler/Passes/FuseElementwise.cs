using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;

namespace WasmNN.Compiler.Passes;

/// <summary>
/// Groups elementwise work into the kernel that produces its input, driven by operator pattern kinds: an anchor
/// (out-elementwise-fusable like Conv/Gemm/MatMul, or itself elementwise/broadcast) absorbs its sole consumer
/// when that consumer is elementwise or broadcast, keeps the shape and type, and reads the anchor's output once.
/// The consumer becomes an <see cref="EpilogueStep"/> on the anchor (Conv + Add + Relu, Conv + Clip, ...), so a
/// backend emits one kernel per node. Only float32 chains fuse: epilogues compute in float32 registers.
/// </summary>
public sealed class FuseElementwise : IGraphPass
{
    /// <inheritdoc/>
    public bool Run(Graph graph)
    {
        var changed = false;
        bool merged;
        do
        {
            merged = false;
            var uses = graph.BuildUses();
            foreach (var anchor in graph.Nodes)
            {
                if (TryAbsorbConsumer(graph, anchor, uses))
                {
                    merged = changed = true;
                    break; // The node list changed; rebuild uses and rescan.
                }
            }
        }
        while (merged);
        return changed;
    }

    private static bool TryAbsorbConsumer(Graph graph, Node anchor, Dictionary<Value, List<Node>> uses)
    {
        if (anchor.Operator.PatternKind is not (OpPatternKind.OutElementwiseFusable or OpPatternKind.Elementwise or OpPatternKind.Broadcast)
            || anchor.Outputs[0] is not { } produced || anchor.Outputs.Skip(1).Any(o => o is not null)
            || graph.IsOutput(produced) || !uses.TryGetValue(produced, out var readers) || readers.Count != 1
            || (anchor.Operator.PatternKind != OpPatternKind.OutElementwiseFusable && anchor.Inputs.Any(v => v is not null && v.ElementType != DataType.Float32)))
        {
            return false;
        }
        var consumer = readers[0];
        if (consumer.Operator.PatternKind is not (OpPatternKind.Elementwise or OpPatternKind.Broadcast)
            || consumer.Epilogue.Count > 0 || consumer.Outputs.Count != 1 || consumer.Outputs[0] is not { } result
            || result.ElementType != produced.ElementType || !Shapes.IsStatic(result.Shape) || !Shapes.AreEqual(result.Shape, produced.Shape)
            || consumer.Inputs.Count(v => v == produced) != 1
            // Epilogues run in float32 registers; integer and bool chains (masks, indices) stay separate kernels.
            || produced.ElementType != DataType.Float32 || consumer.Inputs.Any(v => v is not null && v.ElementType != DataType.Float32))
        {
            return false;
        }
        var accumulatorIndex = consumer.Inputs.ToList().IndexOf(produced);
        var operands = consumer.Inputs.Select((v, i) => i == accumulatorIndex ? null : v).ToList();
        anchor.Epilogue.Add(new EpilogueStep(consumer.Operator, consumer.Attributes, operands, accumulatorIndex, consumer.Name));
        anchor.SetOutput(0, result);
        // The merged node takes the consumer's place: the anchor's inputs are defined earlier still, and the
        // consumer's other operands are defined before the consumer.
        graph.Nodes.Remove(anchor);
        graph.Nodes[graph.Nodes.IndexOf(consumer)] = anchor;
        return true;
    }
}
