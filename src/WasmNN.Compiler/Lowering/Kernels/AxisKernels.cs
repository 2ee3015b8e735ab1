using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// What the kernels that walk one axis of a tensor viewed as [outer, length, inner] share: typed locals, constants
/// and arithmetic per number kind, loaded and stored through <see cref="ElementAccess"/>, so each kernel is written
/// once for every element type.
/// </summary>
internal static class AxisWalk
{
    /// <summary>Why a node's inputs and outputs cannot be walked: a type without arithmetic, or a dynamic shape.</summary>
    public static string? Unsupported(Node node)
    {
        if (node.Epilogue.Count > 0)
        {
            return "a fused epilogue is not supported";
        }
        if (node.Inputs[0]!.ElementType == DataType.Bool)
        {
            return "bool input is not supported";
        }
        return node.AllInputs.Concat(node.Outputs.OfType<Value>()).FirstOrDefault(v => !Shapes.IsStatic(v.Shape)) is { } dynamic
            ? $"'{dynamic.Name}' has no static shape" : null;
    }

    /// <summary>A local of the type elements of <paramref name="type"/> are computed in.</summary>
    public static uint Local(FunctionBuilder w, DataType type) => ElementAccess.Local(w, type);

    /// <summary>Pushes zero in the computation type of <paramref name="type"/>.</summary>
    public static void Zero(FunctionBuilder w, DataType type) => ElementAccess.Constant(w, ElementAccess.Kind(type), 0);

    /// <summary>The add instruction of the computation type of <paramref name="type"/>.</summary>
    public static Opcode Add(DataType type) => ElementAccess.Kind(type).Of(Opcode.F32Add, Opcode.F64Add, Opcode.I64Add, Opcode.I32Add);

    /// <summary>
    /// Sets <paramref name="bestIndex"/> to the position along the axis of the best element of the row at
    /// (outer, inner) = <paramref name="counters"/>: a candidate replaces the best when <paramref name="wins"/> holds
    /// (strictly better keeps the first index on ties).
    /// </summary>
    public static void FindBest(FunctionBuilder w, int address, Value x, int length, int inner, uint[] counters, Opcode wins, uint bestIndex)
    {
        var size = x.ElementType.ByteSize();
        var pointer = w.Local(ValueType.I32);
        var k = w.Local(ValueType.I32);
        var best = Local(w, x.ElementType);
        var candidate = Local(w, x.ElementType);
        KernelLoops.PushAddress(w, address, counters, [length * inner * size, size]);
        w.Tee(pointer);
        ElementAccess.Load(w, x.ElementType);
        w.Set(best).I32(0).Set(bestIndex);
        w.For(k, 1, length, 1, () =>
        {
            w.Increment(pointer, inner * size);
            w.Get(pointer);
            ElementAccess.Load(w, x.ElementType);
            w.Set(candidate);
            w.If(() => w.Get(candidate).Get(best).Op(wins), () => w.Get(candidate).Set(best).Get(k).Set(bestIndex));
        });
    }

    /// <summary>Pushes <c>base + index * strideBytes</c> with <paramref name="index"/> an i32 local.</summary>
    public static void PushElement(FunctionBuilder w, uint baseAddress, uint index, int strideBytes) =>
        w.Get(baseAddress).Get(index).I32(strideBytes).Op(Opcode.I32Mul).Op(Opcode.I32Add);
}

