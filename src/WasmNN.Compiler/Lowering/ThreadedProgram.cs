using WasmNN.CodeGen;
using WasmNN.Compiler.Abi;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>One step of the graph program: a kernel function and whether every worker calls it (a parallel kernel) or one worker alone.</summary>
internal readonly record struct ProgramStep(uint Function, bool Parallel, string Name);

/// <summary>
/// The threads build's driver (docs/ABI.md): <c>wasmnn_run_worker(worker, workers)</c> runs the graph program on
/// every worker at once (SPMD). Every parallel kernel shares its work in chunks (<see cref="WorkerShare"/>); a run
/// of serial kernels is one chunk that the first worker to come takes; each ends when all its chunks are done. The
/// last worker to leave clears the counters for the next run (<c>wasmnn_reset_workers</c>, which a host also calls
/// after a run it aborted). The once-only initialisation of the weights keeps its flag in the reserved bytes at 0.
/// </summary>
internal static class ThreadedProgram
{
    private const int InitFlagAddress = ModelAbi.InitFlagAddress;
    private const int ExitCountAddress = ModelAbi.ExitCountAddress;

    /// <summary>Status of <c>wasmnn_run_worker</c> for a worker index or count outside the module's range.</summary>
    public const int BadWorkerStatus = 1;

    /// <summary>
    /// Emits <c>wasmnn_run_worker</c> over <paramref name="steps"/>, after <paramref name="prologue"/> (the copies of
    /// constant outputs), and <c>wasmnn_reset_workers</c>; returns the index of <c>wasmnn_run_worker</c>. Call it
    /// after every kernel is emitted: it places the phase counters.
    /// </summary>
    public static uint EmitRunWorker(LoweringContext context, IReadOnlyList<ProgramStep> steps, Action<FunctionBuilder> prologue)
    {
        var share = WorkerShare.Parameters;
        var w = new FunctionBuilder(parameterCount: 2);
        // Bad arguments: a count outside [1, max] or an index outside [0, count).
        w.Get(1).I32(1).Op(Opcode.I32LtS).Get(1).I32(context.Options.MaxWorkers).Op(Opcode.I32GtS).Op(Opcode.I32Or)
            .Get(0).Get(1).Op(Opcode.I32GeU).Op(Opcode.I32Or).Code.If(BlockType.Empty);
        w.I32(BadWorkerStatus).Op(Opcode.Return);
        w.Code.End();
        var header = context.Profile is null ? 0 : w.Local(ValueType.I32);
        if (context.Profile is { } entryProfile)
        {
            entryProfile.EmitRecordAddress(w, null, share.Worker);
            w.Tee(header);
            entryProfile.EmitNow(w);
            w.Memory(Opcode.F64Store);
        }
        var segments = new List<List<ProgramStep>>();
        foreach (var step in steps)
        {
            if (step.Parallel || segments.Count == 0 || segments[^1][0].Parallel)
            {
                segments.Add([step]);
            }
            else
            {
                segments[^1].Add(step);
            }
        }
        // A run of serial kernels is one chunk in a function of its own: inline, each segment's locals and counter code
        // would add up in wasmnn_run_worker past what a JIT optimises (our engine's limit: 8,000 local references).
        var kernelType = new FuncType([ValueType.I32, ValueType.I32], []);
        void CallSerialSegment(string name, Action<FunctionBuilder> body)
        {
            var s = new FunctionBuilder(parameterCount: 2);
            share.EmitChunks(s, context, 1, 1, (_, _) => body(s), serialSegment: name);
            s.Finish();
            w.Get(share.Worker).Get(share.Count).Code.Emit(Opcode.Call, context.Builder.AddFunction(kernelType, [.. s.Locals], s.Code, "serial " + name));
        }
        // Constant outputs have buffers no kernel writes: the first serial chunk copies them.
        var prologueDone = false;
        if (segments.Count == 0 || segments[0][0].Parallel)
        {
            CallSerialSegment("constant outputs", prologue);
            prologueDone = true;
        }
        foreach (var segment in segments)
        {
            if (segment[0].Parallel)
            {
                w.Get(share.Worker).Get(share.Count).Code.Emit(Opcode.Call, segment[0].Function);
                continue;
            }
            CallSerialSegment(segment.Count == 1 ? segment[0].Name : $"{segment[0].Name} .. {segment[^1].Name} ({segment.Count} kernels)", s =>
            {
                if (!prologueDone)
                {
                    prologue(s);
                    prologueDone = true;
                }
                foreach (var step in segment)
                {
                    s.Code.Emit(Opcode.Call, step.Function);
                }
            });
        }
        // Every chunk of the last phase is done (and its writes visible) when a worker gets here; the last to leave
        // clears the counters, so the next run starts from zero once the host has seen every worker return.
        var (syncAddress, syncBytes) = context.PlaceSync();
        var reset = new FunctionBuilder();
        reset.I32(syncAddress).I32(0).I32(syncBytes).Code.Emit(Opcode.MemoryFill, 0);
        reset.I32(ExitCountAddress).I32(0).Atomic(Opcode.I32AtomicStore);
        reset.Finish();
        var resetIndex = context.Builder.AddFunction(FuncType.Empty, [.. reset.Locals], reset.Code, ModelAbi.ResetWorkers);
        context.Builder.Export(ModelAbi.ResetWorkers, ExternalKind.Function, resetIndex);
        if (context.Profile is { } exitProfile)
        {
            w.Get(header);
            exitProfile.EmitNow(w);
            w.Memory(Opcode.F64Store, 8);
        }
        w.I32(ExitCountAddress).I32(1).Atomic(Opcode.I32AtomicRmwAdd).Get(share.Count).I32(1).Op(Opcode.I32Sub).Op(Opcode.I32Eq).Code.If(BlockType.Empty);
        w.Code.Emit(Opcode.Call, resetIndex);
        w.Code.End();
        w.I32(0);
        w.Finish();
        var index = context.Builder.AddFunction(new FuncType([ValueType.I32, ValueType.I32], [ValueType.I32]), [.. w.Locals], w.Code, ModelAbi.RunWorker);
        context.Builder.Export(ModelAbi.RunWorker, ExternalKind.Function, index);
        return index;
    }

