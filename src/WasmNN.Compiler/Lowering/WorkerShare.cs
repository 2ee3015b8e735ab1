using WasmNN.CodeGen;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The worker index and count of a parallel kernel (its two parameters) and the code that shares a range among
/// the workers taking part in a run.
/// </summary>
/// <remarks>
/// A range is cut into a fixed number of chunks (whole blocks of a grain) that the workers take from a shared
/// counter, and a worker leaves only when every chunk is done (docs/ABI.md "Phases"). No worker waits for another
/// to arrive: a worker the OS has descheduled (more workers than cores, or a loaded machine) costs the others at
/// most the chunk it holds, and one that never gets a core leaves the others to take every chunk. Which worker
/// computes a chunk never changes what it computes, so results do not depend on the schedule.
/// </remarks>
/// <param name="Worker">Local holding this worker's index, 0 to count - 1.</param>
/// <param name="Count">Local holding the number of workers taking part in this run.</param>
internal sealed record WorkerShare(uint Worker, uint Count)
{
    /// <summary>The parameters of a parallel kernel function.</summary>
    public static WorkerShare Parameters { get; } = new(0, 1);

    /// <summary>Chunks per worker of the build: enough that a late worker's share is small, few enough that taking one is free.</summary>
    private const int ChunksPerWorker = 4;

    /// <summary>The fewest chunks a phase is cut into (when it has that many blocks).</summary>
    private const int MinChunks = 16;

