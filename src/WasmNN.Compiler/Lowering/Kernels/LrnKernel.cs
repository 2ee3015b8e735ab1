using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// LRN on float32, one element at a time: the sum of squares over the channel window (taps outside [0, C) skipped
/// by an unsigned test), then x / (bias + alpha / size * sum)^beta with the power as exp(beta * ln(base)).
/// </summary>
internal sealed class LrnKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["LRN"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType != DataType.Float32 ? $"input is {node.Inputs[0]!.ElementType}; the kernel handles float32"
        : node.Epilogue.Count > 0 ? "a fused epilogue is not supported" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<LrnAttributes>();
        var shape = node.Inputs[0]!.Shape!;
        var (channels, inner) = (shape[1], Shapes.ElementCount(shape[2..]));
        var (x, y) = (context.Address(node.Inputs[0]!), context.Address(node.Outputs[0]!));
        var (tap, channel, sum, value) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.F32), w.Local(ValueType.F32));
        KernelLoops.Nest(w, [shape[0], channels, inner], c =>
        {
            w.F32(0).Set(sum);
            w.For(tap, 0, a.Size, 1, () =>
            {
                w.Get(c[1]).I32(-LrnOperator.Before(a)).Op(Opcode.I32Add).Get(tap).Op(Opcode.I32Add).Set(channel);
                w.If(() => w.Get(channel).I32(channels).Op(Opcode.I32LtU), () =>
                {
                    KernelLoops.PushAddress(w, x, [c[0], channel, c[2]], [channels * inner * 4, inner * 4, 4]);
                    w.Load(1).Set(value);
                    w.Get(sum).Get(value).Get(value).Mul(1).Add(1).Set(sum);
                });
            });
            KernelLoops.PushAddress(w, y, c, [channels * inner * 4, inner * 4, 4]);
            KernelLoops.PushAddress(w, x, c, [channels * inner * 4, inner * 4, 4]);
            w.Load(1);
            w.Get(sum).F32(a.Alpha / a.Size).Mul(1).F32(a.Bias).Add(1).Log(1).F32(a.Beta).Mul(1).Exp(1);
            w.Div(1).Store(1);
        });
    }
}
