using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>Mean and inverse standard deviation of a contiguous row, for LayerNormalization and InstanceNormalization.</summary>
internal static class RowStatistics
{
    /// <summary>
    /// Sets <paramref name="mean"/> and <paramref name="inverseStdDev"/> (f32 locals) for the <paramref name="n"/> floats
    /// at the address in <paramref name="row"/>: two passes (the sum, then the sum of squared deviations, which keeps
    /// the variance accurate when the mean is large), f32x4 accumulators combined across lanes.
    /// </summary>
    /// <remarks>variance = sum((x - mean)^2) / n; inverseStdDev = 1 / sqrt(variance + epsilon).</remarks>
    public static void Emit(FunctionBuilder w, int width, uint row, int n, float epsilon, uint mean, uint inverseStdDev)
    {
        var offset = w.Local(ValueType.I32);
        var vector = w.VectorLocal(width);
        var scalar = w.Local(ValueType.F32);
        var meanLanes = w.VectorLocal(width);
        void Accumulate(Action<int> term)
        {
            w.Constant(width, 0).Set(vector);
            w.Constant(1, 0).Set(scalar);
            KernelLoops.Run(w, width, n, offset, lanes =>
            {
                var accumulator = lanes == width ? vector : scalar;
                w.Get(accumulator);
                term(lanes);
                w.Add(lanes).Set(accumulator);
            });
            w.Horizontal(width, vector, w.Add);
            w.Get(scalar).Add(1);
        }
        Accumulate(lanes => w.Get(row).Get(offset).Op(Opcode.I32Add).Load(lanes));
        w.Constant(1, n).Div(1).Set(mean);
        w.Get(mean).Splat(width).Set(meanLanes);
        Accumulate(lanes =>
        {
            var deviation = w.VectorLocal(lanes);
            w.Get(row).Get(offset).Op(Opcode.I32Add).Load(lanes).Get(lanes == width ? meanLanes : mean).Sub(lanes).Tee(deviation).Get(deviation).Mul(lanes);
        });
        w.Constant(1, n).Div(1).Constant(1, epsilon).Add(1).Op(Opcode.F32Sqrt).Set(inverseStdDev);
        w.Constant(1, 1).Get(inverseStdDev).Div(1).Set(inverseStdDev);
    }
}
