using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// How an integer product's int32 sums leave the kernel: as they are (MatMulInteger, ConvInteger), or requantized
/// to 8 bits with a multiplier per tensor or per output channel/column (QLinearMatMul, QLinearConv).
/// </summary>
/// <param name="Multipliers">input_scale * weight_scale / output_scale, one or one per channel.</param>
/// <param name="ZeroPoint">The output zero point.</param>
/// <param name="Type">The output type (int8 or uint8).</param>
internal sealed record Requantization(float[] Multipliers, int ZeroPoint, DataType Type)
{
    /// <summary>The requantization of a QLinear node, whose scales and zero points sit at the given inputs.</summary>
    public static Requantization Of(Node node, int inputScale, int weightScale, int outputScale, int outputZeroPoint)
    {
        var zeroPoint = QuantizedArithmetic.ConstantInput(node, outputZeroPoint)!;
        var multipliers = QLinearMatMulOperator.Multipliers(QuantizedArithmetic.ConstantInput(node, inputScale)!,
            QuantizedArithmetic.ConstantInput(node, weightScale)!, QuantizedArithmetic.ConstantInput(node, outputScale)!);
        return new Requantization(multipliers, (int)zeroPoint.GetInt64(0), zeroPoint.DataType);
    }

    /// <summary>
    /// Stores the i32 sum pushed by <paramref name="pushSum"/> at <paramref name="pushAddress"/>'s element: as int32,
    /// or requantized with channel <paramref name="channel"/>'s multiplier (the table read only per channel).
    /// </summary>
    public static void Store(FunctionBuilder w, LoweringContext context, string key, Requantization? requantization, Action pushAddress, Action pushSum, uint channel)
    {
        pushAddress();
        pushSum();
        if (requantization is null)
        {
            w.Memory(Opcode.I32Store);
            return;
        }
        w.Op(Opcode.F32ConvertI32S);
        if (requantization.Multipliers.Length == 1)
        {
            w.F32(requantization.Multipliers[0]);
        }
        else
        {
            var table = context.AddWeights(key + "#multipliers", requantization.Multipliers);
            w.Get(channel).I32(4).Op(Opcode.I32Mul).Memory(Opcode.F32Load, (uint)table);
        }
        w.Op(Opcode.F32Mul);
        QuantizedArithmetic.RoundAndSaturate(w, () => w.I32(requantization.ZeroPoint), requantization.Type);
        w.Memory(Opcode.I32Store8);
    }

    /// <summary>Pushes a zero point: a constant per tensor, else the table entry at the index in the local the returned action takes.</summary>
    public static Action<uint> PushZeroPoint(LoweringContext context, string key, int[] zeroPoints, FunctionBuilder w)
    {
        if (zeroPoints.Length == 1)
        {
            return _ => w.I32(zeroPoints[0]);
        }
        var table = QuantizedArithmetic.Table(context, key, zeroPoints);
        return index => w.Get(index).I32(4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, (uint)table);
    }
}

