using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>Softmax over the last axis: three passes per row (max, exponentials and their sum, scale).</summary>
internal static class SoftmaxKernel
{
    /// <summary>Parameters: x, y, rows, cols. Subtracting the row maximum first keeps every exponent at most 0.</summary>
    public static void Emit(FunctionEmitter e)
    {
        uint x = 0, y = 1, rows = 2, cols = 3;
        var row = e.Local();
        var j = e.Local();
        var px = e.Local();
        var py = e.Local();
        var rowBytes = e.Local();
        var maxVector = e.Local(ValueType.V128);
        var sumVector = e.Local(ValueType.V128);
        var max = e.Local(ValueType.F32);
        var sum = e.Local(ValueType.F32);
        var exponential = e.Local(ValueType.F32);
        var exponentials = e.Local(ValueType.V128);
        var scale = e.Local(ValueType.F32);
        void VectorLimit() => e.Get(cols).I32(3).Op(Opcode.I32Sub);

        e.Get(cols).I32(4).Op(Opcode.I32Mul).Set(rowBytes);
        e.For(row, rows, () =>
        {
            // Pass 1: the row maximum.
            e.Get(x).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(px);
            e.Constant(true, float.NegativeInfinity).Set(maxVector);
            e.I32(0).Set(j);
            e.While(j, VectorLimit, 4, () =>
                e.Get(maxVector).Get(px).FLoad(true).FMax(true).Set(maxVector).Increment(px, 16));
            e.Get(maxVector).Code.Emit(Opcode.F32x4ExtractLane, 0);
            for (uint lane = 1; lane < 4; lane++)
            {
                e.Get(maxVector).Code.Emit(Opcode.F32x4ExtractLane, lane);
                e.FMax(false);
            }
            e.Set(max);
            e.While(j, () => e.Get(cols), 1, () => e.Get(max).Get(px).FLoad(false).FMax(false).Set(max).Increment(px, 4));

            // Pass 2: y = e^(x - max) and the sum.
            e.Get(x).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(px);
            e.Get(y).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(py);
            e.Constant(true, 0f).Set(sumVector);
            e.I32(0).Set(j);
            e.While(j, VectorLimit, 4, () =>
            {
                e.Get(px).FLoad(true).Get(max).Op(Opcode.F32x4Splat).FSub(true);
                FloatMath.Exp(e, true);
                e.Set(exponentials);
                e.Get(py).Get(exponentials).FStore(true);
                e.Get(sumVector).Get(exponentials).FAdd(true).Set(sumVector);
                e.Increment(px, 16).Increment(py, 16);
            });
            e.Get(sumVector).Code.Emit(Opcode.F32x4ExtractLane, 0);
            for (uint lane = 1; lane < 4; lane++)
            {
                e.Get(sumVector).Code.Emit(Opcode.F32x4ExtractLane, lane);
                e.FAdd(false);
            }
            e.Set(sum);
            e.While(j, () => e.Get(cols), 1, () =>
            {
                e.Get(px).FLoad(false).Get(max).FSub(false);
                FloatMath.Exp(e, false);
                e.Set(exponential);
                e.Get(py).Get(exponential).FStore(false);
                e.Get(sum).Get(exponential).FAdd(false).Set(sum);
                e.Increment(px, 4).Increment(py, 4);
            });

            // Pass 3: scale by 1 / sum.
            e.F32(1f).Get(sum).FDiv(false).Set(scale);
            e.Get(y).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(py);
            e.I32(0).Set(j);
            e.While(j, VectorLimit, 4, () =>
                e.Get(py).Get(py).FLoad(true).Get(scale).Op(Opcode.F32x4Splat).FMul(true).FStore(true).Increment(py, 16));
            e.While(j, () => e.Get(cols), 1, () =>
                e.Get(py).Get(py).FLoad(false).Get(scale).FMul(false).FStore(false).Increment(py, 4));
        });
        e.Finish();
    }
}
