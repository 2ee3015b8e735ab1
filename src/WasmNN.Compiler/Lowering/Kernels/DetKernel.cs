using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Det on float32: each matrix copied to scratch and reduced by Gaussian elimination with partial pivoting, the
/// pivot steps unrolled at compile time (one per column), rows below found, swapped and eliminated at run time. The
/// determinant is the product of the pivots, negated per swap; a zero pivot column makes it 0.
/// </summary>
internal sealed class DetKernel : IKernelLowering
{
    /// <summary>Columns unrolled per matrix; larger matrices would make the function too long.</summary>
    private const int MaxOrder = 64;

    public IEnumerable<string> OpTypes => ["Det"];

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        return x.ElementType != DataType.Float32 ? $"input is {x.ElementType}; the kernel handles float32"
            : !Shapes.IsStatic(x.Shape) ? $"'{x.Name}' has no static shape"
            : x.Shape![^1] > MaxOrder ? $"matrices of order {x.Shape[^1]} (the kernel unrolls up to {MaxOrder})" : null;
    }

    public long ScratchBytes(Node node, LoweringOptions options) => (long)node.Inputs[0]!.Shape![^1] * node.Inputs[0]!.Shape![^1] * 4;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var shape = node.Inputs[0]!.Shape!;
        var m = shape[^1];
        var matrixBytes = m * m * 4;
        var a = context.ScratchAddress;
        var (batch, i, j, pivot) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        var (det, best, value, factor) = (w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32), w.Local(ValueType.F32));
        // Address of a[row, column] with row an i32 local and column a constant or local.
        void At(uint row, int column) => w.Get(row).I32(m * 4).Op(Opcode.I32Mul).I32(a + column * 4).Op(Opcode.I32Add);
        void AtLocal(uint row, uint column) => w.Get(row).I32(m).Op(Opcode.I32Mul).Get(column).Op(Opcode.I32Add).I32(4).Op(Opcode.I32Mul).I32(a).Op(Opcode.I32Add);
        w.For(batch, 0, Shapes.ElementCount(shape[..^2]), 1, () =>
        {
            w.Copy(() => w.I32(a), () => w.Get(batch).I32(matrixBytes).Op(Opcode.I32Mul).I32(context.Address(node.Inputs[0]!)).Op(Opcode.I32Add), matrixBytes);
            w.F32(1).Set(det);
            for (var k = 0; k < m; k++)
            {
                var column = k;
                w.I32(k).Set(pivot).I32(k).Set(i);
                At(i, column);
                w.Load(1).Abs(1).Set(best);
                w.For(i, k + 1, m, 1, () =>
                {
                    At(i, column);
                    w.Load(1).Abs(1).Set(value);
                    w.If(() => w.Get(value).Get(best).Op(Opcode.F32Gt), () => w.Get(value).Set(best).Get(i).Set(pivot));
                });
                w.If(() => w.Get(best).F32(0).Op(Opcode.F32Eq), () => w.F32(0).Set(det), () =>
                {
                    w.If(() => w.Get(pivot).I32(column).Op(Opcode.I32Ne), () =>
                    {
                        w.I32(column).Set(i);
                        w.For(j, 0, m, 1, () =>
                        {
                            AtLocal(i, j);
                            w.Load(1).Set(value);
                            AtLocal(i, j);
                            AtLocal(pivot, j);
                            w.Load(1).Store(1);
                            AtLocal(pivot, j);
                            w.Get(value).Store(1);
                        });
                        w.Get(det).Neg(1).Set(det);
                    });
                    w.I32(column).Set(pivot);
                    At(pivot, column);
                    w.Load(1).Set(best);
                    w.Get(det).Get(best).Mul(1).Set(det);
                    w.For(i, column + 1, m, 1, () =>
                    {
                        At(i, column);
                        w.Load(1).Get(best).Div(1).Set(factor);
                        w.For(j, 0, m, 1, () =>
                        {
                            AtLocal(i, j);
                            AtLocal(i, j);
                            w.Load(1).Get(factor);
                            AtLocal(pivot, j);
                            w.Load(1).Mul(1).Sub(1).Store(1);
                        });
                    });
                });
            }
            w.Get(batch).I32(4).Op(Opcode.I32Mul).I32(context.Address(node.Outputs[0]!)).Op(Opcode.I32Add).Get(det).Store(1);
        });
    }
}
