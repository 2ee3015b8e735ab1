using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// GlobalAveragePool, GlobalMaxPool and GlobalLpPool: each N x C plane reduced with an f32x4 accumulator over its contiguous
/// spatial elements, a scalar tail, and a final horizontal reduction of the four lanes. GlobalLpPool sums |x|^p (x*x
/// for p = 2, e^(p ln|x|) otherwise) and takes the p-th root at the end.
/// </summary>
internal sealed class GlobalPoolKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType != DataType.Float32 ? $"input is {node.Inputs[0]!.ElementType}; kernels handle float32"
        : node.Inputs[0]!.Shape is not { Length: >= 3 } ? "input must be N x C x spatial"
        : ElementwiseChain.Unsupported(ChainStep.Epilogue(node));

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var shape = node.Inputs[0]!.Shape!;
        var planes = shape[0] * shape[1];
        var size = Shapes.ElementCount(shape[2..]);
        var isMax = node.OpType == "GlobalMaxPool";
        var p = node.OpType == "GlobalLpPool" ? node.GetAttributes<GlobalLpPoolAttributes>().P : 0;
        var identity = isMax ? float.NegativeInfinity : 0;
        var width = context.Width;
        var plane = w.Local(ValueType.I32);
        var offset = w.Local(ValueType.I32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var vector = w.VectorLocal(width);
        var scalar = w.Local(ValueType.F32);
        var inTile = ElementwiseChain.FitsTile(node);
        var (squareVector, squareScalar) = (w.VectorLocal(width), w.Local(ValueType.F32));
        // |x|^p of the loaded element(s) on the stack (GlobalLpPool), before they are summed.
        void Power(int lanes)
        {
            if (p == 1)
            {
                w.Abs(lanes);
            }
            else if (p == 2)
            {
                var square = lanes == 1 ? squareScalar : squareVector;
                w.Tee(square).Get(square).Mul(lanes);
            }
            else if (p > 2)
            {
                w.Abs(lanes).Log(lanes).Constant(lanes, p).Mul(lanes).Exp(lanes);
            }
        }
        void Combine(int lanes)
        {
            if (isMax)
            {
                w.Max(lanes);
            }
            else
            {
                w.Add(lanes);
            }
        }
        w.I32(context.Address(node.Inputs[0]!)).Set(src).I32(context.Address(node.Outputs[0]!)).Set(dst);
        w.For(plane, 0, planes, 1, () =>
        {
            var vectorEnd = size / width * width;
            w.Constant(width, identity).Set(vector);
            w.For(offset, 0, vectorEnd * 4, width * 4, () =>
            {
                w.Get(vector).Get(src).Get(offset).Op(Opcode.I32Add).Load(width);
                Power(width);
                Combine(width);
                w.Set(vector);
            });
            if (width == 4)
            {
                w.Get(vector).Code.Emit(Opcode.F32x4ExtractLane, 0);
                for (byte lane = 1; lane < 4; lane++)
                {
                    w.Get(vector).Code.Emit(Opcode.F32x4ExtractLane, lane);
                    Combine(1);
                }
                w.Set(scalar);
            }
            else
            {
                w.Get(vector).Set(scalar);
            }
            w.For(offset, vectorEnd * 4, size * 4, 4, () =>
            {
                w.Get(scalar).Get(src).Get(offset).Op(Opcode.I32Add).Load(1);
                Power(1);
                Combine(1);
                w.Set(scalar);
            });
            if (p == 2)
            {
                w.Get(scalar).Op(Opcode.F32Sqrt).Set(scalar);
            }
            else if (p > 2)
            {
                w.Get(scalar).Log(1).Constant(1, 1f / p).Mul(1).Exp(1).Set(scalar);
            }
            else if (!isMax && p == 0)
            {
                w.Get(scalar).Constant(1, size).Div(1).Set(scalar);
            }
            var result = inTile && node.Epilogue.Count > 0 ? ElementwiseChain.ApplyEpilogueInTile(context, w, node, 1, scalar, dst) : scalar;
            w.Get(dst).Get(result).Store(1);
            w.Increment(dst, 4).Increment(src, size * 4);
        });
        if (!inTile)
        {
            ElementwiseKernel.EmitLoop(context, w, node.Outputs[0]!, ChainStep.Epilogue(node), accumulatorFromOutput: true);
        }
    }
}
