using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// ConvTranspose (1-D to 3-D, as 3-D with unit leading dimensions) as GEMM + col2im, per batch and group:
/// col[(m*taps + t), p] = sum_c W[c, m, t] X[c, p] is one GEMM of the transposed weights (Mg*taps x Cg, packed at
/// compile time) with the input plane (Cg x D*H*W, packed at run time), through the same register-blocked
/// micro-kernel as Conv; col2im then adds each column row into the output at the positions its tap reaches, whole
/// rows at a time (vector adds when the width stride is 1). The output planes start as the bias; a fused epilogue
/// runs over the finished output.
/// </summary>
internal sealed class ConvTransposeKernel : IKernelLowering
{
    private sealed record Layout(int Batch, int C, int M, int Group, int[] In, int[] Kernel, int[] Strides, int[] Dilations, int[] PadBegin, int[] Out)
    {
        public int Cg => C / Group;

        public int Mg => M / Group;

        public int Taps => Kernel[0] * Kernel[1] * Kernel[2];

        /// <summary>Rows of the column matrix: every (output channel of the group, tap).</summary>
        public int Rows => Mg * Taps;

        public int InPlane => In[0] * In[1] * In[2];

        public int OutPlane => Out[0] * Out[1] * Out[2];
    }

    public IEnumerable<string> OpTypes => ["ConvTranspose"];

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        if (x.ElementType != DataType.Float32)
        {
            return $"input is {x.ElementType}; kernels handle float32";
        }
        if (x.Shape is not { Length: 3 or 4 or 5 })
        {
            return "only 1-D, 2-D and 3-D transposed convolutions are lowered";
        }
        return ElementwiseChain.Unsupported(ChainStep.Epilogue(node));
    }

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        var l = LayoutOf(node);
        var bytes = ColumnBytes(l) + PlanMemory.AlignUp((long)l.Cg * l.InPlane * 4);
        return node.Inputs[1]!.IsConstant ? bytes : bytes + ((long)l.Group * l.Rows * l.Cg * 4);
    }

    private static long ColumnBytes(Layout l) => PlanMemory.AlignUp((long)l.Rows * l.InPlane * 4);

    private static Layout LayoutOf(Node node)
    {
        var a = node.GetAttributes<ConvTransposeAttributes>();
        var x = node.Inputs[0]!.Shape!;
        var wShape = node.Inputs[1]!.Shape!;
        var g = ConvTransposeOperator.Geometry(a, x, wShape);
        // Leading unit dimensions make every case 3-D.
        int[] As3D(int[] values, int fill) => [.. Enumerable.Repeat(fill, 3 - values.Length), .. values];
        return new Layout(x[0], x[1], wShape[1] * a.Group, a.Group, As3D(x[2..], 1), As3D(g.Kernel, 1), As3D(g.Strides, 1),
            As3D(g.Dilations, 1), As3D(g.PadBegin, 0), As3D(g.Output, 1));
    }

    /// <summary>The weights as the GEMM's A: per group, row (m*taps + t), column c = W[g*Cg + c, m, t].</summary>
    private static float[] TransposeWeights(ReadOnlySpan<float> weights, Layout l)
    {
        var result = new float[weights.Length];
        for (var g = 0; g < l.Group; g++)
        {
            for (var c = 0; c < l.Cg; c++)
            {
                for (var r = 0; r < l.Rows; r++)
                {
                    result[(((g * l.Rows) + r) * l.Cg) + c] = weights[(((g * l.Cg) + c) * l.Rows) + r];
                }
            }
        }
        return result;
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var l = LayoutOf(node);
        var weights = node.Inputs[1]!;
        var packedB = context.ScratchAddress + checked((int)ColumnBytes(l));
        var transposedAt = packedB + checked((int)PlanMemory.AlignUp((long)l.Cg * l.InPlane * 4));
        var wAddress = weights.Constant is { } constant
            ? context.AddWeights(weights.Name + "#transposed-rowpanels", constant.Length, () => GemmPacking.PackRowPanels(TransposeWeights(constant.ReadFloat32(), l), l.Group, l.Rows, l.Cg))
            : transposedAt;
        if (!weights.IsConstant)
        {
            EmitTransposeWeights(w, l, context.Address(weights), transposedAt);
        }
        var xAddress = context.Address(node.Inputs[0]!);
        var yAddress = context.Address(node.Outputs[0]!);
        var bias = node.Inputs.ElementAtOrDefault(2);
        var shape = new GemmShape(l.Rows, l.InPlane, l.Cg, l.Cg, l.InPlane, l.InPlane) { PackedA = weights.IsConstant, PackedB = true };
        var a = w.Local(ValueType.I32);
        var b = w.Local(ValueType.I32);
        var c = w.Local(ValueType.I32);
        var batch = w.Local(ValueType.I32);
        var group = w.Local(ValueType.I32);
        w.For(batch, 0, l.Batch, 1, () => w.For(group, 0, l.Group, 1, () =>
        {
            w.I32(xAddress).Get(batch).I32(l.C * l.InPlane * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                .Get(group).I32(l.Cg * l.InPlane * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(b);
            GemmPacking.EmitPackColumnPanels(w, context.Width, b, packedB, l.Cg, l.InPlane, l.InPlane);
            w.I32(packedB).Set(b);
            w.I32(wAddress).Get(group).I32(l.Rows * l.Cg * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(a);
            w.I32(context.ScratchAddress).Set(c);
            GemmEmitter.Emit(w, context.Width, shape, a, b, c, epilogue: null, fusedMultiplyAdd: context.Options.RelaxedSimd);
            // First output channel of this batch and group.
            w.Get(batch).I32(l.M).Op(Opcode.I32Mul).Get(group).I32(l.Mg).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(c);
            EmitCol2Im(context, w, l, c, bias is null ? null : context.Address(bias), yAddress);
        }));
        if (node.Epilogue.Count > 0)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }

    /// <summary>Run-time form of <see cref="TransposeWeights"/> for weights that are not constant.</summary>
    private static void EmitTransposeWeights(FunctionBuilder w, Layout l, int source, int destination)
    {
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        KernelLoops.Nest(w, [l.Group, l.Cg, l.Rows], counters =>
        {
            // Source is read in order; destination index ((g*Rows + r)*Cg + c).
            KernelLoops.PushAddress(w, destination, counters, [l.Rows * l.Cg * 4, 4, l.Cg * 4]);
            w.Set(dst);
            w.Get(dst).Get(src).I32(source).Op(Opcode.I32Add).Load(1).Store(1);
            w.Increment(src, 4);
        });
    }

    /// <summary>
    /// For each output channel m of the group (channel index base in <paramref name="channel"/>): fill its plane with
    /// the bias, then for every tap add the column rows over the input positions whose target lies inside the plane
    /// (ranges known at compile time).
    /// </summary>
    private static void EmitCol2Im(LoweringContext context, FunctionBuilder w, Layout l, uint channel, int? biasAddress, int yAddress)
    {
        var width = context.Width;
        var m = w.Local(ValueType.I32);
        var plane = w.Local(ValueType.I32);
        var rows = w.Local(ValueType.I32);
        var offset = w.Local(ValueType.I32);
        var id = w.Local(ValueType.I32);
        var ih = w.Local(ValueType.I32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var iw = w.Local(ValueType.I32);
        var fill = w.VectorLocal(width);
        w.For(m, 0, l.Mg, 1, () =>
        {
            w.Get(channel).Get(m).Op(Opcode.I32Add).I32(l.OutPlane * 4).Op(Opcode.I32Mul).I32(yAddress).Op(Opcode.I32Add).Set(plane);
            if (biasAddress is { } bias)
            {
                w.Get(channel).Get(m).Op(Opcode.I32Add).I32(4).Op(Opcode.I32Mul).LoadSplat(width, (uint)bias).Set(fill);
            }
            else
            {
                w.Constant(width, 0).Set(fill);
            }
            KernelLoops.Run(w, width, l.OutPlane, offset, lanes =>
            {
                w.Get(plane).Get(offset).Op(Opcode.I32Add).Get(fill);
                if (lanes == 1 && width > 1)
                {
                    w.Code.Emit(Opcode.F32x4ExtractLane, 0);
                }
                w.Store(lanes);
            });
            // Column rows of this channel: col + m * taps * InPlane floats.
            w.Get(m).I32(l.Taps * l.InPlane * 4).Op(Opcode.I32Mul).I32(context.ScratchAddress).Op(Opcode.I32Add).Set(rows);
            for (var t = 0; t < l.Taps; t++)
            {
                int kd = t / (l.Kernel[1] * l.Kernel[2]), kh = t / l.Kernel[2] % l.Kernel[1], kw = t % l.Kernel[2];
                var (dLo, dHi) = KernelLoops.ValidRange(l.In[0], l.Strides[0], l.PadBegin[0] - (kd * l.Dilations[0]), l.Out[0]);
                var (hLo, hHi) = KernelLoops.ValidRange(l.In[1], l.Strides[1], l.PadBegin[1] - (kh * l.Dilations[1]), l.Out[1]);
                var (wLo, wHi) = KernelLoops.ValidRange(l.In[2], l.Strides[2], l.PadBegin[2] - (kw * l.Dilations[2]), l.Out[2]);
                if (dLo >= dHi || hLo >= hHi || wLo >= wHi)
                {
                    continue;
                }
                var tapRow = t * l.InPlane * 4;
                var count = wHi - wLo;
                w.For(id, dLo, dHi, 1, () => w.For(ih, hLo, hHi, 1, () =>
                {
                    // src = rows + tap row + ((id*H + ih)*W + wLo) floats.
                    w.Get(id).I32(l.In[1] * l.In[2] * 4).Op(Opcode.I32Mul).Get(ih).I32(l.In[2] * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                        .Get(rows).Op(Opcode.I32Add).I32(tapRow + (wLo * 4)).Op(Opcode.I32Add).Set(src);
                    // dst = plane + ((od*OH + oh)*OW + ow) floats with o = i*s - p + k*d.
                    w.Get(id).I32(l.Strides[0] * l.Out[1] * l.Out[2] * 4).Op(Opcode.I32Mul)
                        .Get(ih).I32(l.Strides[1] * l.Out[2] * 4).Op(Opcode.I32Mul).Op(Opcode.I32Add).Get(plane).Op(Opcode.I32Add)
                        .I32(((((((kd * l.Dilations[0]) - l.PadBegin[0]) * l.Out[1]) + (kh * l.Dilations[1]) - l.PadBegin[1]) * l.Out[2])
                            + (wLo * l.Strides[2]) - l.PadBegin[2] + (kw * l.Dilations[2])) * 4).Op(Opcode.I32Add).Set(dst);
                    if (l.Strides[2] == 1)
                    {
                        KernelLoops.Run(w, width, count, offset, lanes =>
                        {
                            w.Get(dst).Get(offset).Op(Opcode.I32Add).Tee(iw).Get(iw).Load(lanes)
                                .Get(src).Get(offset).Op(Opcode.I32Add).Load(lanes).Add(lanes).Store(lanes);
                        });
                    }
                    else
                    {
                        w.For(iw, 0, count, 1, () =>
                        {
                            w.Get(dst).Get(dst).Load(1).Get(src).Load(1).Add(1).Store(1);
                            w.Increment(dst, l.Strides[2] * 4).Increment(src, 4);
                        });
                    }
                }));
            }
        });
    }
}
