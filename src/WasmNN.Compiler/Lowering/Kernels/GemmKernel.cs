using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Gemm and MatMul on the blocked GEMM. Constant matrices that ONNX stores transposed (a Linear layer's weights,
/// transB = 1) are transposed once at compile time so the inner loop reads B row-contiguous; runtime operands that
/// need it are transposed into scratch. MatMul's batch dimensions (with broadcasting) unroll into calls of one
/// GEMM function per node. In the threads build a GEMM over one B splits its output columns (whole panels).
/// </summary>
internal sealed class GemmKernel : IParallelKernel
{
    public IEnumerable<string> OpTypes => ["Gemm", "MatMul"];

    public string? Unsupported(Node node)
    {
        if (node.Inputs.OfType<Value>().FirstOrDefault(v => v.ElementType != DataType.Float32) is { } other)
        {
            return $"input '{other.Name}' is {other.ElementType}; kernels handle float32";
        }
        return ElementwiseChain.Unsupported(ChainStep.Epilogue(node));
    }

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        if (node.OpType != "Gemm")
        {
            return 0;
        }
        var a = node.GetAttributes<GemmAttributes>();
        long bytes = 0;
        if (a.TransA && !node.Inputs[0]!.IsConstant)
        {
            bytes += PlanBytes(node.Inputs[0]!);
        }
        if (a.TransB && !node.Inputs[1]!.IsConstant)
        {
            bytes += PlanBytes(node.Inputs[1]!);
        }
        return bytes;
    }

    private static long PlanBytes(Value v) => PlanMemory.AlignUp(PlanMemory.ByteSize(v));

    public long ParallelWork(Node node, LoweringOptions options)
    {
        if ((node.Epilogue.Count > 0 && !ElementwiseChain.FitsTile(node)) || ScratchBytes(node, options) > 0)
        {
            return 0;
        }
        var (m, n, k, batches, sharedB) = Dimensions(node);
        return sharedB && n >= 2 * GemmEmitter.Panels(options.Width)[0].Columns ? (long)batches * m * n * k : 0;
    }

    public void EmitParallel(Node node, LoweringContext context, FunctionBuilder w, WorkerShare share)
    {
        GemmEmitter.Epilogue? epilogue = node.Epilogue.Count > 0
            ? (kw, lanes, acc, address) => ElementwiseChain.ApplyEpilogueInTile(context, kw, node, lanes, acc, address)
            : null;
        if (node.OpType == "Gemm")
        {
            EmitGemm(node, context, w, epilogue, share);
        }
        else
        {
            EmitMatMul(node, context, w, epilogue, share);
        }
    }

    /// <summary>The whole GEMM, or with <paramref name="share"/> this worker's chunks of whole column panels.</summary>
    private static void EmitByColumns(LoweringContext context, FunctionBuilder w, WorkerShare? share, int n, Action<(uint, uint)?> gemm)
    {
        if (share is null)
        {
            gemm(null);
        }
        else
        {
            share.EmitChunks(w, context, n, GemmEmitter.Panels(context.Width)[0].Columns, (begin, end) => gemm((begin, end)));
        }
    }

    /// <summary>M, N, K, the batch count, and whether one B serves every batch (MatMul; always for Gemm).</summary>
    private static (int M, int N, int K, int Batches, bool SharedB) Dimensions(Node node)
    {
        if (node.OpType == "Gemm")
        {
            var y = node.Outputs[0]!.Shape!;
            var a = node.GetAttributes<GemmAttributes>();
            return (y[0], y[1], a.TransA ? node.Inputs[0]!.Shape![0] : node.Inputs[0]!.Shape![1], 1, true);
        }
        var aShape = node.Inputs[0]!.Shape!;
        var bShape = node.Inputs[1]!.Shape!;
        var a2 = aShape.Length == 1 ? [1, aShape[0]] : aShape;
        var b2 = bShape.Length == 1 ? [bShape[0], 1] : bShape;
        return (a2[^2], b2[^1], a2[^1], Shapes.ElementCount(Shapes.Broadcast(a2[..^2], b2[..^2])), Shapes.ElementCount(b2[..^2]) == 1);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var inTile = ElementwiseChain.FitsTile(node);
        GemmEmitter.Epilogue? epilogue = inTile && node.Epilogue.Count > 0
            ? (kw, lanes, acc, address) => ElementwiseChain.ApplyEpilogueInTile(context, kw, node, lanes, acc, address)
            : null;
        if (node.OpType == "Gemm")
        {
            EmitGemm(node, context, w, epilogue);
        }
        else
        {
            EmitMatMul(node, context, w, epilogue);
        }
        if (!inTile)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }

    private static void EmitGemm(Node node, LoweringContext context, FunctionBuilder w, GemmEmitter.Epilogue? epilogue, WorkerShare? share = null)
    {
        var attributes = node.GetAttributes<GemmAttributes>();
        var aValue = node.Inputs[0]!;
        var bValue = node.Inputs[1]!;
        var y = node.Outputs[0]!.Shape!;
        int m = y[0], n = y[1];
        var k = attributes.TransA ? aValue.Shape![0] : aValue.Shape![1];
        var scratch = context.ScratchAddress;
        var aAddress = Operand(context, w, aValue, attributes.TransA, ref scratch);
        // Constant B (a fully connected layer's weights) is packed into the micro-kernel's column panels at compile
        // time: with M = 1 each k then reads consecutive bytes instead of striding a row of N floats.
        // Packed when the module is written, from the ONNX file: Bᵀ panel by panel, so no whole copy is ever held.
        var width = context.Width;
        var bAddress = bValue.Constant is not { } weights ? Operand(context, w, bValue, attributes.TransB, ref scratch)
            : attributes.TransB && weights.DataType == DataType.Float32
                ? context.AddWeights(bValue.Name + "^T#columnpanels", (long)k * n * sizeof(float), s => GemmPacking.WriteColumnPanelsOfTransposed(s, weights, width, k, n))
                : context.AddWeights(bValue.Name + (attributes.TransB ? "^T" : "") + "#columnpanels", (long)k * n,
                    () => GemmPacking.PackColumnPanels(RowMajor(weights.ReadFloat32(), bValue.Shape!, attributes.TransB), width, k, n));
        var shape = new GemmShape(m, n, k, k, n, n) { Alpha = attributes.Alpha, Beta = attributes.Beta, PackedB = bValue.IsConstant };
        if (node.Inputs.ElementAtOrDefault(2) is { } c && attributes.Beta != 0)
        {
            var cShape = c.Shape!;
            var kind = Shapes.ElementCount(cShape) == 1 ? BiasKind.Scalar
                : cShape.Length == 2 && cShape[0] == m && cShape[1] == n ? BiasKind.Full
                : cShape[^1] == n && Shapes.ElementCount(cShape) == n ? BiasKind.Column
                : BiasKind.Row;
            shape = shape with { Bias = kind, BiasAddress = context.Address(c) };
        }
        var (a, b, cOut) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        w.I32(aAddress).Set(a).I32(bAddress).Set(b).I32(context.Address(node.Outputs[0]!)).Set(cOut);
        EmitByColumns(context, w, share, n, columns => GemmEmitter.Emit(w, context.Width, shape, a, b, cOut, epilogue, columnRange: columns));
    }

    /// <summary>A constant 2-D operand in row-major (untransposed) form.</summary>
    private static float[] RowMajor(float[] source, int[] shape, bool transposed)
    {
        if (!transposed)
        {
            return source;
        }
        int rows = shape[0], columns = shape[1];
        var result = new float[source.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                result[j * rows + i] = source[i * columns + j];
            }
        }
        return result;
    }

    /// <summary>The address of a Gemm operand in row-major (untransposed) form.</summary>
    private static int Operand(LoweringContext context, FunctionBuilder w, Value value, bool transposed, ref int scratch)
    {
        if (!transposed)
        {
            return context.Address(value);
        }
        int rows = value.Shape![0], columns = value.Shape[1];
        if (value.Constant is { } constant)
        {
            return context.AddWeights(value.Name + "^T", (long)rows * columns, () => RowMajor(constant.ReadFloat32(), [rows, columns], transposed: true));
        }
        var destination = scratch;
        scratch += checked((int)PlanBytes(value));
        EmitTranspose(w, context.Address(value), destination, rows, columns);
        return destination;
    }

    /// <summary>dst[j, i] = src[i, j] for a rows x columns matrix.</summary>
    private static void EmitTranspose(FunctionBuilder w, int source, int destination, int rows, int columns)
    {
        var i = w.Local(ValueType.I32);
        var j = w.Local(ValueType.I32);
        w.For(i, 0, rows, 1, () => w.For(j, 0, columns, 1, () =>
        {
            w.Get(j).I32(rows * 4).Op(Opcode.I32Mul).Get(i).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(destination).Op(Opcode.I32Add);
            w.Get(i).I32(columns * 4).Op(Opcode.I32Mul).Get(j).I32(4).Op(Opcode.I32Mul).Op(Opcode.I32Add).I32(source).Op(Opcode.I32Add);
            w.Load(1).Store(1);
        }));
    }

    private static void EmitMatMul(Node node, LoweringContext context, FunctionBuilder w, GemmEmitter.Epilogue? epilogue, WorkerShare? share = null)
    {
        var aShape = node.Inputs[0]!.Shape!;
        var bValue = node.Inputs[1]!;
        var bShape = bValue.Shape!;
        // 1-D operands: A becomes a row, B a column.
        var a2 = aShape.Length == 1 ? [1, aShape[0]] : aShape;
        var b2 = bShape.Length == 1 ? [bShape[0], 1] : bShape;
        int m = a2[^2], k = a2[^1], n = b2[^1];
        var batchShape = Shapes.Broadcast(a2[..^2], b2[..^2]);
        var batches = Shapes.ElementCount(batchShape);
        int aBase = context.Address(node.Inputs[0]!), yBase = context.Address(node.Outputs[0]!);
        if (Shapes.ElementCount(b2[..^2]) == 1)
        {
            // One B for every batch (a Linear layer over [batch, seq, hidden]): the batches of A are consecutive
            // rows of one taller GEMM, and constant weights are packed into the micro-kernel's column panels at
            // compile time so each k reads consecutive bytes instead of striding a row of N floats (a 768 x 3072
            // FFN weight touches a new page every k).
            var width = context.Width;
            var bAddress = bValue.Constant is { } weights
                ? context.AddWeights(bValue.Name + "#columnpanels", (long)k * n, () => GemmPacking.PackColumnPanels(weights.ReadFloat32(), width, k, n))
                : context.Address(bValue);
            var shape = new GemmShape(batches * m, n, k, k, n, n) { PackedB = bValue.IsConstant };
            var (a, b, c) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
            w.I32(aBase).Set(a).I32(bAddress).Set(b).I32(yBase).Set(c);
            EmitByColumns(context, w, share, n, columns => GemmEmitter.Emit(w, context.Width, shape, a, b, c, epilogue, columnRange: columns));
            return;
        }
        var aStrides = Shapes.BroadcastStrides(a2[..^2], batchShape);
        var bStrides = Shapes.BroadcastStrides(b2[..^2], batchShape);
        var batchedShape = new GemmShape(m, n, k, k, n, n);
        var gemm = context.Helper($"gemm_{node.Name}_{m}x{n}x{k}", new FuncType([ValueType.I32, ValueType.I32, ValueType.I32], []), () =>
        {
            var hw = new FunctionBuilder(parameterCount: 3);
            GemmEmitter.Emit(hw, context.Width, batchedShape, 0, 1, 2, epilogue is null ? null
                : (kw, lanes, acc, address) => epilogue(kw, lanes, acc, address));
            return hw;
        });
        var bBase = context.Address(bValue);
        var index = new int[batchShape.Length];
        for (var batch = 0; batch < batches; batch++)
        {
            ReferenceMath.Unravel(batch, batchShape, index);
            var aOffset = index.Select((x, d) => x * aStrides[d]).Sum() * m * k;
            var bOffset = index.Select((x, d) => x * bStrides[d]).Sum() * k * n;
            w.I32(aBase + aOffset * 4).I32(bBase + bOffset * 4).I32(yBase + batch * m * n * 4).Code.Emit(Opcode.Call, gemm);
        }
    }
}
