using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// GatherElements: one element per index, read at the index's own position with the axis coordinate replaced by the
/// index (read at run time, wrapped and clamped by <see cref="RuntimeIndex"/>). Any element type: elements move as
/// bytes.
/// </summary>
internal sealed class GatherElementsKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["GatherElements"];

    public string? Unsupported(Node node) =>
        IndexedKernels.UnsupportedElementShapes(node.Inputs[0]!, node.Inputs[1]!, node.GetAttributes<GatherElementsAttributes>().Axis);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (data, indices) = (node.Inputs[0]!, node.Inputs[1]!);
        var axis = Shapes.NormalizeAxis(node.GetAttributes<GatherElementsAttributes>().Axis, data.Shape!.Length);
        var bytes = data.ElementType.ByteSize();
        var (source, destination) = (context.Address(data), context.Address(node.Outputs[0]!));
        var index = new RuntimeIndex(w, context.Address(indices), indices.ElementType == DataType.Int64);
        var counters = indices.Shape!.Select(_ => w.Local()).ToArray();
        var position = w.Local();
        w.SetConst(position, 0);
        IndexedKernels.ForEachPosition(w, indices.Shape!, counters, () =>
        {
            w.Copy(() => RuntimeIndex.PushAddress(w, destination, () => w.Get(position), bytes),
                () => RuntimeIndex.PushAddress(w, source, () => IndexedKernels.PushElementOffset(w, index, counters, position, axis, data.Shape), bytes), bytes);
            w.Increment(position, 1);
        });
    }
}

/// <summary>
/// ScatterElements (and its former name Scatter): data copied to the output, then per position of indices the update
/// at that position written, or combined as in ScatterND, where GatherElements would read: the position with its axis
/// coordinate replaced by the index (read at run time, wrapped and clamped by <see cref="RuntimeIndex"/>).
/// </summary>
internal sealed class ScatterElementsKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["ScatterElements", "Scatter"];

    public string? Unsupported(Node node)
    {
        var (data, indices, updates) = (node.Inputs[0]!, node.Inputs[1]!, node.Inputs[2]!);
        var a = node.GetAttributes<ScatterElementsAttributes>();
        return IndexedKernels.UnsupportedShapes(updates, indices) ?? IndexedKernels.UnsupportedElementShapes(data, indices, a.Axis)
            ?? ScatterNDKernel.UnsupportedReduction(a.Reduction, data.ElementType);
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (data, indices, updates) = (node.Inputs[0]!, node.Inputs[1]!, node.Inputs[2]!);
        var a = node.GetAttributes<ScatterElementsAttributes>();
        var axis = Shapes.NormalizeAxis(a.Axis, data.Shape!.Length);
        var bytes = data.ElementType.ByteSize();
        var (output, source) = (context.Address(node.Outputs[0]!), context.Address(updates));
        w.Copy(() => w.I32(output), () => w.I32(context.Address(data)), Shapes.ElementCount(data.Shape) * bytes);
        var index = new RuntimeIndex(w, context.Address(indices), indices.ElementType == DataType.Int64);
        var counters = indices.Shape!.Select(_ => w.Local()).ToArray();
        var position = w.Local();
        w.SetConst(position, 0);
        IndexedKernels.ForEachPosition(w, indices.Shape!, counters, () =>
        {
            void Target() => RuntimeIndex.PushAddress(w, output, () => IndexedKernels.PushElementOffset(w, index, counters, position, axis, data.Shape), bytes);
            void Update() => RuntimeIndex.PushAddress(w, source, () => w.Get(position), bytes);
            if (a.Reduction == ScatterReduction.None)
            {
                w.Copy(Target, Update, bytes);
            }
            else
            {
                Target();
                Target();
                ScatterNDKernel.Combine(w, data.ElementType, a.Reduction, Update);
            }
            w.Increment(position, 1);
        });
    }
}

