using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Lowering.Memory;

/// <summary>What the backend tells the memory planner about each node.</summary>
/// <param name="ViewSource">The input whose buffer a node's output 0 is a view of (Reshape, Flatten: no copy), or null.</param>
/// <param name="InPlaceInputs">Inputs whose buffer the node may overwrite with output 0 (elementwise work reading each element once before writing it).</param>
/// <param name="ScratchBytes">Temporary bytes a node's kernel needs while it runs (im2col, padding).</param>
public sealed record MemoryPlanOptions(
    Func<Node, Value?> ViewSource,
    Func<Node, IEnumerable<Value>> InPlaceInputs,
    Func<Node, long> ScratchBytes);

/// <summary>Where every runtime value lives, in bytes from the start of the activation area.</summary>
/// <param name="Offsets">Byte offset of each non-constant value (views share their source's offset).</param>
/// <param name="InputOffsets">Graph inputs' offsets, in input order.</param>
/// <param name="OutputOffsets">Graph outputs' offsets, in output order.</param>
/// <param name="ArenaBytes">Bytes of the planned area (inputs, outputs and intermediates): the peak activation footprint.</param>
/// <param name="ScratchOffset">Offset of the shared scratch area (after the arena).</param>
/// <param name="ScratchBytes">Size of the scratch area.</param>
/// <param name="UnsharedBytes">What the same values would take with one buffer each (to report the saving).</param>
public sealed record MemoryPlan(
    IReadOnlyDictionary<Value, long> Offsets,
    IReadOnlyList<long> InputOffsets,
    IReadOnlyList<long> OutputOffsets,
    long ArenaBytes,
    long ScratchOffset,
    long ScratchBytes,
    long UnsharedBytes)
{
    /// <summary>Total bytes: arena plus scratch.</summary>
    public long TotalBytes => ScratchOffset + ScratchBytes;
}

/// <summary>
/// Assigns activation buffers in linear memory by liveness: a value is live from the node that produces it to its
/// last reader; two buffers may share bytes only when their live ranges do not overlap. Graph inputs and outputs get
/// buffers of their own (live for the whole run) so a host may rewrite inputs and reread outputs between runs. Views
/// (Reshape, Flatten) and in-place elementwise nodes share their source's buffer, which then stays live as long as
/// any of them. Placement is greedy by size, largest first, at the lowest offset free over the buffer's whole range
/// (the offline greedy-by-size planner of TFLite).
/// </summary>
public sealed class PlanMemory
{
    /// <summary>Buffer alignment: one v128.</summary>
    public const int Alignment = 16;

    private sealed class Buffer(long bytes, int first, int last)
    {
        public long Bytes { get; } = bytes;
        public int First { get; set; } = first;
        public int Last { get; set; } = last;
        public long Offset { get; set; } = -1;
        public List<Value> Values { get; } = [];
    }

    /// <summary>Plans <paramref name="graph"/> (shapes must be static).</summary>
    /// <exception cref="GraphException">A runtime value has no static shape (the message names it).</exception>
    public static MemoryPlan Run(Graph graph, MemoryPlanOptions options)
    {
        const int Forever = int.MaxValue;
        var bufferOf = new Dictionary<Value, Buffer>();
        var buffers = new List<Buffer>();
        Buffer NewBuffer(Value value, int first, int last)
        {
            var buffer = new Buffer(AlignUp(ByteSize(value)), first, last);
            buffer.Values.Add(value);
            buffers.Add(buffer);
            bufferOf[value] = buffer;
            return buffer;
        }

        foreach (var input in graph.Inputs)
        {
            NewBuffer(input, -1, Forever);
        }
        var lastUse = new Dictionary<Value, int>();
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            foreach (var v in graph.Nodes[i].AllInputs)
            {
                lastUse[v] = i;
            }
        }
        long scratch = 0;
        for (var i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            scratch = Math.Max(scratch, options.ScratchBytes(node));
            for (var k = 0; k < node.Outputs.Count; k++)
            {
                if (node.Outputs[k] is not { } output)
                {
                    continue;
                }
                var isGraphOutput = graph.IsOutput(output);
                var end = isGraphOutput ? Forever : lastUse.GetValueOrDefault(output, i);
                Buffer? shared = null;
                if (k == 0 && !isGraphOutput)
                {
                    if (options.ViewSource(node) is { IsConstant: false } source && bufferOf.TryGetValue(source, out var viewed))
                    {
                        shared = viewed;
                    }
                    else
                    {
                        shared = options.InPlaceInputs(node)
                            .Where(v => !v.IsConstant && bufferOf.ContainsKey(v))
                            .Select(v => bufferOf[v])
                            .FirstOrDefault(b => b.Last == i && b.Bytes == AlignUp(ByteSize(output)) && b.First >= 0
                                && !b.Values.Any(graph.IsOutput));
                    }
                }
                if (shared is not null)
                {
                    shared.Values.Add(output);
                    shared.Last = Math.Max(shared.Last, end);
                    bufferOf[output] = shared;
                }
                else
                {
                    NewBuffer(output, isGraphOutput ? -1 : i, end);
                }
            }
        }
        // Outputs no node writes (constants, after folding) still get a buffer; the run function fills it.
        foreach (var output in graph.Outputs.Where(o => !bufferOf.ContainsKey(o)))
        {
            NewBuffer(output, -1, Forever);
        }
        // Inputs and outputs first (they hold the ABI's fixed buffers at the start), then the rest largest first.
        var order = buffers.Where(b => b.First < 0).Concat(buffers.Where(b => b.First >= 0).OrderByDescending(b => b.Bytes)).ToList();
        var placed = new List<Buffer>();
        long arena = 0;
        foreach (var buffer in order)
        {
            long offset = 0;
            foreach (var other in placed.Where(o => o.First <= buffer.Last && buffer.First <= o.Last).OrderBy(o => o.Offset))
            {
                if (offset + buffer.Bytes <= other.Offset)
                {
                    break;
                }
                offset = Math.Max(offset, other.Offset + other.Bytes);
            }
            buffer.Offset = offset;
            placed.Add(buffer);
            arena = Math.Max(arena, offset + buffer.Bytes);
        }
        var offsets = new Dictionary<Value, long>();
        foreach (var (value, buffer) in bufferOf)
        {
            offsets[value] = buffer.Offset;
        }
        return new MemoryPlan(
            offsets,
            [.. graph.Inputs.Select(v => offsets[v])],
            [.. graph.Outputs.Select(v => offsets.TryGetValue(v, out var o) ? o : -1)],
            arena,
            AlignUp(arena),
            AlignUp(scratch),
            buffers.Sum(b => b.Bytes));
    }

    /// <summary>Bytes of a value with a static shape (a string value: its offset table and UTF-8 capacity, <see cref="StringTensorLayout"/>).</summary>
    /// <exception cref="GraphException">The shape is not static.</exception>
    public static long ByteSize(Value value)
    {
        if (!Shapes.IsStatic(value.Shape))
        {
            throw new UnsupportedOperatorException($"value '{value.Name}' has no static shape ({Shapes.Format(value.Shape)}); the compiler needs static shapes");
        }
        return value.ElementType.IsString() ? StringTensorLayout.BufferBytes(Shapes.ElementCount(value.Shape!), value.StringBytes)
            : (long)Shapes.ElementCount(value.Shape!) * value.ElementType.ByteSize();
    }

    /// <summary>Rounds up to <see cref="Alignment"/>.</summary>
    public static long AlignUp(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;
}