    /// <summary>
    /// Runs <paramref name="body"/> (given this chunk's begin and end locals) over chunks of <c>[0, items)</c>:
    /// whole blocks of <paramref name="grain"/> items, the last block possibly partial (so every boundary but the
    /// end is a multiple of the grain), then waits until every chunk is done. A phase inside a loop of the kernel
    /// passes the loop's trip count as <paramref name="repeat"/> and the local holding its index, so each
    /// repetition has counters of its own. <paramref name="serialSegment"/> names a run of serial kernels (one chunk)
    /// for the phase profile.
    /// </summary>
    public void EmitChunks(FunctionBuilder w, LoweringContext context, int items, int grain, Action<uint, uint> body,
        int repeat = 1, uint? repetition = null, string? serialSegment = null)
    {
        var blocks = (items + grain - 1) / grain;
        var chunks = Math.Max(1, Math.Min(blocks, Math.Max(MinChunks, ChunksPerWorker * context.Options.MaxWorkers)));
        var phaseBytes = PhaseBytes(context.Options);
        var slot = context.ReserveSync(repeat * phaseBytes);
        var profile = context.Profile;
        var site = profile?.AddSite(serialSegment ?? context.CurrentNode, items, chunks, repeat, serialSegment is not null);
        var counters = w.Local(ValueType.I32);
        var chunk = w.Local(ValueType.I32);
        var (begin, end) = RangeLocals(w);
        var record = profile is null ? 0 : w.Local(ValueType.I32);
        var started = profile is null ? 0 : w.Local(ValueType.F64);
        var slept = profile is null ? 0 : w.Local(ValueType.F64);
        w.Code.Emit(Opcode.GlobalGet, context.SyncGlobal);
        if (repetition is { } index)
        {
            w.Get(index).I32(phaseBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
        }
        w.Set(counters);
        if (profile is not null)
        {
            profile.EmitRecordAddress(w, site, Worker);
            w.Set(record);
            PhaseProfile.EmitAdd(w, record, PhaseProfile.Entries, () => w.F64(1));
            profile.EmitNow(w);
            w.Set(started);
        }
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.Get(counters).I32(1).Atomic(Opcode.I32AtomicRmwAdd, (uint)(slot + TakenOffset)).Tee(chunk).I32(chunks).Op(Opcode.I32GeU).Code.Emit(Opcode.BrIf, 1);
        // Blocks [chunk * blocks / chunks, (chunk + 1) * blocks / chunks), in items, clipped to the end.
        w.Get(chunk).I32(blocks).Op(Opcode.I32Mul).I32(chunks).Op(Opcode.I32DivU).I32(grain).Op(Opcode.I32Mul).Set(begin);
        w.Get(chunk).I32(1).Op(Opcode.I32Add).I32(blocks).Op(Opcode.I32Mul).I32(chunks).Op(Opcode.I32DivU).I32(grain).Op(Opcode.I32Mul).Set(end);
        w.MinI32(() => w.Get(end), () => w.I32(items)).Set(end);
        if (profile is not null)
        {
            profile.EmitNow(w);
            w.Set(started);
        }
        body(begin, end);
        if (profile is not null)
        {
            PhaseProfile.EmitAdd(w, record, PhaseProfile.Work, () => profile.EmitSince(w, started));
            PhaseProfile.EmitAdd(w, record, PhaseProfile.Chunks, () => w.F64(1));
            profile.EmitNow(w);
            w.Set(started); // when this chunk ended: the phase's end if it is the last
        }
        // The last chunk to finish wakes the workers sleeping in the wait below, if any: a notify costs V8 ~0.1-0.3 ms
        // even with no one waiting (9 of MobileNetV2's 28 ms per worker in the phase profile). A sleeper counts itself
        // before it waits and both counts are sequentially consistent, so a sleeper this load misses finds the done
        // count already changed and does not sleep.
        w.Get(counters).I32(1).Atomic(Opcode.I32AtomicRmwAdd, (uint)(slot + DoneOffset)).I32(chunks - 1).Op(Opcode.I32Eq).Code.If(BlockType.Empty);
        if (profile is not null)
        {
            w.Get(counters).Get(started).Op(Opcode.I64ReinterpretF64).Atomic(Opcode.I64AtomicStore, (uint)(slot + EndedOffset));
        }
        w.Get(counters).Atomic(Opcode.I32AtomicLoad, (uint)(slot + SleepersOffset)).Code.If(BlockType.Empty);
        w.Get(counters).I32(-1).Atomic(Opcode.MemoryAtomicNotify, (uint)(slot + DoneOffset)).Op(Opcode.Drop);
        w.Code.End();
        w.Code.End();
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End().End();
        if (profile is null)
        {
            w.Get(counters).I32(slot + DoneOffset).Op(Opcode.I32Add).I32(chunks).Code.Emit(Opcode.Call, WaitHelper(context));
            return;
        }
        // Hand-off: from the end of this worker's last chunk (or its entry) to the wait: counting it done, the notify,
        // and the failed take of another chunk.
        PhaseProfile.EmitAdd(w, record, PhaseProfile.Handoff, () => profile.EmitSince(w, started));
        profile.EmitNow(w);
        w.Set(started);
        w.Get(counters).I32(slot + DoneOffset).Op(Opcode.I32Add).I32(chunks).Code.Emit(Opcode.Call, ProfiledWaitHelper(context, profile));
        w.Set(slept);
        PhaseProfile.EmitAdd(w, record, PhaseProfile.Sleep, () => w.Get(slept));
        PhaseProfile.EmitAdd(w, record, PhaseProfile.Spin, () =>
        {
            profile.EmitSince(w, started);
            w.Get(slept).Op(Opcode.F64Sub);
        });
        // Late: from the end of the last chunk (its finisher stores it just after counting it) until now.
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.Get(counters).Atomic(Opcode.I64AtomicLoad, (uint)(slot + EndedOffset)).Op(Opcode.I64Eqz).Code.Emit(Opcode.BrIf, 0);
        w.Code.End().End();
        PhaseProfile.EmitAdd(w, record, PhaseProfile.Late, () =>
        {
            profile.EmitNow(w);
            w.Get(counters).Atomic(Opcode.I64AtomicLoad, (uint)(slot + EndedOffset)).Op(Opcode.F64ReinterpretI64).Op(Opcode.F64Sub);
        });
    }

    /// <summary>Bytes of one phase's counters: chunks taken, chunks done, sleepers (i32 each), and in a profile build the f64 time its last chunk ended.</summary>
    public static int PhaseBytes(LoweringOptions options) => options.PhaseProfile ? 24 : 12;

    private const int TakenOffset = 0;
    private const int DoneOffset = 4;

    /// <summary>Workers asleep on the done count, just after it (the wait helper finds it from the done count's address).</summary>
    private const int SleepersOffset = 8;
    private const int EndedOffset = 16;

    /// <summary>
    /// Checks of the counter before a worker sleeps (~50-100 us): a phase's imbalance is often shorter than a wake-up,
    /// and on V8 a worker woken by notify came back late enough that at 2,000 checks MobileNetV2 on 2 workers ran at
    /// 1-thread speed (the other worker took every chunk meanwhile).
    /// </summary>
    private const int SpinChecks = 100_000;

    /// <summary>Sleep per wait, in nanoseconds: finite so a waiting worker still sees the engine's interrupt between waits.</summary>
    public const long WaitNanoseconds = 1_000_000;

    /// <summary><c>(i32 address, i32 target) -> ()</c>: returns when a phase's done count (at the address) is the target (spins, then sleeps on it, counted in the sleepers after it).</summary>
    private static uint WaitHelper(LoweringContext context) =>
        context.Helper("wasmnn_wait_done", new FuncType([ValueType.I32, ValueType.I32], []), () => EmitWait(null));

    /// <summary>The profile build's <see cref="WaitHelper"/>: <c>(i32 address, i32 target) -> f64</c>, the milliseconds it slept.</summary>
    private static uint ProfiledWaitHelper(LoweringContext context, PhaseProfile profile) =>
        context.Helper("wasmnn_wait_done_profiled", new FuncType([ValueType.I32, ValueType.I32], [ValueType.F64]), () => EmitWait(profile));

    private static FunctionBuilder EmitWait(PhaseProfile? profile)
    {
        var w = new FunctionBuilder(parameterCount: 2);
        var seen = w.Local(ValueType.I32);
        var spins = w.Local(ValueType.I32);
        var slept = profile is null ? 0 : w.Local(ValueType.F64);
        var started = profile is null ? 0 : w.Local(ValueType.F64);
        w.I32(SpinChecks).Set(spins);
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.Get(0).Atomic(Opcode.I32AtomicLoad).Tee(seen).Get(1).Op(Opcode.I32Eq).Code.Emit(Opcode.BrIf, 1);
        w.Get(spins).Code.If(BlockType.Empty);
        w.Increment(spins, -1);
        w.Code.Else();
        if (profile is not null)
        {
            profile.EmitNow(w);
            w.Set(started);
        }
        w.Get(0).I32(1).Atomic(Opcode.I32AtomicRmwAdd, (uint)(SleepersOffset - DoneOffset)).Op(Opcode.Drop);
        w.Get(0).Get(seen).Code.I64Const(WaitNanoseconds);
        w.Atomic(Opcode.MemoryAtomicWait32).Op(Opcode.Drop);
        w.Get(0).I32(1).Atomic(Opcode.I32AtomicRmwSub, (uint)(SleepersOffset - DoneOffset)).Op(Opcode.Drop);
        if (profile is not null)
        {
            w.Get(slept);
            profile.EmitSince(w, started);
            w.Op(Opcode.F64Add).Set(slept);
        }
        w.Code.End();
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End().End();
        if (profile is not null)
        {
            w.Get(slept);
        }
        return w;
    }

    /// <summary>A loop over <c>[max(start, begin), min(end, stop))</c> in steps of <paramref name="step"/>: a compile-time range clipped to a share.</summary>
    public static void ForClipped(FunctionBuilder w, uint counter, int start, int stop, int step, uint begin, uint end, Action body)
    {
        if (start >= stop)
        {
            return;
        }
        w.MaxI32(() => w.Get(begin), () => w.I32(start)).Set(counter);
        w.While(counter, () => w.MinI32(() => w.Get(end), () => w.I32(stop)), step, body);
    }

    /// <summary>A fresh pair of i32 locals for a range.</summary>
    public static (uint Begin, uint End) RangeLocals(FunctionBuilder w) => (w.Local(ValueType.I32), w.Local(ValueType.I32));
}

/// <summary>The atomic instructions of the threads build's synchronisation.</summary>
internal static class AtomicCode
{
    /// <summary>Emits an atomic memory instruction (natural alignment) at <paramref name="offset"/>.</summary>
    public static FunctionBuilder Atomic(this FunctionBuilder w, Opcode opcode, uint offset = 0)
    {
        w.Code.EmitMemArg(opcode, offset);
        return w;
    }
}