/// <summary>
/// GatherND: per index tuple (the last axis of indices, read at run time) one contiguous slice of data copied out;
/// batch_dims leading dimensions offset data by the batch. Any element type.
/// </summary>
internal sealed class GatherNDKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["GatherND"];

    public string? Unsupported(Node node) =>
        IndexedKernels.UnsupportedShapes(node.Inputs[0]!, node.Inputs[1]!)
        ?? IndexedKernels.EmptyIndexedAxis(node.Inputs[0]!.Shape!, node.Inputs[1]!.Shape!, node.GetAttributes<GatherNDAttributes>().BatchDims);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (data, indices) = (node.Inputs[0]!, node.Inputs[1]!);
        var batchDims = node.GetAttributes<GatherNDAttributes>().BatchDims;
        var (shape, indexShape) = (data.Shape!, indices.Shape!);
        var k = indexShape[^1];
        var bytes = data.ElementType.ByteSize();
        var sliceBytes = Shapes.ElementCount(shape[(batchDims + k)..]) * bytes;
        var batchElements = Shapes.ElementCount(shape[batchDims..]);
        var tuplesPerBatch = Shapes.ElementCount(indexShape[batchDims..^1]);
        var (source, destination) = (context.Address(data), context.Address(node.Outputs[0]!));
        var index = new RuntimeIndex(w, context.Address(indices), indices.ElementType == DataType.Int64);
        var (batch, step, tuple) = (w.Local(), w.Local(), w.Local());
        w.SetConst(tuple, 0);
        w.For(batch, 0, Shapes.ElementCount(indexShape[..batchDims]), 1, () => w.For(step, 0, tuplesPerBatch, 1, () =>
        {
            w.Copy(() => RuntimeIndex.PushAddress(w, destination, () => w.Get(tuple), sliceBytes), () => RuntimeIndex.PushAddress(w, source, () =>
            {
                w.Get(batch).I32(batchElements).Op(Opcode.I32Mul);
                IndexedKernels.PushTupleOffset(w, index, tuple, k, shape, batchDims);
            }, bytes), sliceBytes);
            w.Increment(tuple, 1);
        }));
    }
}

/// <summary>
/// ScatterND: data copied to the output, then per index tuple (read at run time) a slice of updates copied over it,
/// or combined element by element (add, mul, max, min on float32, float64, int32, int64).
/// </summary>
internal sealed class ScatterNDKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["ScatterND"];

    public string? Unsupported(Node node)
    {
        var (data, indices, updates) = (node.Inputs[0]!, node.Inputs[1]!, node.Inputs[2]!);
        if ((IndexedKernels.UnsupportedShapes(data, indices) ?? IndexedKernels.UnsupportedShapes(updates, indices)
            ?? IndexedKernels.EmptyIndexedAxis(data.Shape!, indices.Shape!, 0)) is { } reason)
        {
            return reason;
        }
        return UnsupportedReduction(node.GetAttributes<ScatterNDAttributes>().Reduction, data.ElementType);
    }

    /// <summary>Null when <see cref="Combine"/> handles the reduction on <paramref name="type"/>, else why not.</summary>
    public static string? UnsupportedReduction(ScatterReduction reduction, DataType type) =>
        reduction == ScatterReduction.None || type != DataType.Bool ? null
            : $"reduction {reduction.ToString().ToLowerInvariant()} on {type} (kernels combine numbers, not bool)";

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (data, indices, updates) = (node.Inputs[0]!, node.Inputs[1]!, node.Inputs[2]!);
        var reduction = node.GetAttributes<ScatterNDAttributes>().Reduction;
        var (shape, indexShape) = (data.Shape!, indices.Shape!);
        var k = indexShape[^1];
        var bytes = data.ElementType.ByteSize();
        var slice = Shapes.ElementCount(shape[k..]);
        var (output, source) = (context.Address(node.Outputs[0]!), context.Address(updates));
        w.Copy(() => w.I32(output), () => w.I32(context.Address(data)), Shapes.ElementCount(shape) * bytes);
        var index = new RuntimeIndex(w, context.Address(indices), indices.ElementType == DataType.Int64);
        var (tuple, offset, element) = (w.Local(), w.Local(), w.Local());
        w.For(tuple, 0, Shapes.ElementCount(indexShape[..^1]), 1, () =>
        {
            w.I32(0);
            IndexedKernels.PushTupleOffset(w, index, tuple, k, shape, 0);
            w.Set(offset);
            if (reduction == ScatterReduction.None)
            {
                w.Copy(() => RuntimeIndex.PushAddress(w, output, () => w.Get(offset), bytes),
                    () => RuntimeIndex.PushAddress(w, source, () => w.Get(tuple).I32(slice).Op(Opcode.I32Mul), bytes), slice * bytes);
                return;
            }
            w.For(element, 0, slice, 1, () =>
            {
                void Target() => RuntimeIndex.PushAddress(w, output, () => w.Get(offset).Get(element).Op(Opcode.I32Add), bytes);
                Target();
                Target();
                Combine(w, data.ElementType, reduction,
                    () => RuntimeIndex.PushAddress(w, source, () => w.Get(tuple).I32(slice).Op(Opcode.I32Mul).Get(element).Op(Opcode.I32Add), bytes));
            });
        });
    }

    /// <summary>With the target address twice on the stack: loads the target, combines the update at the pushed address, stores.</summary>
    public static void Combine(FunctionBuilder w, DataType type, ScatterReduction reduction, Action pushUpdateAddress)
    {
        var kind = ElementAccess.Kind(type);
        ElementAccess.Load(w, type);
        pushUpdateAddress();
        ElementAccess.Load(w, type);
        if (reduction is ScatterReduction.Max or ScatterReduction.Min && !kind.IsFloat())
        {
            // Integers: select(a, b, a > b) for max, select(b, a, a > b) for min.
            var (a, b) = (w.Local(kind.ValueType()), w.Local(kind.ValueType()));
            w.Set(b).Set(a);
            var (first, second) = reduction == ScatterReduction.Max ? (a, b) : (b, a);
            w.Get(first).Get(second).Get(a).Get(b).Op(kind.Ordered(Opcode.Nop, Opcode.Nop, Opcode.I64GtS, Opcode.I64GtU, Opcode.I32GtS)).Op(Opcode.Select);
        }
        else
        {
            w.Op(reduction switch
            {
                ScatterReduction.Add => kind.Of(Opcode.F32Add, Opcode.F64Add, Opcode.I64Add, Opcode.I32Add),
                ScatterReduction.Mul => kind.Of(Opcode.F32Mul, Opcode.F64Mul, Opcode.I64Mul, Opcode.I32Mul),
                ScatterReduction.Max => kind.Of(Opcode.F32Max, Opcode.F64Max, Opcode.Nop, Opcode.Nop),
                _ => kind.Of(Opcode.F32Min, Opcode.F64Min, Opcode.Nop, Opcode.Nop),
            });
        }
        ElementAccess.Store(w, type);
    }
}

