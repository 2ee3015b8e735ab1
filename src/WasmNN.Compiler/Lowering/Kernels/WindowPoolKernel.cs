using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The MaxPool and AveragePool variants the vectorised <see cref="PoolKernel"/> leaves: three or more spatial
/// dimensions, MaxPool's Indices output (flat over the whole input, row- or column-major spatial order) and MaxPool
/// on float64 and integer tensors. One output per iteration, the window walked dimension by dimension with unsigned
/// bounds tests, elements loaded through the per-dtype <see cref="ElementAccess"/> table (these variants are rare in
/// models, so the kernel is scalar and short).
/// </summary>
internal sealed class WindowPoolKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["MaxPool", "AveragePool"];

    public bool Covers(Node node) => !PoolKernel.Handles(node) && !IntegerMaxPoolKernel.Handles(node);

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        if (x.Shape is not { Length: >= 3 })
        {
            return "pooling needs at least one spatial dimension";
        }
        if (x.ElementType == DataType.Bool || (node.OpType == "AveragePool" && !x.ElementType.IsFloat()))
        {
            return $"{node.OpType} of {x.ElementType} is not defined";
        }
        if (node.Epilogue.Count > 0 && x.ElementType != DataType.Float32)
        {
            return "a fused epilogue needs float32";
        }
        return ElementwiseChain.Unsupported(ChainStep.Epilogue(node));
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<PoolAttributes>();
        var input = node.Inputs[0]!;
        var xShape = input.Shape!;
        var g = PoolOperator.Geometry(a, xShape);
        var spatial = xShape[2..];
        var rank = spatial.Length;
        var planeSize = Shapes.ElementCount(spatial);
        var type = input.ElementType;
        var kind = ElementAccess.Kind(type);
        var bytes = type.ByteSize();
        var isMax = node.OpType == "MaxPool";
        var numberType = kind switch { NumberKind.F32 => ValueType.F32, NumberKind.F64 => ValueType.F64, NumberKind.I64 => ValueType.I64, _ => ValueType.I32 };
        var x = context.Address(input);
        var y = context.Address(node.Outputs[0]!);
        var indices = node.Outputs.ElementAtOrDefault(1) is { } indexOutput ? context.Address(indexOutput) : (int?)null;
        // Row-major and column-major strides of the spatial dimensions (Indices' storage_order).
        var rowStrides = Shapes.Strides(spatial);
        var columnStrides = new int[rank];
        for (var d = 0; d < rank; d++)
        {
            columnStrides[d] = d == 0 ? 1 : columnStrides[d - 1] * spatial[d - 1];
        }
        var acc = w.Local(numberType);
        var value = w.Local(numberType);
        var best = w.Local(ValueType.I32);
        var bestColumn = w.Local(ValueType.I32);
        var count = w.Local(ValueType.I32);
        var flat = w.Local(ValueType.I32);
        var column = w.Local(ValueType.I32);
        var output = w.Local(ValueType.I32);
        var positions = Enumerable.Range(0, rank).Select(_ => w.Local(ValueType.I32)).ToArray();
        var taps = Enumerable.Range(0, rank).Select(_ => w.Local(ValueType.I32)).ToArray();
        w.I32(0).Set(output);
        KernelLoops.Nest(w, [xShape[0] * xShape[1], .. g.Output], counters =>
        {
            var plane = counters[0];
            if (isMax)
            {
                w.I32(-1).Set(best);
            }
            else
            {
                ElementAccess.Constant(w, kind, 0);
                w.Set(acc).I32(0).Set(count);
            }
            Window(0, counters);
            if (!isMax)
            {
                w.Get(acc);
                if (a.CountIncludePad)
                {
                    for (var d = 0; d < rank; d++)
                    {
                        PoolKernel.PushPaddedCount(w, counters[d + 1], g.Strides[d], g.PadBegin[d], g.Kernel[d], g.Dilations[d], spatial[d] + g.PadEnd[d]);
                        if (d > 0)
                        {
                            w.Op(Opcode.I32Mul);
                        }
                    }
                }
                else
                {
                    w.Get(count);
                }
                w.Op(kind == NumberKind.F64 ? Opcode.F64ConvertI32S : Opcode.F32ConvertI32S);
                w.Op(kind == NumberKind.F64 ? Opcode.F64Div : Opcode.F32Div).Set(acc);
            }
            w.Get(output).I32(bytes).Op(Opcode.I32Mul).I32(y).Op(Opcode.I32Add).Get(acc);
            ElementAccess.Store(w, type);
            if (indices is { } indexAddress)
            {
                // Flat over the whole input: plane * planeSize + the spatial offset in the requested order.
                w.Get(output).I32(8).Op(Opcode.I32Mul).I32(indexAddress).Op(Opcode.I32Add);
                w.Get(plane).I32(planeSize).Op(Opcode.I32Mul).Get(a.StorageOrder == 1 ? bestColumn : best).Op(Opcode.I32Add);
                w.Op(Opcode.I64ExtendI32U);
                ElementAccess.Store(w, DataType.Int64);
            }
            w.Increment(output, 1);
        });
        if (node.Epilogue.Count > 0)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }

        // Taps of dimension d (position = out * stride - padBegin + tap * dilation), skipping those outside the input.
        void Window(int d, uint[] counters)
        {
            if (d == rank)
            {
                Tap(counters[0]);
                return;
            }
            w.For(taps[d], 0, g.Kernel[d], 1, () =>
            {
                w.Get(counters[d + 1]).I32(g.Strides[d]).Op(Opcode.I32Mul).I32(-g.PadBegin[d]).Op(Opcode.I32Add)
                    .Get(taps[d]).I32(g.Dilations[d]).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(positions[d]);
                w.If(() => w.Get(positions[d]).I32(spatial[d]).Op(Opcode.I32LtU), () => Window(d + 1, counters));
            });
        }

        void Tap(uint plane)
        {
            w.I32(0).Set(flat).I32(0).Set(column);
            for (var d = 0; d < rank; d++)
            {
                w.Get(flat).Get(positions[d]).I32(rowStrides[d]).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(flat);
                w.Get(column).Get(positions[d]).I32(columnStrides[d]).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(column);
            }
            w.Get(plane).I32(planeSize).Op(Opcode.I32Mul).Get(flat).Op(Opcode.I32Add).I32(bytes).Op(Opcode.I32Mul).I32(x).Op(Opcode.I32Add);
            ElementAccess.Load(w, type);
            w.Set(value);
            if (isMax)
            {
                // The first maximum wins (strictly greater replaces), as in the reference.
                w.If(() =>
                {
                    w.Get(value).Get(acc).Op(TypedElementwiseKernel.BinaryOpcode("Greater", kind));
                    w.Get(best).I32(0).Op(Opcode.I32LtS).Op(Opcode.I32Or);
                }, () => w.Get(value).Set(acc).Get(flat).Set(best).Get(column).Set(bestColumn));
            }
            else
            {
                w.Get(acc).Get(value).Op(kind == NumberKind.F64 ? Opcode.F64Add : Opcode.F32Add).Set(acc).Increment(count, 1);
            }
        }
    }
}
