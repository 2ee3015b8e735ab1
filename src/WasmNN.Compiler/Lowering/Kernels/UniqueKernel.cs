using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Unique as <see cref="UniqueOperator.Plan"/>: each slice along the axis (element, without one) is compared with the
/// first occurrences found so far (O(L^2 S) for L slices of S elements: meant for the short label and token lists
/// Unique sees), then sorted uniques are ranked by counting the smaller ones. Scratch holds four i32 arrays of L:
/// each slice's unique, each unique's first occurrence, count and output position. Y is written at the maximum's
/// strides (docs/ABI.md), indices, inverse_indices and counts as int64; the number of uniques is the run-time length.
/// </summary>
internal sealed class UniqueKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Unique"];

    public string? Unsupported(Node node) => BoundedOutput.Unsupported(node) ?? InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public long ScratchBytes(Node node, LoweringOptions options) =>
        16L * UniqueOperator.Geometry(node.GetAttributes<UniqueAttributes>(), node.Inputs[0]!.Shape!).Length;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<UniqueAttributes>();
        var x = node.Inputs[0]!;
        var (outer, length, inner, _) = UniqueOperator.Geometry(a, x.Shape!);
        var size = x.ElementType.ByteSize();
        var (owner, first, counts, position) = (context.ScratchAddress, context.ScratchAddress + 4 * length, context.ScratchAddress + 8 * length, context.ScratchAddress + 12 * length);
        var (unique, d, v, match, p, q, rank, o) = (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        var compare = new SliceComparer(w, context.Address(x), x.ElementType, outer, length, inner);
        void Slot(int array, uint index) => w.Get(index).I32(4).Op(Opcode.I32Mul).I32(array).Op(Opcode.I32Add);
        void LoadSlot(int array, uint index)
        {
            Slot(array, index);
            w.Load32();
        }
        w.I32(0).Set(unique);
        w.For(d, 0, length, 1, () =>
        {
            w.I32(-1).Set(match);
            w.ForDynamic(v, () => w.I32(0), () => w.Get(unique), 1, () =>
                w.If(() =>
                {
                    w.Get(match).I32(0).Op(Opcode.I32LtS);
                    compare.Push(() => LoadSlot(first, v), () => w.Get(d));
                    w.Op(Opcode.I32Eqz).Op(Opcode.I32And);
                }, () => w.Get(v).Set(match)));
            w.If(() => w.Get(match).I32(0).Op(Opcode.I32LtS), () =>
            {
                Slot(first, unique);
                w.Get(d).Store32();
                Slot(counts, unique);
                w.I32(0).Store32();
                w.Get(unique).Set(match);
                w.Increment(unique, 1);
            });
            Slot(owner, d);
            w.Get(match).Store32();
            Slot(counts, match);
            LoadSlot(counts, match);
            w.I32(1).Op(Opcode.I32Add).Store32();
        });
        // Output position: the rank among the uniques when sorted, else the order of first occurrence.
        w.ForDynamic(p, () => w.I32(0), () => w.Get(unique), 1, () =>
        {
            w.Get(p).Set(rank);
            if (a.Sorted)
            {
                w.I32(0).Set(rank);
                w.ForDynamic(q, () => w.I32(0), () => w.Get(unique), 1, () =>
                    w.If(() => compare.Push(() => LoadSlot(first, q), () => LoadSlot(first, p)).I32(0).Op(Opcode.I32LtS), () => w.Increment(rank, 1)));
            }
            Slot(position, p);
            w.Get(rank).Store32();
            StoreInt64(context.Address(node.Outputs[1]!), rank, () => LoadSlot(first, p));
            StoreInt64(context.Address(node.Outputs[3]!), rank, () => LoadSlot(counts, p));
            w.For(o, 0, outer, 1, () =>
            {
                w.Get(o).I32(length).Op(Opcode.I32Mul).Get(rank).Op(Opcode.I32Add).I32(inner * size).Op(Opcode.I32Mul).I32(context.Address(node.Outputs[0]!)).Op(Opcode.I32Add);
                w.Get(o).I32(length).Op(Opcode.I32Mul);
                LoadSlot(first, p);
                w.Op(Opcode.I32Add).I32(inner * size).Op(Opcode.I32Mul).I32(context.Address(x)).Op(Opcode.I32Add);
                w.I32(inner * size).Code.Emit(Opcode.MemoryCopy, 0, 0);
            });
        });
        w.For(d, 0, length, 1, () =>
        {
            LoadSlot(owner, d);
            w.Set(match);
            StoreInt64(context.Address(node.Outputs[2]!), d, () => LoadSlot(position, match));
        });
        BoundedOutput.Report(node, context, w, unique);

        void StoreInt64(int array, uint index, Action value)
        {
            w.Get(index).I32(8).Op(Opcode.I32Mul).I32(array).Op(Opcode.I32Add);
            value();
            w.Op(Opcode.I64ExtendI32U).Memory(Opcode.I64Store);
        }
    }

    /// <summary>Pushes -1, 0 or 1 as slice a orders before, equal to or after slice b (row-major, first difference decides).</summary>
    private sealed class SliceComparer(FunctionBuilder w, int source, DataType type, int outer, int length, int inner)
    {
        private readonly uint _a = w.Local();
        private readonly uint _b = w.Local();
        private readonly uint _result = w.Local();
        private readonly uint _o = w.Local();
        private readonly uint _i = w.Local();
        private readonly uint _left = ElementAccess.Local(w, type);
        private readonly uint _right = ElementAccess.Local(w, type);

        public FunctionBuilder Push(Action a, Action b)
        {
            var kind = ElementAccess.Kind(type);
            var size = type.ByteSize();
            a();
            w.Set(_a);
            b();
            w.Set(_b);
            w.I32(0).Set(_result);
            w.For(_o, 0, outer, 1, () => w.For(_i, 0, inner, 1, () => w.If(() => w.Get(_result).Op(Opcode.I32Eqz), () =>
            {
                foreach (var (slice, value) in new[] { (_a, _left), (_b, _right) })
                {
                    w.Get(_o).I32(length).Op(Opcode.I32Mul).Get(slice).Op(Opcode.I32Add).I32(inner).Op(Opcode.I32Mul).Get(_i).Op(Opcode.I32Add)
                        .I32(size).Op(Opcode.I32Mul).I32(source).Op(Opcode.I32Add);
                    ElementAccess.Load(w, type);
                    w.Set(value);
                }
                // result = left < right ? -1 : left == right ? 0 : 1
                w.I32(-1);
                w.I32(0).I32(1).Get(_left).Get(_right).Op(TypedElementwiseKernel.BinaryOpcode("Equal", kind)).Op(Opcode.Select);
                w.Get(_left).Get(_right).Op(TypedElementwiseKernel.BinaryOpcode("Less", kind)).Op(Opcode.Select).Set(_result);
            })));
            return w.Get(_result);
        }
    }
}
