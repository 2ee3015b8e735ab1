using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss over [N, C, D] (D the trailing dimensions). SCE first
/// writes LogSoftmax along C with the Softmax kernel's passes, into its log_prob output or scratch. Then one pass
/// over (n, d): the target is read (int32 widened to int64) and compared with ignore_index before it is used as an
/// index, so a negative ignore_index never addresses memory, and clamped to [0, C) like Gather's indices; the loss is stored per element or summed with its
/// weight for sum and mean (mean divides by the weight sum, so all-ignored gives 0/0 = NaN like the reference).
/// </summary>
internal sealed class ClassLossKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"];

    private static bool IsSoftmax(Node node) => node.OpType == "SoftmaxCrossEntropyLoss";

    public string? Unsupported(Node node)
    {
        var type = node.Inputs[0]!.ElementType;
        if (IsSoftmax(node) ? type != DataType.Float32 : type is not (DataType.Float32 or DataType.Float64))
        {
            return $"input is {type}; the kernel handles {(IsSoftmax(node) ? "float32" : "float32 and float64")}";
        }
        return AxisWalk.Unsupported(node);
    }

    public long ScratchBytes(Node node, LoweringOptions options) =>
        IsSoftmax(node) && node.Outputs.ElementAtOrDefault(1) is null ? (long)Shapes.ElementCount(node.Inputs[0]!.Shape!) * 4 : 0;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<ClassLossAttributes>();
        var x = node.Inputs[0]!;
        var target = node.Inputs[1]!;
        var weight = node.Inputs.ElementAtOrDefault(2);
        var type = x.ElementType;
        var kind = ElementAccess.Kind(type);
        var isF32 = kind == NumberKind.F32;
        var size = type.ByteSize();
        var targetSize = target.ElementType.ByteSize();
        var (batch, classes, inner) = ClassLossBase.Split(x.Shape!);
        var logProb = context.Address(x);
        if (IsSoftmax(node))
        {
            logProb = node.Outputs.ElementAtOrDefault(1) is { } output ? context.Address(output) : context.ScratchAddress;
            if (batch * classes * inner > 0)
            {
                SoftmaxKernel.EmitPasses(w, context.Width, true, context.Address(x), logProb, batch, classes, inner);
            }
        }
        var lossAddress = context.Address(node.Outputs[0]!);
        var label = w.Local(ValueType.I64);
        var classBytes = w.Local(ValueType.I32);
        var factor = AxisWalk.Local(w, type);
        var loss = AxisWalk.Local(w, type);
        var sum = AxisWalk.Local(w, type);
        var weightSum = AxisWalk.Local(w, type);
        AxisWalk.Zero(w, type);
        w.Set(sum);
        AxisWalk.Zero(w, type);
        w.Set(weightSum);
        KernelLoops.Nest(w, [batch, inner], counters =>
        {
            KernelLoops.PushAddress(w, context.Address(target), counters, [inner * targetSize, targetSize]);
            ElementAccess.Load(w, target.ElementType);
            if (target.ElementType == DataType.Int32)
            {
                w.Op(Opcode.I64ExtendI32S);
            }
            w.Set(label);
            void Contribute()
            {
                // A target outside [0, C) is invalid ONNX (the reference evaluation rejects it); the kernel clamps it
                // like Gather's indices, so data never makes it read past its own row of log-probabilities or weights.
                RuntimeIndex.Clamp(w, label, classes);
                w.Get(label).Op(Opcode.I32WrapI64).I32(inner * size).Op(Opcode.I32Mul).Set(classBytes);
                if (weight is null)
                {
                    ElementAccess.Constant(w, kind, 1);
                }
                else
                {
                    w.I32(context.Address(weight)).Get(label).Op(Opcode.I32WrapI64).I32(size).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                    ElementAccess.Load(w, type);
                }
                w.Set(factor);
                KernelLoops.PushAddress(w, logProb, counters, [classes * inner * size, size]);
                w.Get(classBytes).Op(Opcode.I32Add);
                ElementAccess.Load(w, type);
                w.Get(factor).Op(isF32 ? Opcode.F32Mul : Opcode.F64Mul);
                w.Op(isF32 ? Opcode.F32Neg : Opcode.F64Neg).Set(loss);
            }
            if (a.IgnoreIndex is { } ignored)
            {
                w.If(() =>
                    {
                        w.Get(label).Code.I64Const(ignored);
                        w.Op(Opcode.I64Eq);
                    },
                    () =>
                    {
                        AxisWalk.Zero(w, type);
                        w.Set(factor);
                        AxisWalk.Zero(w, type);
                        w.Set(loss);
                    },
                    Contribute);
            }
            else
            {
                Contribute();
            }
            if (a.Reduction == LossReduction.None)
            {
                KernelLoops.PushAddress(w, lossAddress, counters, [inner * size, size]);
                w.Get(loss);
                ElementAccess.Store(w, type);
            }
            else
            {
                w.Get(sum).Get(loss).Op(AxisWalk.Add(type)).Set(sum);
                w.Get(weightSum).Get(factor).Op(AxisWalk.Add(type)).Set(weightSum);
            }
        });
        if (a.Reduction != LossReduction.None)
        {
            w.I32(lossAddress).Get(sum);
            if (a.Reduction == LossReduction.Mean)
            {
                w.Get(weightSum).Op(isF32 ? Opcode.F32Div : Opcode.F64Div);
            }
            ElementAccess.Store(w, type);
        }
    }
}