/// <summary>
/// MatMulInteger and QLinearMatMul: numpy matmul of 8-bit operands less their zero points with int32 sums, one
/// helper function per node for an M x K by K x N product called once per broadcast batch.
/// </summary>
internal sealed class IntegerMatMulKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["MatMulInteger", "QLinearMatMul"];

    public string? Unsupported(Node node) => QuantizedArithmetic.RequireConstants(node);

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        var (a, b) = (node.Inputs[0]!, node.Inputs[node.OpType == "QLinearMatMul" ? 3 : 1]!);
        return IntegerGemmKernels.CoversMatMul(options, b) ? IntegerGemmKernels.MatMulScratch(Shapes.ElementCount(a.Shape!) / b.Shape![0], b.Shape[0]) : 0;
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var qlinear = node.OpType == "QLinearMatMul";
        var aValue = node.Inputs[0]!;
        var bValue = node.Inputs[qlinear ? 3 : 1]!;
        var aShape = aValue.Shape!;
        var bShape = bValue.Shape!;
        var a2 = aShape.Length == 1 ? [1, aShape[0]] : aShape;
        var b2 = bShape.Length == 1 ? [bShape[0], 1] : bShape;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        var aZeroPoints = Quantization.ZeroPoints(QuantizedArithmetic.ConstantInput(node, 2), 1);
        var bZeroPoints = Quantization.ZeroPoints(QuantizedArithmetic.ConstantInput(node, qlinear ? 5 : 3), 1);
        var requantization = qlinear ? Requantization.Of(node, 1, 4, 6, 7) : null;
        if (IntegerGemmKernels.CoversMatMul(context.Options, bValue))
        {
            IntegerGemmKernels.EmitMatMul(node, context, w, aValue, bValue, aZeroPoints, bZeroPoints, requantization);
            return;
        }
        var outBytes = node.Outputs[0]!.ElementType.ByteSize();
        var product = context.Helper($"imatmul_{node.Name}", new FuncType([ValueType.I32, ValueType.I32, ValueType.I32], []), () =>
        {
            var hw = new FunctionBuilder(parameterCount: 3);
            const uint A = 0, B = 1, Y = 2;
            var (i, j, p, sum) = (hw.Local(), hw.Local(), hw.Local(), hw.Local());
            var aZero = Requantization.PushZeroPoint(context, $"{node.Name}#azero", aZeroPoints, hw);
            var bZero = Requantization.PushZeroPoint(context, $"{node.Name}#bzero", bZeroPoints, hw);
            hw.For(i, 0, m, 1, () => hw.For(j, 0, n, 1, () =>
            {
                hw.I32(0).Set(sum);
                hw.For(p, 0, k, 1, () =>
                {
                    hw.Get(sum);
                    hw.Get(A).Get(i).I32(k).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(p).Op(Opcode.I32Add);
                    ElementAccess.Load(hw, aValue.ElementType);
                    aZero(i);
                    hw.Op(Opcode.I32Sub);
                    hw.Get(B).Get(p).I32(n).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(j).Op(Opcode.I32Add);
                    ElementAccess.Load(hw, bValue.ElementType);
                    bZero(j);
                    hw.Op(Opcode.I32Sub).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(sum);
                });
                Requantization.Store(hw, context, node.Name, requantization,
                    () => hw.Get(Y).Get(i).I32(n).Op(Opcode.I32Mul).Get(j).Op(Opcode.I32Add).I32(outBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add),
                    () => hw.Get(sum), j);
            }));
            return hw;
        });
        int aBase = context.Address(aValue), bBase = context.Address(bValue), yBase = context.Address(node.Outputs[0]!);
        var offsets = MatMulOperator.BatchOffsets(a2, b2);
        for (var batch = 0; batch < offsets.Length; batch++)
        {
            var (aOffset, bOffset) = offsets[batch];
            w.I32(aBase + aOffset).I32(bBase + bOffset).I32(yBase + batch * m * n * outBytes).Code.Emit(Opcode.Call, product);
        }
    }
}

