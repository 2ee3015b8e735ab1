using WasmNN.CodeGen;
using WasmNN.Compiler.Abi;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The phase profile of a threads build (<see cref="LoweringOptions.PhaseProfile"/>, benchmark builds only): every
/// phase site (<see cref="WorkerShare.EmitChunks"/>) adds, per worker, the milliseconds it spent computing chunks,
/// spinning and sleeping in the wait for the phase's end, handing off between its last chunk and that wait, and how late after the last chunk it left (its wake-up);
/// each worker also notes when it entered and left <c>wasmnn_run_worker</c>. Times come from the imported
/// <c>env.wasmnn_now</c> (f64 milliseconds, one clock for every thread). A host zeroes the area before a run and reads
/// it after (docs/PERFORMANCE.md "Threads, part 4"); the default and plain threads builds contain none of this.
/// </summary>
internal sealed class PhaseProfile
{
    /// <summary>The clock's import name in module <c>env</c>.</summary>
    public const string ClockImport = "wasmnn_now";

    /// <summary>A worker's entry and exit times (f64 each) at the start of the area.</summary>
    public const int HeaderBytes = 16;

    /// <summary>Per site and worker: work, spin, sleep, late (ms), chunks, entries, hand-off (ms) (f64 each).</summary>
    public const int RecordBytes = 56;

    public const int Work = 0;
    public const int Spin = 8;
    public const int Sleep = 16;
    public const int Late = 24;
    public const int Chunks = 32;
    public const int Entries = 40;
    public const int Handoff = 48;

    private readonly List<PhaseSiteInfo> _sites = [];
    private readonly int _maxWorkers;

    public PhaseProfile(ModuleBuilder builder, int maxWorkers)
    {
        _maxWorkers = maxWorkers;
        Clock = builder.ImportFunction(ModelAbi.MemoryImportModule, ClockImport, new FuncType([], [ValueType.F64]));
        BaseGlobal = builder.AddGlobal(new GlobalType(ValueType.I32, false), new CodeWriter().I32Const(0).End());
    }

    /// <summary>The imported clock, <c>() -> f64</c> milliseconds.</summary>
    public uint Clock { get; }

    /// <summary>The immutable i32 global holding the area's address (patched by <see cref="Place"/>).</summary>
    private uint BaseGlobal { get; }

    /// <summary>Adds a phase site; returns its index.</summary>
    public int AddSite(string node, int items, int chunks, int repeat, bool serial)
    {
        _sites.Add(new PhaseSiteInfo(node, items, chunks, repeat, serial));
        return _sites.Count - 1;
    }

    /// <summary>Pushes the address of <paramref name="worker"/>'s record of <paramref name="site"/> (or its header when null).</summary>
    public void EmitRecordAddress(FunctionBuilder w, int? site, uint worker)
    {
        var (stride, start) = site is { } s ? (RecordBytes, (_maxWorkers * HeaderBytes) + (s * _maxWorkers * RecordBytes)) : (HeaderBytes, 0);
        w.Code.Emit(Opcode.GlobalGet, BaseGlobal);
        w.Get(worker).I32(stride).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(start).Op(Opcode.I32Add);
    }

    /// <summary>Pushes the clock's reading.</summary>
    public void EmitNow(FunctionBuilder w) => w.Code.Emit(Opcode.Call, Clock);

    /// <summary><c>record[field] += value</c> for the record address in <paramref name="record"/>.</summary>
    public static void EmitAdd(FunctionBuilder w, uint record, int field, Action value)
    {
        w.Get(record).Get(record).Memory(Opcode.F64Load, (uint)field);
        value();
        w.Op(Opcode.F64Add).Memory(Opcode.F64Store, (uint)field);
    }

    /// <summary>Pushes <c>now - local</c> (f64).</summary>
    public void EmitSince(FunctionBuilder w, uint start)
    {
        EmitNow(w);
        w.Get(start).Op(Opcode.F64Sub);
    }

    /// <summary>Reserves the area after everything placed so far, points the global at it and describes it for the metadata.</summary>
    public PhaseProfileInfo Place(LoweringContext context)
    {
        var bytes = (_maxWorkers * HeaderBytes) + (_sites.Count * _maxWorkers * RecordBytes);
        var address = context.Reserve(bytes);
        var index = (int)(BaseGlobal - context.Builder.Module.ImportedGlobalCount);
        context.Builder.Module.Globals[index] = context.Builder.Module.Globals[index] with
        {
            Init = new ConstantExpression(new CodeWriter().I32Const(address).End().ToArray(), 0),
        };
        return new PhaseProfileInfo(address, bytes, HeaderBytes, RecordBytes, [.. _sites]);
    }
}