    /// <summary>
    /// Makes the weights passive segments copied in by a start function exactly once per memory: the first instance
    /// to claim the flag copies, later ones (other workers' instances) wait for it; each drops its own segments.
    /// </summary>
    public static void EmitInitialisation(ModuleBuilder builder, IReadOnlyList<WeightSegment> weights)
    {
        var segments = weights.Count;
        foreach (var segment in weights)
        {
            builder.Module.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, segment.ToArray(), 0));
        }
        builder.Module.DataCount = (uint)segments;
        var w = new FunctionBuilder();
        w.I32(InitFlagAddress).I32(0).I32(1).Atomic(Opcode.I32AtomicRmwCmpxchg).Op(Opcode.I32Eqz).Code.If(BlockType.Empty);
        for (var i = 0; i < segments; i++)
        {
            w.I32(weights[i].Address).I32(0).I32(checked((int)weights[i].Length)).Code.Emit(Opcode.MemoryInit, (uint)i, 0);
        }
        w.I32(InitFlagAddress).I32(2).Atomic(Opcode.I32AtomicStore);
        w.I32(InitFlagAddress).I32(-1).Atomic(Opcode.MemoryAtomicNotify).Op(Opcode.Drop);
        w.Code.Else();
        w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
        w.I32(InitFlagAddress).Atomic(Opcode.I32AtomicLoad).I32(2).Op(Opcode.I32Eq).Code.Emit(Opcode.BrIf, 1);
        w.I32(InitFlagAddress).I32(1).Code.I64Const(WorkerShare.WaitNanoseconds);
        w.Atomic(Opcode.MemoryAtomicWait32).Op(Opcode.Drop);
        w.Code.Emit(Opcode.Br, 0);
        w.Code.End().End();
        w.Code.End();
        for (var i = 0; i < segments; i++)
        {
            w.Code.Emit(Opcode.DataDrop, (uint)i);
        }
        w.Finish();
        builder.Module.Start = builder.AddFunction(FuncType.Empty, [.. w.Locals], w.Code, "wasmnn_init");
    }
}
