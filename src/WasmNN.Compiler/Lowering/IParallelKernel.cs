using WasmNN.CodeGen;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Lowering;

/// <summary>
/// A kernel that, in the threads build, splits its output across the workers (SPMD: every worker calls the same
/// kernel function and computes its share). Shares are whole output elements, never parts of a reduction, and keep
/// each element in the same tile kind as the one-thread kernel, so results are bit-identical for any worker count.
/// </summary>
internal interface IParallelKernel : IKernelLowering
{
    /// <summary>
    /// The node's work in about one unit per multiply-add or element moved, when it can be split across workers;
    /// 0 when it cannot (this variant needs a shared scratch step, or has too little to split).
    /// </summary>
    long ParallelWork(Node node, LoweringOptions options);

    /// <summary>Emits the body of a <c>(i32 worker, i32 workers) -> ()</c> kernel computing this worker's share.</summary>
    void EmitParallel(Node node, LoweringContext context, FunctionBuilder w, WorkerShare share);
}