/// <summary>
/// ArgMax and ArgMin: per (outer, inner) position, one pass along the axis keeping the best value and its index
/// in locals; a candidate replaces the best when strictly better (first index on ties) or, with
/// select_last_index, when at least as good. Float compares are false for NaN, so NaN never wins.
/// </summary>
internal sealed class ArgReduceKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["ArgMax", "ArgMin"];

    public string? Unsupported(Node node) => AxisWalk.Unsupported(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<ArgReduceAttributes>();
        var x = node.Inputs[0]!;
        var (outer, length, inner, _) = ArgReduceBase.Split(a, x.Shape!);
        var wins = TypedElementwiseKernel.BinaryOpcode((node.OpType == "ArgMax", a.SelectLastIndex) switch
        {
            (true, false) => "Greater",
            (true, true) => "GreaterOrEqual",
            (false, false) => "Less",
            (false, true) => "LessOrEqual",
        }, ElementAccess.Kind(x.ElementType));
        var bestIndex = w.Local(ValueType.I32);
        KernelLoops.Nest(w, [outer, inner], counters =>
        {
            AxisWalk.FindBest(w, context.Address(x), x, length, inner, counters, wins, bestIndex);
            KernelLoops.PushAddress(w, context.Address(node.Outputs[0]!), counters, [inner * 8, 8]);
            w.Get(bestIndex).Op(Opcode.I64ExtendI32U);
            ElementAccess.Store(w, DataType.Int64);
        });
    }
}

/// <summary>
/// Hardmax: per (outer, inner) position, the first maximum along the axis as in ArgMax, then the output row is zeroed
/// and 1 stored at that index (opsets before 13 view the input as 2-D, so the axis runs over everything after it).
/// </summary>
internal sealed class HardmaxKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Hardmax"];

    public string? Unsupported(Node node) => AxisWalk.Unsupported(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var (outer, length, inner) = HardmaxOperator.Split(node.GetAttributes<HardmaxAttributes>(), x.Shape!);
        var size = x.ElementType.ByteSize();
        var kind = ElementAccess.Kind(x.ElementType);
        var bestIndex = w.Local(ValueType.I32);
        var k = w.Local(ValueType.I32);
        var row = w.Local(ValueType.I32);
        KernelLoops.Nest(w, [outer, inner], counters =>
        {
            AxisWalk.FindBest(w, context.Address(x), x, length, inner, counters, TypedElementwiseKernel.BinaryOpcode("Greater", kind), bestIndex);
            KernelLoops.PushAddress(w, context.Address(node.Outputs[0]!), counters, [length * inner * size, size]);
            w.Set(row);
            w.For(k, 0, length, 1, () =>
            {
                AxisWalk.PushElement(w, row, k, inner * size);
                AxisWalk.Zero(w, x.ElementType);
                ElementAccess.Store(w, x.ElementType);
            });
            AxisWalk.PushElement(w, row, bestIndex, inner * size);
            ElementAccess.Constant(w, kind, 1);
            ElementAccess.Store(w, x.ElementType);
        });
    }
}

