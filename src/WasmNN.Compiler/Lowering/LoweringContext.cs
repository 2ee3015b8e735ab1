using System.Runtime.InteropServices;
using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Wasm;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

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
    private readonly List<WeightSegment> _weights = [];
    private readonly Dictionary<RuntimeLength, int> _lengthSlots = new(ReferenceEqualityComparer.Instance);
    private uint? _syncGlobal;
    private int _syncBytes;

    public LoweringContext(Graph graph, MemoryPlan plan, LoweringOptions options, ModuleBuilder builder)
    {
        Graph = graph;
        Plan = plan;
        Options = options;
        Builder = builder;
        // External weights start on a wasm page, so a host can map the weights file's pages there.
        WeightsStart = options.WeightsFile is null ? checked((int)PlanMemory.AlignUp(ActivationBase + plan.TotalBytes))
            : checked((int)((ActivationBase + plan.TotalBytes + ExternalWeights.Alignment - 1) / ExternalWeights.Alignment * ExternalWeights.Alignment));
        WeightsEnd = WeightsStart;
        Profile = options.Threaded && options.PhaseProfile ? new PhaseProfile(builder, options.MaxWorkers) : null;
    }

    /// <summary>The phase profile of a profiling threads build, else null (created first: it imports the clock).</summary>
    public PhaseProfile? Profile { get; }

    /// <summary>The node whose kernel is being emitted (names phase sites in the profile).</summary>
    public string CurrentNode { get; set; } = "";

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

    /// <summary>Weight segments placed so far, in address order.</summary>
    public IReadOnlyList<WeightSegment> Weights => _weights;

    /// <summary>Bytes of weights placed so far (constant tensors, not strings).</summary>
    public long ParameterBytes { get; private set; }

    /// <summary>The byte address of a value: its planned buffer, or its weights (placed on first use).</summary>
    public int Address(Value value)
    {
        if (value.Constant is { } constant)
        {
            if (!_weightAddresses.TryGetValue(constant, out var address))
            {
                if (constant.DataType is not (DataType.Float32 or DataType.Float64 or DataType.Int64 or DataType.UInt64 or DataType.Int32 or DataType.UInt32 or DataType.Int8 or DataType.UInt8 or DataType.Bool or DataType.String))
                {
                    throw new GraphException($"cannot store a {constant.DataType} tensor");
                }
                // The bytes are written when the module is (from the ONNX file when they were never read).
                address = Place(constant.ByteLength, constant.WriteBytes, parameter: true);
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
            address = Place(data.Length * (long)sizeof(float), stream => stream.Write(MemoryMarshal.AsBytes(data.AsSpan())), parameter: true);
            _weightsByKey[key] = address;
        }
        return address;
    }

    /// <summary>
    /// Places derived weights of <paramref name="floats"/> elements once per <paramref name="key"/>, computed by
    /// <paramref name="pack"/> only when the module is written, so large packed copies are made one at a time and
    /// dropped once written.
    /// </summary>
    public int AddWeights(string key, long floats, Func<float[]> pack) =>
        AddWeights(key, floats * sizeof(float), stream => stream.Write(MemoryMarshal.AsBytes(pack().AsSpan())));

    /// <summary>Places derived weights of <paramref name="bytes"/> bytes once per <paramref name="key"/>, written by <paramref name="write"/> with the module.</summary>
    public int AddWeights(string key, long bytes, Action<Stream> write)
    {
        if (!_weightsByKey.TryGetValue(key, out var address))
        {
            address = Place(bytes, write, parameter: true);
            _weightsByKey[key] = address;
        }
        return address;
    }

    /// <summary>Places constant bytes (strings, headers) once per <paramref name="key"/>.</summary>
    public int AddBytes(string key, byte[] data)
    {
        if (!_weightsByKey.TryGetValue(key, out var address))
        {
            address = Place(data.Length, stream => stream.Write(data), parameter: false);
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

    /// <summary>
    /// Threads build: the immutable i32 global holding the address of the phase counters (<see cref="WorkerShare"/>),
    /// placed by <see cref="PlaceSync"/> once every kernel has reserved its counters.
    /// </summary>
    public uint SyncGlobal => _syncGlobal ??= Builder.AddGlobal(new GlobalType(ValueType.I32, false), new CodeWriter().I32Const(0).End());

    /// <summary>Reserves <paramref name="bytes"/> of phase counters; returns their offset from <see cref="SyncGlobal"/>'s address.</summary>
    public int ReserveSync(int bytes)
    {
        var offset = _syncBytes;
        _syncBytes += bytes;
        return offset;
    }

    /// <summary>Places the phase counters (zeroed) after everything placed so far and sets <see cref="SyncGlobal"/> to their address.</summary>
    public (int Address, int Bytes) PlaceSync()
    {
        var address = Reserve(Math.Max(_syncBytes, WorkerShare.PhaseBytes(Options)));
        var index = (int)(SyncGlobal - Builder.Module.ImportedGlobalCount);
        Builder.Module.Globals[index] = Builder.Module.Globals[index] with
        {
            Init = new ConstantExpression(new CodeWriter().I32Const(address).End().ToArray(), 0),
        };
        return (address, _syncBytes);
    }

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

    private int Place(long bytes, Action<Stream> write, bool parameter)
    {
        var address = WeightsEnd;
        _weights.Add(new WeightSegment(address, bytes, write, parameter));
        WeightsEnd = checked((int)PlanMemory.AlignUp(address + bytes));
        if (parameter)
        {
            ParameterBytes += bytes;
        }
        return address;
    }
}

/// <summary>Bytes placed at a fixed address: written by <paramref name="Write"/> when the module is.</summary>
/// <param name="Address">Where they go in linear memory (16-byte aligned).</param>
/// <param name="Length">How many bytes <paramref name="Write"/> writes.</param>
/// <param name="Write">Writes them.</param>
/// <param name="IsParameter">Weights (constants and their packed forms), as opposed to tables and strings the code reads.</param>
internal sealed record WeightSegment(int Address, long Length, Action<Stream> Write, bool IsParameter)
{
    /// <summary>The bytes in memory (for builds that cannot stream them).</summary>
    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        Write(buffer);
        return buffer.ToArray();
    }
}
