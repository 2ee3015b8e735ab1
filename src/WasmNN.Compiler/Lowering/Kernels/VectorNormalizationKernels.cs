using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// LpNormalization on float32: per (outer, inner) position, the L1 (sum of |x|) or L2 (square root of the sum of
/// squares) norm along the axis, then each element of the vector divided by it.
/// </summary>
internal sealed class LpNormalizationKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["LpNormalization"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType != DataType.Float32 ? $"input is {node.Inputs[0]!.ElementType}; the kernel handles float32" : AxisWalk.Unsupported(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<LpNormalizationAttributes>();
        var (outer, length, inner) = LpNormalizationOperator.Split(a, node.Inputs[0]!.Shape!);
        var (x, y) = (context.Address(node.Inputs[0]!), context.Address(node.Outputs[0]!));
        var (row, outRow, k, norm, value) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.F32), w.Local(ValueType.F32));
        KernelLoops.Nest(w, [outer, inner], counters =>
        {
            KernelLoops.PushAddress(w, x, counters, [length * inner * 4, 4]);
            w.Set(row);
            KernelLoops.PushAddress(w, y, counters, [length * inner * 4, 4]);
            w.Set(outRow);
            w.F32(0).Set(norm);
            w.For(k, 0, length, 1, () =>
            {
                AxisWalk.PushElement(w, row, k, inner * 4);
                w.Load(1).Set(value);
                w.Get(norm);
                if (a.P == 1)
                {
                    w.Get(value).Abs(1);
                }
                else
                {
                    w.Get(value).Get(value).Mul(1);
                }
                w.Add(1).Set(norm);
            });
            if (a.P == 2)
            {
                w.Get(norm).Op(Opcode.F32Sqrt).Set(norm);
            }
            w.For(k, 0, length, 1, () =>
            {
                AxisWalk.PushElement(w, outRow, k, inner * 4);
                AxisWalk.PushElement(w, row, k, inner * 4);
                w.Load(1).Get(norm).Div(1).Store(1);
            });
        });
    }
}

/// <summary>
/// MeanVarianceNormalization on float32: per position of the kept dimensions, one walk over the reduced ones for the
/// sum and the sum of squares, then a second writing (x - mean) / (sqrt(E[x^2] - mean^2) + 1e-9).
/// </summary>
internal sealed class MeanVarianceNormalizationKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["MeanVarianceNormalization"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType != DataType.Float32 ? $"input is {node.Inputs[0]!.ElementType}; the kernel handles float32" : AxisWalk.Unsupported(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var shape = node.Inputs[0]!.Shape!;
        var mask = MeanVarianceNormalizationOperator.ReducedMask(node.GetAttributes<MeanVarianceNormalizationAttributes>(), shape.Length);
        var strides = Shapes.Strides(shape).Select(s => s * 4).ToArray();
        var kept = Enumerable.Range(0, shape.Length).Where(d => !mask[d]).ToArray();
        var reduced = Enumerable.Range(0, shape.Length).Where(d => mask[d]).ToArray();
        var count = reduced.Aggregate(1, (n, d) => n * shape[d]);
        var (x, y) = (context.Address(node.Inputs[0]!), context.Address(node.Outputs[0]!));
        var (sum, squares, value) = (w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32));
        KernelLoops.Nest(w, [.. kept.Select(d => shape[d])], outer =>
        {
            w.F32(0).Set(sum).F32(0).Set(squares);
            KernelLoops.Nest(w, [.. reduced.Select(d => shape[d])], inner =>
            {
                PushAddress(x, outer, inner);
                w.Load(1).Set(value);
                w.Get(sum).Get(value).Add(1).Set(sum);
                w.Get(squares).Get(value).Get(value).Mul(1).Add(1).Set(squares);
            });
            // sum = mean; squares = sqrt(E[x^2] - mean^2) + epsilon (the difference floored at 0 against rounding).
            w.Get(sum).F32(count).Div(1).Set(sum);
            w.Get(squares).F32(count).Div(1).Get(sum).Get(sum).Mul(1).Sub(1).F32(0).Max(1).Op(Opcode.F32Sqrt).F32((float)MeanVarianceNormalizationOperator.Epsilon).Add(1).Set(squares);
            KernelLoops.Nest(w, [.. reduced.Select(d => shape[d])], inner =>
            {
                PushAddress(y, outer, inner);
                PushAddress(x, outer, inner);
                w.Load(1).Get(sum).Sub(1).Get(squares).Div(1).Store(1);
            });
        });

        void PushAddress(int address, uint[] outer, uint[] inner)
        {
            var counters = new uint[shape.Length];
            for (var i = 0; i < kept.Length; i++)
            {
                counters[kept[i]] = outer[i];
            }
            for (var i = 0; i < reduced.Length; i++)
            {
                counters[reduced[i]] = inner[i];
            }
            KernelLoops.PushAddress(w, address, counters, strides);
        }
    }
}