/// <summary>
/// CumSum row by row along the axis: the first row is the input row (or 0 when exclusive), each next row the
/// previous output row plus the input row (the previous one when exclusive), so every pass reads and writes
/// contiguous rows of the inner dimensions; reverse walks the rows from the end.
/// </summary>
internal sealed class CumSumKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["CumSum"];

    public string? Unsupported(Node node) =>
        node.Inputs[1] is not { IsConstant: true } ? "the axis input must be a constant" : AxisWalk.Unsupported(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<CumSumAttributes>();
        var x = node.Inputs[0]!;
        var type = x.ElementType;
        var (outer, length, inner) = CumSumOperator.Split(x.Shape!, node.Inputs[1]!.Constant!);
        if (length == 0 || outer * inner == 0)
        {
            return;
        }
        var size = type.ByteSize();
        var rowBytes = inner * size;
        var xAddress = context.Address(x);
        var yAddress = context.Address(node.Outputs[0]!);
        // Row steps are signed: reverse walks from the last row back.
        var first = a.Reverse ? length - 1 : 0;
        var step = a.Reverse ? -rowBytes : rowBytes;
        var o = w.Local(ValueType.I32);
        var row = w.Local(ValueType.I32);
        var i = w.Local(ValueType.I32);
        var source = w.Local(ValueType.I32);
        var target = w.Local(ValueType.I32);
        w.For(o, 0, outer, 1, () =>
        {
            // target = y[o, first, 0], source = x[o, first, 0].
            w.Get(o).I32(length * rowBytes).Op(Opcode.I32Mul).I32(first * rowBytes).Op(Opcode.I32Add).Tee(target).I32(xAddress).Op(Opcode.I32Add).Set(source);
            w.Get(target).I32(yAddress).Op(Opcode.I32Add).Set(target);
            w.For(i, 0, inner, 1, () =>
            {
                AxisWalk.PushElement(w, target, i, size);
                if (a.Exclusive)
                {
                    AxisWalk.Zero(w, type);
                }
                else
                {
                    AxisWalk.PushElement(w, source, i, size);
                    ElementAccess.Load(w, type);
                }
                ElementAccess.Store(w, type);
            });
            w.For(row, 1, length, 1, () =>
            {
                // Exclusive adds the input row before this one, so the source advances after the row.
                if (!a.Exclusive)
                {
                    w.Increment(source, step);
                }
                w.Increment(target, step);
                w.For(i, 0, inner, 1, () =>
                {
                    AxisWalk.PushElement(w, target, i, size);
                    AxisWalk.PushElement(w, target, i, size);
                    w.I32(-step).Op(Opcode.I32Add);
                    ElementAccess.Load(w, type);
                    AxisWalk.PushElement(w, source, i, size);
                    ElementAccess.Load(w, type);
                    w.Op(AxisWalk.Add(type));
                    ElementAccess.Store(w, type);
                });
                if (a.Exclusive)
                {
                    w.Increment(source, step);
                }
            });
        });
    }
}

