using WasmNN.CodeGen;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// The worker index and count of a parallel kernel (its two parameters) and the code to take a share of a range
/// or wait for the other workers.
/// </summary>
/// <param name="Worker">Local holding this worker's index, 0 to count - 1.</param>
/// <param name="Count">Local holding the number of workers taking part in this run.</param>
internal sealed record WorkerShare(uint Worker, uint Count)
{
    /// <summary>The parameters of a parallel kernel function.</summary>
    public static WorkerShare Parameters { get; } = new(0, 1);

    /// <summary>
    /// Sets <paramref name="begin"/> and <paramref name="end"/> to this worker's part of <c>[0, items)</c>: whole
    /// blocks of <paramref name="grain"/> items, dealt in contiguous runs, the last block possibly partial (so every
    /// boundary but the end is a multiple of the grain). A worker may get an empty range.
    /// </summary>
    public void EmitRange(FunctionBuilder w, int items, int grain, uint begin, uint end)
    {
        var blocks = (items + grain - 1) / grain;
        // blocks * (worker + 1) < 2^31 for any worker count the ABI allows (MaxWorkers is checked at compile time).
        w.Get(Worker).I32(blocks).Op(Opcode.I32Mul).Get(Count).Op(Opcode.I32DivU).I32(grain).Op(Opcode.I32Mul).Set(begin);
        w.Get(Worker).I32(1).Op(Opcode.I32Add).I32(blocks).Op(Opcode.I32Mul).Get(Count).Op(Opcode.I32DivU).I32(grain).Op(Opcode.I32Mul).Set(end);
        w.MinI32(() => w.Get(begin), () => w.I32(items)).Set(begin);
        w.MinI32(() => w.Get(end), () => w.I32(items)).Set(end);
    }

    /// <summary>Waits until every worker has called it (the module's barrier, <see cref="ThreadedProgram"/>).</summary>
    public void EmitBarrier(FunctionBuilder w, LoweringContext context) =>
        w.Get(Count).Code.Emit(Opcode.Call, ThreadedProgram.Barrier(context));

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
