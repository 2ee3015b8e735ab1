using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Inference BatchNormalization that was not folded into a Conv (DenseNet's BN after Concat): per N x C plane,
/// factor = scale[c] / sqrt(var[c] + epsilon) from the parameters at run time, y = (x - mean[c]) * factor + B[c]
/// with f32x4 over the plane, and the fused epilogue (BN + Relu) applied in registers.
/// </summary>
internal sealed class BatchNormalizationKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["BatchNormalization"];

    public string? Unsupported(Node node) =>
        node.Outputs.Skip(1).Any(o => o is not null) ? "the running mean and variance outputs (training) are not supported"
        : node.AllInputs.FirstOrDefault(v => v.ElementType != DataType.Float32) is { } other ? $"input '{other.Name}' is {other.ElementType}; kernels handle float32"
        : node.Inputs[0]!.Shape!.Length < 2 ? "input must be N x C x ..."
        : ElementwiseChain.Unsupported(ChainStep.Epilogue(node));

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var epsilon = node.GetAttributes<BatchNormalizationAttributes>().Epsilon;
        var x = node.Inputs[0]!;
        var shape = x.Shape!;
        var size = Shapes.ElementCount(shape[2..]);
        var output = node.Outputs[0]!;
        int source = context.Address(x), destination = context.Address(output);
        int scale = context.Address(node.Inputs[1]!), bias = context.Address(node.Inputs[2]!);
        int mean = context.Address(node.Inputs[3]!), variance = context.Address(node.Inputs[4]!);
        var width = context.Width;
        var inTile = ElementwiseChain.FitsTile(node);
        var (batch, channel, src, dst, offset, address) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32),
            w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        var (factor, center, shift) = (w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32));
        var (factorLanes, centerLanes, shiftLanes) = (w.VectorLocal(width), w.VectorLocal(width), w.VectorLocal(width));
        w.I32(source).Set(src).I32(destination).Set(dst);
        w.For(batch, 0, shape[0], 1, () => w.For(channel, 0, shape[1], 1, () =>
        {
            void Parameter(int at) => w.Get(channel).I32(4).Op(Opcode.I32Mul).Load(1, (uint)at);
            Parameter(scale);
            Parameter(variance);
            w.Constant(1, epsilon).Add(1).Op(Opcode.F32Sqrt).Div(1).Set(factor);
            Parameter(mean);
            w.Set(center);
            Parameter(bias);
            w.Set(shift);
            w.Get(factor).Splat(width).Set(factorLanes).Get(center).Splat(width).Set(centerLanes).Get(shift).Splat(width).Set(shiftLanes);
            KernelLoops.Run(w, width, size, offset, lanes =>
            {
                var vector = lanes == width;
                var y = w.VectorLocal(lanes);
                w.Get(src).Get(offset).Op(Opcode.I32Add).Load(lanes).Get(vector ? centerLanes : center).Sub(lanes)
                    .Get(vector ? factorLanes : factor).Mul(lanes).Get(vector ? shiftLanes : shift).Add(lanes).Set(y);
                w.Get(dst).Get(offset).Op(Opcode.I32Add).Set(address);
                var result = inTile ? ElementwiseChain.ApplyEpilogueInTile(context, w, node, lanes, y, address) : y;
                w.Get(address).Get(result).Store(lanes);
            });
            w.Increment(src, size * 4).Increment(dst, size * 4);
        }));
        if (!inTile)
        {
            ElementwiseKernel.EmitLoop(context, w, output, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }
}