/// <summary>The loops and checks the indexed kernels share.</summary>
internal static class IndexedKernels
{
    /// <summary>Null when data and indices have static shapes, else which one lacks it.</summary>
    public static string? UnsupportedShapes(Value data, Value indices) =>
        !Shapes.IsStatic(data.Shape) ? $"'{data.Name}' has no static shape"
        : !Shapes.IsStatic(indices.Shape) ? $"'{indices.Name}' has no static shape" : null;

    /// <summary>
    /// Null when GatherElements/ScatterElements can walk indices against data: static shapes, indices within data off
    /// the indexed axis, and a non-empty indexed axis when there are indices.
    /// </summary>
    public static string? UnsupportedElementShapes(Value data, Value indices, long axisAttribute)
    {
        if (UnsupportedShapes(data, indices) is { } reason)
        {
            return reason;
        }
        var axis = Shapes.NormalizeAxis(axisAttribute, data.Shape!.Length);
        if (Enumerable.Range(0, data.Shape.Length).Any(d => d != axis && indices.Shape![d] > data.Shape[d]))
        {
            return $"indices {Shapes.Format(indices.Shape)} exceed data {Shapes.Format(data.Shape)} off the indexed axis";
        }
        return data.Shape[axis] == 0 && Shapes.ElementCount(indices.Shape!) > 0 ? "the indexed axis is empty" : null;
    }

    /// <summary>
    /// Pushes the element offset into data (of <paramref name="dataShape"/>) of the position <paramref name="counters"/>
    /// with its <paramref name="axis"/> coordinate replaced by the index at flat <paramref name="position"/> of indices.
    /// </summary>
    public static void PushElementOffset(FunctionBuilder w, RuntimeIndex index, uint[] counters, uint position, int axis, int[] dataShape)
    {
        var strides = Shapes.Strides(dataShape);
        w.I32(0);
        for (var d = 0; d < counters.Length; d++)
        {
            if (d == axis)
            {
                index.Push(() => w.Get(position), dataShape[axis]);
            }
            else
            {
                w.Get(counters[d]);
            }
            w.I32(strides[d]).Op(Opcode.I32Mul).Op(Opcode.I32Add);
        }
    }

    /// <summary>Null unless index tuples exist but an axis they index is empty (no position to clamp to).</summary>
    public static string? EmptyIndexedAxis(int[] dataShape, int[] indexShape, int firstAxis) =>
        Shapes.ElementCount(indexShape) > 0 && dataShape.Skip(firstAxis).Take(indexShape[^1]).Contains(0) ? "an indexed axis of data is empty" : null;

    /// <summary>Runs <paramref name="body"/> once per position of <paramref name="shape"/>, row-major, with <c>counters[d]</c> the coordinate on axis d.</summary>
    public static void ForEachPosition(FunctionBuilder w, int[] shape, uint[] counters, Action body, int axis = 0)
    {
        if (axis == shape.Length)
        {
            body();
            return;
        }
        w.For(counters[axis], 0, shape[axis], 1, () => ForEachPosition(w, shape, counters, body, axis + 1));
    }

    /// <summary>
    /// Adds to the i32 on the stack the element offset of index tuple <paramref name="tuple"/> (a local): component j
    /// indexes data axis <paramref name="firstAxis"/> + j.
    /// </summary>
    public static void PushTupleOffset(FunctionBuilder w, RuntimeIndex index, uint tuple, int k, int[] dataShape, int firstAxis)
    {
        var strides = Shapes.Strides(dataShape);
        for (var j = 0; j < k; j++)
        {
            var component = j;
            index.Push(() => w.Get(tuple).I32(k).Op(Opcode.I32Mul).I32(component).Op(Opcode.I32Add), dataShape[firstAxis + j]);
            w.I32(strides[firstAxis + j]).Op(Opcode.I32Mul).Op(Opcode.I32Add);
        }
    }
}
