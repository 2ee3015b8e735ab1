using WasmNN.CodeGen;
using WasmNN.Compiler.Abi;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using WasmNN.Wasm.Writing;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>One step of the graph program: a kernel function and whether every worker calls it (a parallel kernel) or worker 0 alone.</summary>
internal readonly record struct ProgramStep(uint Function, bool Parallel);

/// <summary>
/// The threads build's driver (docs/ABI.md): <c>wasmnn_run_worker(worker, workers)</c> runs the graph program on
/// every worker at once (SPMD), worker 0 alone through runs of serial kernels and all of them through each parallel
/// kernel, with a barrier between consecutive steps and one at the end; the barrier and the once-only
/// initialisation of the weights keep their state in the 16 reserved bytes at address 0.
/// </summary>
internal static class ThreadedProgram
{
    private const int InitFlagAddress = ModelAbi.InitFlagAddress;
    private const int BarrierCountAddress = ModelAbi.BarrierCountAddress;
    private const int BarrierGenerationAddress = ModelAbi.BarrierGenerationAddress;

    /// <summary>Status of <c>wasmnn_run_worker</c> for a worker index or count outside the module's range.</summary>
    public const int BadWorkerStatus = 1;

    /// <summary>Checks of the generation before a worker sleeps: a layer's imbalance is often shorter than a wake-up.</summary>
    private const int SpinChecks = 2000;

    /// <summary>Sleep per wait, in nanoseconds: finite so a waiting worker still sees the engine's interrupt between waits.</summary>
    private const long WaitNanoseconds = 1_000_000;

    /// <summary>The barrier function <c>(i32 workers) -> ()</c> (built once per module).</summary>
    public static uint Barrier(LoweringContext context) =>
        context.Helper("wasmnn_barrier", new FuncType([ValueType.I32], []), () =>
        {
            var w = new FunctionBuilder(parameterCount: 1);
            var generation = w.Local(ValueType.I32);
            var spins = w.Local(ValueType.I32);
            w.Get(0).I32(1).Op(Opcode.I32GtS).Code.If(BlockType.Empty);
            w.I32(BarrierGenerationAddress).Atomic(Opcode.I32AtomicLoad).Set(generation);
            w.I32(BarrierCountAddress).I32(1).Atomic(Opcode.I32AtomicRmwAdd).Get(0).I32(1).Op(Opcode.I32Sub).Op(Opcode.I32Eq).Code.If(BlockType.Empty);
            // Last to arrive: reset the count before releasing the others, so the next barrier starts from 0.
            w.I32(BarrierCountAddress).I32(0).Atomic(Opcode.I32AtomicStore);
            w.I32(BarrierGenerationAddress).I32(1).Atomic(Opcode.I32AtomicRmwAdd).Op(Opcode.Drop);
            w.I32(BarrierGenerationAddress).I32(-1).Atomic(Opcode.MemoryAtomicNotify).Op(Opcode.Drop);
            w.Code.Else();
            w.I32(SpinChecks).Set(spins);
            w.Code.Block(BlockType.Empty).Loop(BlockType.Empty);
            w.I32(BarrierGenerationAddress).Atomic(Opcode.I32AtomicLoad).Get(generation).Op(Opcode.I32Ne).Code.Emit(Opcode.BrIf, 1);
            w.Get(spins).Code.If(BlockType.Empty);
            w.Increment(spins, -1);
            w.Code.Else();
            w.I32(BarrierGenerationAddress).Get(generation).Code.I64Const(WaitNanoseconds);
            w.Atomic(Opcode.MemoryAtomicWait32).Op(Opcode.Drop);
            w.Code.End();
            w.Code.Emit(Opcode.Br, 0);
            w.Code.End().End();
            w.Code.End();
            w.Code.End();
            return w;
        });

    /// <summary>
    /// Emits <c>wasmnn_run_worker</c> over <paramref name="steps"/>, after <paramref name="prologue"/> (worker 0's
    /// copies of constant outputs); returns its function index.
    /// </summary>
    public static uint EmitRunWorker(LoweringContext context, IReadOnlyList<ProgramStep> steps, Action<FunctionBuilder> prologue)
    {
        var barrier = Barrier(context);
        var w = new FunctionBuilder(parameterCount: 2);
        // Bad arguments: a count outside [1, max] or an index outside [0, count).
        w.Get(1).I32(1).Op(Opcode.I32LtS).Get(1).I32(context.Options.MaxWorkers).Op(Opcode.I32GtS).Op(Opcode.I32Or)
            .Get(0).Get(1).Op(Opcode.I32GeU).Op(Opcode.I32Or).Code.If(BlockType.Empty);
        w.I32(BadWorkerStatus).Op(Opcode.Return);
        w.Code.End();
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
        // Constant outputs have buffers no kernel writes: no barrier after them.
        w.Get(0).Op(Opcode.I32Eqz).Code.If(BlockType.Empty);
        prologue(w);
        w.Code.End();
        for (var s = 0; s < segments.Count; s++)
        {
            if (s > 0)
            {
                w.Get(1).Code.Emit(Opcode.Call, barrier);
            }
            if (segments[s][0].Parallel)
            {
                w.Get(0).Get(1).Code.Emit(Opcode.Call, segments[s][0].Function);
                continue;
            }
            w.Get(0).Op(Opcode.I32Eqz).Code.If(BlockType.Empty);
            foreach (var step in segments[s])
            {
                w.Code.Emit(Opcode.Call, step.Function);
            }
            w.Code.End();
        }
        // Every worker's writes are done (and visible) when worker 0 returns.
        w.Get(1).Code.Emit(Opcode.Call, barrier);
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
        w.I32(InitFlagAddress).I32(1).Code.I64Const(WaitNanoseconds);
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

    private static FunctionBuilder Atomic(this FunctionBuilder w, Opcode opcode)
    {
        w.Code.EmitMemArg(opcode);
        return w;
    }
}