/// <summary>
/// ConvInteger and QLinearConv (1-D and 2-D, grouped, strided, dilated, padded): a direct convolution with int32
/// sums started from the bias; taps in the padding are skipped, as they hold the zero point and add nothing.
/// </summary>
internal sealed class IntegerConvKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["ConvInteger", "QLinearConv"];

    public string? Unsupported(Node node) => QuantizedArithmetic.RequireConstants(node);

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        var weights = node.Inputs[node.OpType == "QLinearConv" ? 3 : 1]!;
        var s = ConvolutionShape.Of((ConvAttributes)node.Attributes, node.Inputs[0]!.Shape!, weights.Shape!);
        return IntegerDepthwiseKernel.Covers(options, node, s, weights) ? IntegerDepthwiseKernel.ScratchBytes(s)
            : IntegerGemmKernels.CoversConv(options, s, weights) ? IntegerGemmKernels.ConvScratch(s, options) : 0;
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var qlinear = node.OpType == "QLinearConv";
        var x = node.Inputs[0]!;
        var weights = node.Inputs[qlinear ? 3 : 1]!;
        var s = ConvolutionShape.Of((ConvAttributes)node.Attributes, x.Shape!, weights.Shape!);
        var xZeroPoint = Quantization.ZeroPoints(QuantizedArithmetic.ConstantInput(node, 2), 1)[0];
        var wZeroPoints = Quantization.ZeroPoints(QuantizedArithmetic.ConstantInput(node, qlinear ? 5 : 3), 1);
        var requantization = qlinear ? Requantization.Of(node, 1, 4, 6, 7) : null;
        var bias = qlinear && QuantizedArithmetic.ConstantInput(node, 8) is { } b ? (int[])b.Data : null;
        if (IntegerDepthwiseKernel.Covers(context.Options, node, s, weights))
        {
            IntegerDepthwiseKernel.Emit(node, context, w, s, x, weights, xZeroPoint, wZeroPoints, bias, requantization!);
            return;
        }
        if (IntegerGemmKernels.CoversConv(context.Options, s, weights))
        {
            IntegerGemmKernels.EmitConv(node, context, w, s, x, weights, xZeroPoint, wZeroPoints, bias, requantization);
            return;
        }
        var biasTable = bias is null ? 0 : QuantizedArithmetic.Table(context, $"{node.Name}#bias", bias);
        int xBase = context.Address(x), wBase = context.Address(weights), yBase = context.Address(node.Outputs[0]!);
        var outBytes = node.Outputs[0]!.ElementType.ByteSize();
        var wZero = Requantization.PushZeroPoint(context, $"{node.Name}#wzero", wZeroPoints, w);
        var (batch, m, oh, ow, c, i, j, ih, iw, sum, output) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        w.I32(0).Set(output);
        w.For(batch, 0, s.Batch, 1, () => w.For(m, 0, s.OutChannels, 1, () => w.For(oh, 0, s.OutH, 1, () => w.For(ow, 0, s.OutW, 1, () =>
        {
            if (bias is null)
            {
                w.I32(0).Set(sum);
            }
            else
            {
                w.Get(m).I32(4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, (uint)biasTable).Set(sum);
            }
            w.For(c, 0, s.ChannelsPerGroup, 1, () => w.For(i, 0, s.Kh, 1, () =>
            {
                w.Get(oh).I32(s.Sh).Op(Opcode.I32Mul).Get(i).I32(s.Dh).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(s.Pt).Op(Opcode.I32Sub).Set(ih);
                w.For(j, 0, s.Kw, 1, () =>
                {
                    w.Get(ow).I32(s.Sw).Op(Opcode.I32Mul).Get(j).I32(s.Dw).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(s.Pl).Op(Opcode.I32Sub).Set(iw);
                    // Unsigned compares reject negative coordinates too.
                    w.If(() => w.Get(ih).I32(s.InH).Op(Opcode.I32LtU).Get(iw).I32(s.InW).Op(Opcode.I32LtU).Op(Opcode.I32And), () =>
                    {
                        w.Get(sum);
                        // x[batch, group(m) * Cg + c, ih, iw]
                        w.Get(batch).I32(s.Channels).Op(Opcode.I32Mul).Get(m).I32(s.OutPerGroup).Op(Opcode.I32DivU).I32(s.ChannelsPerGroup).Op(Opcode.I32Mul)
                            .Op(Opcode.I32Add).Get(c).Op(Opcode.I32Add).I32(s.InH).Op(Opcode.I32Mul).Get(ih).Op(Opcode.I32Add).I32(s.InW).Op(Opcode.I32Mul)
                            .Get(iw).Op(Opcode.I32Add).I32(xBase).Op(Opcode.I32Add);
                        ElementAccess.Load(w, x.ElementType);
                        w.I32(xZeroPoint).Op(Opcode.I32Sub);
                        // w[m, c, i, j]
                        w.Get(m).I32(s.ChannelsPerGroup).Op(Opcode.I32Mul).Get(c).Op(Opcode.I32Add).I32(s.Kh).Op(Opcode.I32Mul).Get(i).Op(Opcode.I32Add)
                            .I32(s.Kw).Op(Opcode.I32Mul).Get(j).Op(Opcode.I32Add).I32(wBase).Op(Opcode.I32Add);
                        ElementAccess.Load(w, weights.ElementType);
                        wZero(m);
                        w.Op(Opcode.I32Sub).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(sum);
                    });
                });
            }));
            Requantization.Store(w, context, node.Name, requantization,
                () => w.Get(output).I32(outBytes).Op(Opcode.I32Mul).I32(yBase).Op(Opcode.I32Add), () => w.Get(sum), m);
            w.Increment(output, 1);
        }))));
    }
}