/// <summary>
/// TopK with a constant k: per (outer, inner) position, one pass along the axis inserting each element into the
/// sorted output (values and indices, best first) by shifting worse entries down; an element not strictly better
/// than the current k-th is skipped, so equal values keep the lower index first, as the spec asks.
/// </summary>
internal sealed class TopKKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["TopK"];

    public string? Unsupported(Node node)
    {
        var a = node.GetAttributes<TopKAttributes>();
        if (a.K is null && node.Inputs.ElementAtOrDefault(1) is not { IsConstant: true } && LoweringContext.RuntimeLengthOf(node) is null)
        {
            return "k must be a constant or bounded by the axis (BoundRuntimeLengths)";
        }
        return AxisWalk.Unsupported(node);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<TopKAttributes>();
        var x = node.Inputs[0]!;
        var type = x.ElementType;
        // A run-time k sorts the whole axis (the outputs' buffers have its length) and reports k, clamped to it.
        var runtimeK = LoweringContext.RuntimeLengthOf(node);
        var axisLength = x.Shape![Shapes.NormalizeAxis(a.Axis, x.Shape.Length)];
        var (outer, length, inner, count, _) = TopKOperator.Split(a, x.Shape!, runtimeK is null ? a.K ?? node.Inputs[1]!.Constant!.GetInt64(0) : axisLength);
        if (runtimeK is not null)
        {
            var k = w.Local(ValueType.I64);
            w.I32(context.Address(node.Inputs[1]!));
            ElementAccess.Load(w, DataType.Int64);
            w.Set(k);
            RuntimeIndex.Clamp(w, k, axisLength + 1);
            w.I32(context.LengthAddress(runtimeK)).Get(k).Op(Opcode.I32WrapI64);
            w.Store32();
        }
        if (count == 0 || outer * inner == 0)
        {
            return;
        }
        var size = type.ByteSize();
        var better = TypedElementwiseKernel.BinaryOpcode(a.Largest ? "Greater" : "Less", ElementAccess.Kind(type));
        // Unused outputs go to scratch, so the walk is the same either way.
        var scratch = context.ScratchAddress;
        var valuesAddress = node.Outputs[0] is { } v0 ? context.Address(v0) : scratch;
        var indicesAddress = node.Outputs.ElementAtOrDefault(1) is { } i1 ? context.Address(i1) : scratch + (count * inner * outer * size);
        var xPointer = w.Local(ValueType.I32);
        var values = w.Local(ValueType.I32);
        var indices = w.Local(ValueType.I32);
        var filled = w.Local(ValueType.I32);
        var position = w.Local(ValueType.I32);
        var slot = w.Local(ValueType.I32);
        var candidate = AxisWalk.Local(w, type);
        var valueStride = inner * size;
        KernelLoops.Nest(w, [outer, inner], counters =>
        {
            KernelLoops.PushAddress(w, context.Address(x), counters, [length * inner * size, size]);
            w.Set(xPointer);
            KernelLoops.PushAddress(w, valuesAddress, counters, [count * inner * size, size]);
            w.Set(values);
            KernelLoops.PushAddress(w, indicesAddress, counters, [count * inner * 8, 8]);
            w.Set(indices);
            w.I32(0).Set(filled);
            w.For(position, 0, length, 1, () =>
            {
                w.Get(xPointer);
                ElementAccess.Load(w, type);
                w.Set(candidate);
                w.Increment(xPointer, inner * size);
                w.Code.Block(BlockType.Empty);
                w.If(() => w.Get(filled).I32(count).Op(Opcode.I32LtS),
                    () => w.Get(filled).Set(slot).Increment(filled, 1),
                    () =>
                    {
                        // Full: skip unless strictly better than the last kept value (br 1 leaves the block).
                        w.I32(count - 1).Set(slot);
                        w.Get(candidate);
                        AxisWalk.PushElement(w, values, slot, valueStride);
                        ElementAccess.Load(w, type);
                        w.Op(better).Op(Opcode.I32Eqz).Code.Emit(Opcode.BrIf, 1);
                    });
                // Shift worse entries down while the one above the slot is beaten.
                w.Code.Block(BlockType.Empty);
                w.Code.Loop(BlockType.Empty);
                w.Get(slot).Op(Opcode.I32Eqz).Code.Emit(Opcode.BrIf, 1);
                w.Get(candidate);
                w.Get(slot).I32(1).Op(Opcode.I32Sub).Set(slot);
                AxisWalk.PushElement(w, values, slot, valueStride);
                ElementAccess.Load(w, type);
                w.Op(better).Op(Opcode.I32Eqz);
                w.Code.If(BlockType.Empty);
                w.Increment(slot, 1).Code.Emit(Opcode.Br, 2);
                w.Code.End();
                MoveDown(w, values, slot, valueStride, type);
                MoveDown(w, indices, slot, inner * 8, DataType.Int64);
                w.Code.Emit(Opcode.Br, 0);
                w.Code.End();
                w.Code.End();
                AxisWalk.PushElement(w, values, slot, valueStride);
                w.Get(candidate);
                ElementAccess.Store(w, type);
                AxisWalk.PushElement(w, indices, slot, inner * 8);
                w.Get(position).Op(Opcode.I64ExtendI32U);
                ElementAccess.Store(w, DataType.Int64);
                w.Code.End();
            });
        });
    }

    /// <summary>Entry <c>slot + 1</c> = entry <c>slot</c>.</summary>
    private static void MoveDown(FunctionBuilder w, uint baseAddress, uint slot, int strideBytes, DataType type)
    {
        AxisWalk.PushElement(w, baseAddress, slot, strideBytes);
        w.I32(strideBytes).Op(Opcode.I32Add);
        AxisWalk.PushElement(w, baseAddress, slot, strideBytes);
        ElementAccess.Load(w, type);
        ElementAccess.Store(w, type);
    }

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        if (node.Outputs[0] is not null && node.Outputs.ElementAtOrDefault(1) is not null)
        {
            return 0;
        }
        var shape = (node.Outputs[0] ?? node.Outputs[1])!.Shape!;
        return (long)Shapes.ElementCount(shape) * (node.Inputs[0]!.ElementType.ByteSize() + 8);
    }
}
