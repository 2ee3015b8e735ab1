using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// InstanceNormalization: per N x C plane, mean and inverse standard deviation over the spatial elements, then
/// y = (x - mean) * invStdDev * scale[c] + B[c] with f32x4 over the plane.
/// </summary>
internal sealed class InstanceNormalizationKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["InstanceNormalization"];

    public string? Unsupported(Node node) =>
        node.AllInputs.FirstOrDefault(v => v.ElementType != DataType.Float32) is { } other ? $"input '{other.Name}' is {other.ElementType}; kernels handle float32"
        : Shapes.ElementCount(node.Inputs[0]!.Shape![2..]) == 0 ? "an empty spatial extent is not supported"
        : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var epsilon = node.GetAttributes<InstanceNormalizationAttributes>().Epsilon;
        var x = node.Inputs[0]!;
        var shape = x.Shape!;
        var size = Shapes.ElementCount(shape[2..]);
        int source = context.Address(x), destination = context.Address(node.Outputs[0]!);
        int scale = context.Address(node.Inputs[1]!), bias = context.Address(node.Inputs[2]!);
        var width = context.Width;
        var (batch, channel, row, offset) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        var (mean, inverseStdDev, factor, shift) = (w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32));
        var (meanLanes, factorLanes, shiftLanes) = (w.VectorLocal(width), w.VectorLocal(width), w.VectorLocal(width));
        w.I32(source).Set(row);
        w.For(batch, 0, shape[0], 1, () => w.For(channel, 0, shape[1], 1, () =>
        {
            RowStatistics.Emit(w, width, row, size, epsilon, mean, inverseStdDev);
            w.Get(inverseStdDev).Get(channel).I32(4).Op(Opcode.I32Mul).Load(1, (uint)scale).Mul(1).Set(factor);
            w.Get(channel).I32(4).Op(Opcode.I32Mul).Load(1, (uint)bias).Set(shift);
            w.Get(mean).Splat(width).Set(meanLanes).Get(factor).Splat(width).Set(factorLanes).Get(shift).Splat(width).Set(shiftLanes);
            KernelLoops.Run(w, width, size, offset, lanes =>
            {
                var vector = lanes == width;
                w.Get(row).Get(offset).Op(Opcode.I32Add).I32(destination - source).Op(Opcode.I32Add);
                w.Get(row).Get(offset).Op(Opcode.I32Add).Load(lanes).Get(vector ? meanLanes : mean).Sub(lanes)
                    .Get(vector ? factorLanes : factor).Mul(lanes).Get(vector ? shiftLanes : shift).Add(lanes);
                w.Store(lanes);
            });
            w.Increment(row, size * 4);
        }));
    }
}
