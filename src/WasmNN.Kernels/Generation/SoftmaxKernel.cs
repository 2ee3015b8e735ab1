using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>Softmax over the last axis: three passes per row (max, exponentials and their sum, scale).</summary>
internal static class SoftmaxKernel
{
    /// <summary>Parameters: x, y, rows, cols. Subtracting the row maximum first keeps every exponent at most 0.</summary>
    public static void Emit(FunctionBuilder e)
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
            e.Constant(4, float.NegativeInfinity).Set(maxVector);
            e.I32(0).Set(j);
            e.While(j, VectorLimit, 4, () =>
                e.Get(maxVector).Get(px).Load(4).Max(4).Set(maxVector).Increment(px, 16));
            e.Horizontal(4, maxVector, e.Max).Set(max);
            e.While(j, () => e.Get(cols), 1, () => e.Get(max).Get(px).Load(1).Max(1).Set(max).Increment(px, 4));

            // Pass 2: y = e^(x - max) and the sum.
            e.Get(x).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(px);
            e.Get(y).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(py);
            e.Constant(4, 0f).Set(sumVector);
            e.I32(0).Set(j);
            e.While(j, VectorLimit, 4, () =>
            {
                e.Get(px).Load(4).Get(max).Op(Opcode.F32x4Splat).Sub(4);
                e.Exp(4);
                e.Set(exponentials);
                e.Get(py).Get(exponentials).Store(4);
                e.Get(sumVector).Get(exponentials).Add(4).Set(sumVector);
                e.Increment(px, 16).Increment(py, 16);
            });
            e.Horizontal(4, sumVector, e.Add).Set(sum);
            e.While(j, () => e.Get(cols), 1, () =>
            {
                e.Get(px).Load(1).Get(max).Sub(1);
                e.Exp(1);
                e.Set(exponential);
                e.Get(py).Get(exponential).Store(1);
                e.Get(sum).Get(exponential).Add(1).Set(sum);
                e.Increment(px, 4).Increment(py, 4);
            });

            // Pass 3: scale by 1 / sum.
            e.F32(1f).Get(sum).Div(1).Set(scale);
            e.Get(y).Get(row).Get(rowBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(py);
            e.I32(0).Set(j);
            e.While(j, VectorLimit, 4, () =>
                e.Get(py).Get(py).Load(4).Get(scale).Op(Opcode.F32x4Splat).Mul(4).Store(4).Increment(py, 16));
            e.While(j, () => e.Get(cols), 1, () =>
                e.Get(py).Get(py).Load(1).Get(scale).Mul(1).Store(1).Increment(py, 4));
        });
        e.Finish();
    }
}
