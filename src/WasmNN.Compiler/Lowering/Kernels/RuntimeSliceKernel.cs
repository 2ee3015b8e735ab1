using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Slice whose starts, ends, axes or steps are run-time values (a static data shape): the kernel clamps them as
/// <see cref="SliceOperator.Plan"/> does, in i64, into a start, step and count per axis; copies the selected
/// elements into the leading corner of the output's buffer (the input's shape, the maximum of every count) and
/// reports each sliced axis' count as its run-time length (docs/ABI.md). A zero step, which ONNX rejects, selects
/// nothing; an axis outside [-rank, rank) is ignored.
/// </summary>
internal sealed class RuntimeSliceKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Slice"];

    public bool Covers(Node node) => !SliceOperator.TryBounds(node.GetAttributes<SliceAttributes>(), node.Inputs, out _, out _, out _, out _);

    public string? Unsupported(Node node) =>
        node.Outputs[0]!.RuntimeDims is null ? "a Slice with run-time starts, ends, axes or steps needs a bounded output (BoundRuntimeLengths)"
        : node.Inputs.Skip(1).OfType<Value>().FirstOrDefault(v => v.ElementType is not (DataType.Int64 or DataType.Int32)) is { } other
            ? $"'{other.Name}' is {other.ElementType}; starts, ends, axes and steps are int32 or int64"
            : InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var shape = x.Shape!;
        var rank = shape.Length;
        var size = x.ElementType.ByteSize();
        var strides = Shapes.Strides(shape).Select(s => s * size).ToArray();
        var start = Enumerable.Range(0, rank).Select(_ => w.Local()).ToArray();
        var step = Enumerable.Range(0, rank).Select(_ => w.Local()).ToArray();
        var count = Enumerable.Range(0, rank).Select(_ => w.Local()).ToArray();
        for (var d = 0; d < rank; d++)
        {
            w.I32(0).Set(start[d]).I32(1).Set(step[d]).I32(shape[d]).Set(count[d]);
        }
        var parameters = node.Inputs[1]!.Shape![0];
        var planner = new AxisPlanner(w, context, node, shape);
        for (var i = 0; i < parameters; i++)
        {
            planner.Emit(i, start, step, count);
        }
        var counters = Enumerable.Range(0, rank).Select(_ => w.Local()).ToArray();
        var (load, store) = size switch
        {
            1 => (Opcode.I32Load8U, Opcode.I32Store8),
            2 => (Opcode.I32Load16U, Opcode.I32Store16),
            4 => (Opcode.I32Load, Opcode.I32Store),
            _ => (Opcode.I64Load, Opcode.I64Store),
        };
        void Level(int d)
        {
            if (d == rank)
            {
                // y[o] (the input's strides) = x[start + o * step].
                w.I32(context.Address(y));
                for (var k = 0; k < rank; k++)
                {
                    w.Get(counters[k]).I32(strides[k]).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                }
                w.I32(context.Address(x));
                for (var k = 0; k < rank; k++)
                {
                    w.Get(counters[k]).Get(step[k]).Op(Opcode.I32Mul).Get(start[k]).Op(Opcode.I32Add).I32(strides[k]).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                }
                w.Memory(load).Memory(store);
                return;
            }
            w.ForDynamic(counters[d], () => w.I32(0), () => w.Get(count[d]), 1, () => Level(d + 1));
        }
        Level(0);
        var dims = y.RuntimeDims!;
        for (var d = 0; d < rank; d++)
        {
            if (dims[d] is { } length)
            {
                w.I32(context.LengthAddress(length)).Get(count[d]).Store32();
            }
        }
    }

    /// <summary>Emits the clamping of parameter i into the locals of the axis it names.</summary>
    private sealed class AxisPlanner(FunctionBuilder w, LoweringContext context, Node node, int[] shape)
    {
        private readonly uint _axis = w.Local();
        private readonly uint _dim = w.Local(ValueType.I64);
        private readonly uint _start = w.Local(ValueType.I64);
        private readonly uint _end = w.Local(ValueType.I64);
        private readonly uint _step = w.Local(ValueType.I64);
        private readonly uint _count = w.Local(ValueType.I64);

        public void Emit(int i, uint[] start, uint[] step, uint[] count)
        {
            var rank = shape.Length;
            if (Parameter(3) is { } axes)
            {
                LoadI64(axes, i);
                w.Op(Opcode.I32WrapI64).Set(_axis);
                w.Get(_axis).I32(rank).Op(Opcode.I32Add).Get(_axis).Get(_axis).I32(0).Op(Opcode.I32LtS).Op(Opcode.Select).Set(_axis);
            }
            else
            {
                w.I32(i).Set(_axis);
            }
            // dim = shape[axis] (0 for an axis out of range, which then matches no axis below).
            w.Code.I64Const(0);
            for (var d = 0; d < rank; d++)
            {
                w.Set(_dim).Code.I64Const(shape[d]);
                w.Get(_dim).Get(_axis).I32(d).Op(Opcode.I32Eq).Op(Opcode.Select);
            }
            w.Set(_dim);
            LoadI64(Parameter(1)!, i);
            w.Set(_start);
            LoadI64(Parameter(2)!, i);
            w.Set(_end);
            if (Parameter(4) is { } steps)
            {
                LoadI64(steps, i);
            }
            else
            {
                w.Code.I64Const(1);
            }
            w.Set(_step);
            // Negative bounds count from the end.
            foreach (var bound in new[] { _start, _end })
            {
                w.Get(bound).Get(_dim).Op(Opcode.I64Add).Get(bound).Get(bound).Code.I64Const(0);
                w.Op(Opcode.I64LtS).Op(Opcode.Select).Set(bound);
            }
            w.Code.I64Const(0);
            w.Set(_count);
            w.If(() => w.Get(_step).Code.I64Const(0).Emit(Opcode.I64GtS), () =>
            {
                Clamp(_start, 0, null);
                Clamp(_end, 0, null);
                // count = end > start ? (end - start - 1) / step + 1 : 0 (no overflow for a huge step).
                w.If(() => w.Get(_end).Get(_start).Op(Opcode.I64GtS), () =>
                {
                    w.Get(_end).Get(_start).Op(Opcode.I64Sub).Code.I64Const(1);
                    w.Op(Opcode.I64Sub).Get(_step).Op(Opcode.I64DivU).Code.I64Const(1);
                    w.Op(Opcode.I64Add).Set(_count);
                });
            }, () => w.If(() => w.Get(_step).Code.I64Const(0).Emit(Opcode.I64LtS), () =>
            {
                Clamp(_start, 0, -1);
                Clamp(_end, -1, -1);
                w.If(() => w.Get(_start).Get(_end).Op(Opcode.I64GtS), () =>
                {
                    w.Get(_start).Get(_end).Op(Opcode.I64Sub).Code.I64Const(1);
                    w.Op(Opcode.I64Sub).Code.I64Const(0);
                    w.Get(_step).Op(Opcode.I64Sub).Op(Opcode.I64DivU).Code.I64Const(1);
                    w.Op(Opcode.I64Add).Set(_count);
                });
            }));
            for (var d = 0; d < rank; d++)
            {
                w.If(() => w.Get(_axis).I32(d).Op(Opcode.I32Eq), () =>
                {
                    w.Get(_start).Op(Opcode.I32WrapI64).Set(start[d]);
                    w.Get(_step).Op(Opcode.I32WrapI64).Set(step[d]);
                    w.Get(_count).Op(Opcode.I32WrapI64).Set(count[d]);
                });
            }
        }

        private Value? Parameter(int index) => index < node.Inputs.Count ? node.Inputs[index] : null;

        /// <summary>Pushes element i of an int32 or int64 parameter, as i64 (a constant one is read from its data).</summary>
        private void LoadI64(Value parameter, int i)
        {
            w.I32(context.Address(parameter) + i * parameter.ElementType.ByteSize());
            w.Memory(parameter.ElementType == DataType.Int64 ? Opcode.I64Load : Opcode.I64Load32S);
        }

        /// <summary>local = clamp(local, low, dim + highFromDim) (highFromDim null: dim itself).</summary>
        private void Clamp(uint local, long low, long? highFromDim)
        {
            var high = w.Local(ValueType.I64);
            w.Get(_dim).Code.I64Const(highFromDim ?? 0);
            w.Op(Opcode.I64Add).Set(high);
            w.Code.I64Const(low);
            w.Get(local).Get(local).Code.I64Const(low);
            w.Op(Opcode.I64LtS).Op(Opcode.Select).Set(local);
            w.Get(high).Get(local).Get(local).Get(high).Op(Opcode.I64GtS).Op(Opcode.Select).Set(local);
        }
    }
}
