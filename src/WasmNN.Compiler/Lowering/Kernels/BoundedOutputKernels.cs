using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>What the kernels of run-time length outputs share: the check that the length was bounded.</summary>
internal static class BoundedOutput
{
    /// <summary>Why the node cannot be lowered: its outputs were not given a maximum (the pass did not run).</summary>
    public static string? Unsupported(Node node) =>
        LoweringContext.RuntimeLengthOf(node) is null ? "the output's run-time length has no maximum (BoundRuntimeLengths did not run)" : null;

    /// <summary>Stores the i32 local <paramref name="count"/> as the node's run-time length.</summary>
    public static void Report(Node node, LoweringContext context, FunctionBuilder w, uint count) =>
        w.I32(context.LengthAddress(LoweringContext.RuntimeLengthOf(node)!)).Get(count).Store32();
}

/// <summary>
/// NonZero: one pass over the input in row-major order; each nonzero element appends its coordinates as column
/// <c>count</c> of the [rank, maximum] int64 output (rows at the maximum's stride), then the count is reported.
/// </summary>
internal sealed class NonZeroKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["NonZero"];

    public string? Unsupported(Node node) => BoundedOutput.Unsupported(node);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var y = node.Outputs[0]!;
        var shape = x.Shape!;
        var strides = Shapes.Strides(shape);
        var maximum = y.Shape![1];
        var kind = ElementAccess.Kind(x.ElementType);
        var count = w.Local();
        var flat = w.Local();
        var pointer = w.Local();
        w.I32(context.Address(x)).Set(pointer);
        w.For(flat, 0, Shapes.ElementCount(shape), 1, () =>
        {
            w.Get(pointer);
            ElementAccess.Load(w, x.ElementType);
            ElementAccess.Constant(w, kind, 0);
            w.Op(TypedElementwiseKernel.BinaryOpcode("Equal", kind)).Op(Opcode.I32Eqz);
            w.Code.If(BlockType.Empty);
            for (var d = 0; d < shape.Length; d++)
            {
                // y[d, count] = (flat / stride) % size
                w.I32(context.Address(y) + d * maximum * 8).Get(count).I32(8).Op(Opcode.I32Mul).Op(Opcode.I32Add);
                w.Get(flat).I32(strides[d]).Op(Opcode.I32DivU).I32(shape[d]).Op(Opcode.I32RemU).Op(Opcode.I64ExtendI32U);
                ElementAccess.Store(w, DataType.Int64);
            }
            w.Increment(count, 1);
            w.Code.End();
            w.Increment(pointer, x.ElementType.ByteSize());
        });
        BoundedOutput.Report(node, context, w, count);
    }
}

/// <summary>
/// Compress: for each true condition entry (up to the shorter of the condition and the axis) copies that slice of
/// every outer block to position <c>count</c> along the axis of the maximum-shaped output, then reports the count.
/// </summary>
internal sealed class CompressKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["Compress"];

    public string? Unsupported(Node node) => BoundedOutput.Unsupported(node) ?? InjectiveKernels.UnsupportedElement(node.Inputs[0]!);

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var condition = node.Inputs[1]!;
        var y = node.Outputs[0]!;
        var (outer, length, inner, _) = CompressOperator.Split(node.GetAttributes<CompressAttributes>(), x.Shape!);
        var maximum = Math.Min(condition.Shape![0], length);
        var block = inner * x.ElementType.ByteSize();
        var count = w.Local();
        var j = w.Local();
        var o = w.Local();
        w.For(j, 0, maximum, 1, () =>
        {
            w.Get(j).I32(context.Address(condition)).Op(Opcode.I32Add);
            ElementAccess.Load(w, DataType.Bool);
            w.Code.If(BlockType.Empty);
            w.For(o, 0, outer, 1, () =>
            {
                if (block > 0)
                {
                    w.Get(o).I32(maximum * block).Op(Opcode.I32Mul).Get(count).I32(block).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                        .I32(context.Address(y)).Op(Opcode.I32Add);
                    w.Get(o).I32(length * block).Op(Opcode.I32Mul).Get(j).I32(block).Op(Opcode.I32Mul).Op(Opcode.I32Add)
                        .I32(context.Address(x)).Op(Opcode.I32Add);
                    w.I32(block).Code.Emit(Opcode.MemoryCopy, 0, 0);
                }
            });
            w.Increment(count, 1);
            w.Code.End();
        });
        BoundedOutput.Report(node, context, w, count);
    }
}
