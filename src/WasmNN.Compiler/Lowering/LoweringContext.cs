using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm;
using WasmNN.Wasm.Writing;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// State shared by the kernels of one module: where each value lives, the weights placed so far (after the
/// activation area, 16-byte aligned) and helper functions shared between kernels.
/// </summary>
internal sealed class LoweringContext
{
    /// <summary>Bytes kept free at address 0 so a zero pointer never names a tensor.</summary>
    public const int ActivationBase = 16;

    private readonly Dictionary<object, int> _weightAddresses = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _weightsByKey = [];
    private readonly Dictionary<string, uint> _helpers = [];
    private readonly List<(int Address, byte[] Bytes)> _weights = [];
    private readonly Dictionary<RuntimeLength, int> _lengthSlots = new(ReferenceEqualityComparer.Instance);

    public LoweringContext(Graph graph, MemoryPlan plan, LoweringOptions options, ModuleBuilder builder)
    {
        Graph = graph;
        Plan = plan;
        Options = options;
        Builder = builder;
        WeightsStart = checked((int)PlanMemory.AlignUp(ActivationBase + plan.TotalBytes));
        WeightsEnd = WeightsStart;
    }

    public Graph Graph { get; }

    public MemoryPlan Plan { get; }

    public LoweringOptions Options { get; }

    public ModuleBuilder Builder { get; }

    /// <summary>Lanes of main loops (4 with SIMD).</summary>
    public int Width => Options.Width;

    /// <summary>Start of the shared scratch area.</summary>
    public int ScratchAddress => checked((int)(ActivationBase + Plan.ScratchOffset));

    public int WeightsStart { get; }

    public int WeightsEnd { get; private set; }

    /// <summary>Weight segments placed so far.</summary>
    public IReadOnlyList<(int Address, byte[] Bytes)> Weights => _weights;

    /// <summary>Bytes of weights placed so far (constant tensors, not strings).</summary>
    public long ParameterBytes { get; private set; }

    /// <summary>The byte address of a value: its planned buffer, or its weights (placed on first use).</summary>
    public int Address(Value value)
    {
        if (value.Constant is { } constant)
        {
            if (!_weightAddresses.TryGetValue(constant, out var address))
            {
                var bytes = ToBytes(constant);
                address = Place(bytes);
                ParameterBytes += bytes.Length;
                _weightAddresses[constant] = address;
            }
            return address;
        }
        return Plan.Offsets.TryGetValue(value, out var offset)
            ? checked((int)(ActivationBase + offset))
            : throw new GraphException($"value '{value.Name}' has no buffer (it is not produced before it is read)");
    }

    /// <summary>Places derived weights (a transposed matrix...) once per <paramref name="key"/>.</summary>
    public int AddWeights(string key, float[] data)
    {
        if (!_weightsByKey.TryGetValue(key, out var address))
        {
            address = Place(MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
            ParameterBytes += data.Length * sizeof(float);
            _weightsByKey[key] = address;
        }
        return address;
    }

    /// <summary>Places constant bytes (strings, headers) once per <paramref name="key"/>.</summary>
    public int AddBytes(string key, byte[] data)
    {
        if (!_weightsByKey.TryGetValue(key, out var address))
        {
            address = Place(data);
            _weightsByKey[key] = address;
        }
        return address;
    }

    /// <summary>Reserves zero-initialised bytes after everything placed so far; returns their address.</summary>
    public int Reserve(long bytes)
    {
        var address = WeightsEnd;
        WeightsEnd = checked((int)PlanMemory.AlignUp(address + bytes));
        return address;
    }

    /// <summary>
    /// The address of the i32 slot where the kernel producing <paramref name="length"/> writes the actual length of a
    /// run (reserved on first use, so producer and readers agree).
    /// </summary>
    public int LengthAddress(RuntimeLength length)
    {
        if (!_lengthSlots.TryGetValue(length, out var address))
        {
            address = Reserve(4);
            _lengthSlots[length] = address;
        }
        return address;
    }

    /// <summary>The run-time length of the node's outputs (one per node), or null when they are static.</summary>
    public static RuntimeLength? RuntimeLengthOf(Node node) =>
        node.Outputs.OfType<Value>().SelectMany(o => o.RuntimeDims ?? []).OfType<RuntimeLength>().FirstOrDefault();

    /// <summary>A helper function shared by kernels, built once per <paramref name="key"/>.</summary>
    public uint Helper(string key, FuncType type, Func<FunctionBuilder> build)
    {
        if (!_helpers.TryGetValue(key, out var index))
        {
            var w = build();
            w.Finish();
            index = Builder.AddFunction(type, [.. w.Locals], w.Code, key);
            _helpers[key] = index;
        }
        return index;
    }

    private int Place(byte[] bytes)
    {
        var address = WeightsEnd;
        _weights.Add((address, bytes));
        WeightsEnd = checked((int)PlanMemory.AlignUp(address + bytes.Length));
        return address;
    }

    private static byte[] ToBytes(Tensor tensor) => tensor.Data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()).ToArray(),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        sbyte[] s => MemoryMarshal.AsBytes(s.AsSpan()).ToArray(),
        byte[] b => (byte[])b.Clone(),
        bool[] b => [.. b.Select(x => x ? (byte)1 : (byte)0)],
        _ => throw new GraphException($"cannot store a {tensor.DataType} tensor"),
    };
}
