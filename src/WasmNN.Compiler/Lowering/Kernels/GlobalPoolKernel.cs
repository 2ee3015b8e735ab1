using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// GlobalAveragePool and GlobalMaxPool: each N x C plane reduced with an f32x4 accumulator over its contiguous
/// spatial elements, a scalar tail, and a final horizontal reduction of the four lanes.
/// </summary>
internal sealed class GlobalPoolKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["GlobalAveragePool", "GlobalMaxPool"];

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
        var identity = isMax ? float.NegativeInfinity : 0;
        var width = context.Width;
        var plane = w.Local(ValueType.I32);
        var offset = w.Local(ValueType.I32);
        var src = w.Local(ValueType.I32);
        var dst = w.Local(ValueType.I32);
        var vector = w.VectorLocal(width);
        var scalar = w.Local(ValueType.F32);
        var inTile = ElementwiseChain.FitsTile(node);
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
                Combine(1);
                w.Set(scalar);
            });
            if (!isMax)
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
