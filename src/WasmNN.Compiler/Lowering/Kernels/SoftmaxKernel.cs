using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Softmax and LogSoftmax, both opset semantics: before 13 the input is viewed as 2-D [d0..axis-1, axis..], from 13
/// the reduction runs along one axis. The tensor is seen as [outer, n, inner]. With inner = 1 each row is
/// contiguous and is reduced with f32x4 accumulators (then across lanes); otherwise four neighbouring columns are
/// normalised at once, each lane its own row. Three passes per row: maximum, sum of e^(x - max), normalise.
/// </summary>
internal sealed class SoftmaxKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Softmax", "LogSoftmax"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType != DataType.Float32 ? $"input is {node.Inputs[0]!.ElementType}; kernels handle float32"
        : Shapes.ElementCount(node.Inputs[0]!.Shape!) == 0 ? "an empty input is not supported"
        : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<SoftmaxAttributes>();
        var shape = node.Inputs[0]!.Shape!.Length == 0 ? [1] : node.Inputs[0]!.Shape!;
        var axis = Shapes.NormalizeAxis(a.Axis, shape.Length);
        var outer = Shapes.ElementCount(shape[..axis]);
        var (n, inner) = a.CoerceTo2D ? (Shapes.ElementCount(shape[axis..]), 1) : (shape[axis], Shapes.ElementCount(shape[(axis + 1)..]));
        EmitPasses(w, context.Width, node.OpType == "LogSoftmax", context.Address(node.Inputs[0]!), context.Address(node.Outputs[0]!), outer, n, inner);
    }

    /// <summary>(Log)Softmax of float32 [outer, n, inner] along n, from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public static void EmitPasses(FunctionBuilder w, int width, bool isLog, int source, int destination, int outer, int n, int inner)
    {
        var pass = new Passes(w, isLog, source, destination);
        if (inner == 1)
        {
            pass.EmitRows(width, outer, n);
        }
        else
        {
            pass.EmitColumns(width, outer, n, inner);
        }
    }

    private sealed class Passes(FunctionBuilder w, bool isLog, int source, int destination)
    {
        /// <summary>Contiguous rows: vector accumulators along the row, combined across lanes.</summary>
        public void EmitRows(int width, int rows, int n)
        {
            var row = w.Local(ValueType.I32);
            var src = w.Local(ValueType.I32);
            var dst = w.Local(ValueType.I32);
            var offset = w.Local(ValueType.I32);
            var vector = w.VectorLocal(width);
            var max = w.Local(ValueType.F32);
            var sum = w.Local(ValueType.F32);
            var lanes = new Dictionary<int, uint>();
            uint Splat(int lanesWanted, uint scalar)
            {
                if (lanesWanted == 1)
                {
                    return scalar;
                }
                if (!lanes.TryGetValue((int)scalar, out var local))
                {
                    local = w.VectorLocal(lanesWanted);
                    lanes[(int)scalar] = local;
                }
                return local;
            }
            w.I32(source).Set(src).I32(destination).Set(dst);
            w.For(row, 0, rows, 1, () =>
            {
                // Pass 1: maximum.
                w.Constant(width, float.NegativeInfinity).Set(vector);
                w.For(offset, 0, n / width * width * 4, width * 4, () => w.Get(vector).Get(src).Get(offset).Op(Opcode.I32Add).Load(width).Max(width).Set(vector));
                w.Horizontal(width, vector, w.Max);
                w.Set(max);
                w.For(offset, n / width * width * 4, n * 4, 4, () => w.Get(max).Get(src).Get(offset).Op(Opcode.I32Add).Load(1).Max(1).Set(max));
                if (width == 4)
                {
                    w.Get(max).Splat(4).Set(Splat(4, max));
                }
                // Pass 2: sum of e^(x - max); Softmax keeps each exponential in the output.
                w.Constant(width, 0).Set(vector);
                w.Constant(1, 0).Set(sum);
                KernelLoops.Run(w, width, n, offset, lanesNow =>
                {
                    var e = w.VectorLocal(lanesNow);
                    w.Get(src).Get(offset).Op(Opcode.I32Add).Load(lanesNow).Get(Splat(lanesNow, max)).Sub(lanesNow);
                    w.Exp(lanesNow);
                    w.Set(e);
                    if (!isLog)
                    {
                        w.Get(dst).Get(offset).Op(Opcode.I32Add).Get(e).Store(lanesNow);
                    }
                    var accumulator = lanesNow == width ? vector : sum;
                    w.Get(accumulator).Get(e).Add(lanesNow).Set(accumulator);
                });
                w.Horizontal(width, vector, w.Add);
                w.Get(sum).Add(1).Set(sum);
                // Pass 3: normalise.
                if (isLog)
                {
                    w.Get(sum);
                    w.Log(1);
                    w.Set(sum);
                }
                if (width == 4)
                {
                    w.Get(sum).Splat(4).Set(Splat(4, sum));
                }
                KernelLoops.Run(w, width, n, offset, lanesNow =>
                {
                    w.Get(dst).Get(offset).Op(Opcode.I32Add);
                    if (isLog)
                    {
                        // (x - max) - ln(sum): x - max is exact near the maximum, so large inputs keep their precision.
                        w.Get(src).Get(offset).Op(Opcode.I32Add).Load(lanesNow).Get(Splat(lanesNow, max)).Sub(lanesNow).Get(Splat(lanesNow, sum)).Sub(lanesNow);
                    }
                    else
                    {
                        w.Get(dst).Get(offset).Op(Opcode.I32Add).Load(lanesNow).Get(Splat(lanesNow, sum)).Div(lanesNow);
                    }
                    w.Store(lanesNow);
                });
                w.Increment(src, n * 4).Increment(dst, n * 4);
            });
        }

        /// <summary>Rows strided by <paramref name="inner"/>: each lane follows its own row, four columns at a time.</summary>
        public void EmitColumns(int width, int outer, int n, int inner)
        {
            var o = w.Local(ValueType.I32);
            var column = w.Local(ValueType.I32);
            var k = w.Local(ValueType.I32);
            var src = w.Local(ValueType.I32);
            var dst = w.Local(ValueType.I32);
            var stride = inner * 4;
            void Block(int lanes)
            {
                var max = w.VectorLocal(lanes);
                var sum = w.VectorLocal(lanes);
                w.Get(o).I32(n * stride).Op(Opcode.I32Mul).Get(column).Op(Opcode.I32Add).Tee(src).I32(destination).Op(Opcode.I32Add).Set(dst);
                w.Get(src).I32(source).Op(Opcode.I32Add).Set(src);
                w.Constant(lanes, float.NegativeInfinity).Set(max);
                w.For(k, 0, n * stride, stride, () => w.Get(max).Get(src).Get(k).Op(Opcode.I32Add).Load(lanes).Max(lanes).Set(max));
                w.Constant(lanes, 0).Set(sum);
                w.For(k, 0, n * stride, stride, () =>
                {
                    var e = w.VectorLocal(lanes);
                    w.Get(src).Get(k).Op(Opcode.I32Add).Load(lanes).Get(max).Sub(lanes);
                    w.Exp(lanes);
                    w.Set(e);
                    if (!isLog)
                    {
                        w.Get(dst).Get(k).Op(Opcode.I32Add).Get(e).Store(lanes);
                    }
                    w.Get(sum).Get(e).Add(lanes).Set(sum);
                });
                if (isLog)
                {
                    w.Get(sum);
                    w.Log(lanes);
                    w.Set(sum);
                }
                w.For(k, 0, n * stride, stride, () =>
                {
                    w.Get(dst).Get(k).Op(Opcode.I32Add);
                    if (isLog)
                    {
                        w.Get(src).Get(k).Op(Opcode.I32Add).Load(lanes).Get(max).Sub(lanes).Get(sum).Sub(lanes);
                    }
                    else
                    {
                        w.Get(dst).Get(k).Op(Opcode.I32Add).Load(lanes).Get(sum).Div(lanes);
                    }
                    w.Store(lanes);
                });
            }
            w.For(o, 0, outer, 1, () =>
            {
                var vectorEnd = inner / width * width;
                w.For(column, 0, vectorEnd * 4, width * 4, () => Block(width));
                w.For(column, vectorEnd * 4, inner * 4, 4, () => Block(1));
            });
        }
    }
}
