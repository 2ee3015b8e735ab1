using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// OneHot over the output viewed as [outer, depth, inner]: each element is values[1] when its depth coordinate equals
/// the index at (outer, inner) (truncated to an integer, a negative one wrapped by depth), else values[0]. Both values
/// are read at run time; an index outside [-depth, depth) matches no coordinate, so its row is all values[0].
/// </summary>
internal sealed class OneHotKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["OneHot"];

    public string? Unsupported(Node node) =>
        node.AllInputs.Concat(node.Outputs.OfType<Value>()).FirstOrDefault(v => !Shapes.IsStatic(v.Shape)) is { } dynamic
            ? $"'{dynamic.Name}' has no static shape" : node.Inputs[0]!.ElementType == DataType.Bool ? "bool indices are not defined" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (indices, values, output) = (node.Inputs[0]!, node.Inputs[2]!, node.Outputs[0]!);
        var (outer, inner) = OneHotOperator.Split(node.GetAttributes<OneHotAttributes>(), indices.Shape!);
        var depth = Shapes.ElementCount(output.Shape!) / Math.Max(1, outer * inner);
        var (indexBytes, valueBytes) = (indices.ElementType.ByteSize(), values.ElementType.ByteSize());
        var index = w.Local(ValueType.I64);
        KernelLoops.Nest(w, [outer, inner], position =>
        {
            KernelLoops.PushAddress(w, context.Address(indices), position, [inner * indexBytes, indexBytes]);
            ElementAccess.Load(w, indices.ElementType);
            switch (ElementAccess.Kind(indices.ElementType))
            {
                case NumberKind.F32: w.Op(Opcode.I64TruncSatF32S); break;
                case NumberKind.F64: w.Op(Opcode.I64TruncSatF64S); break;
                case NumberKind.I32: w.Op(Opcode.I64ExtendI32S); break;
            }
            // index += depth when negative.
            w.Tee(index).Get(index).Code.I64Const(0);
            w.Op(Opcode.I64LtS).Op(Opcode.I64ExtendI32U).Code.I64Const(depth);
            w.Op(Opcode.I64Mul).Op(Opcode.I64Add).Set(index);
            var k = w.Local(ValueType.I32);
            w.For(k, 0, depth, 1, () =>
            {
                KernelLoops.PushAddress(w, context.Address(output), [position[0], k, position[1]], [depth * inner * valueBytes, inner * valueBytes, valueBytes]);
                w.I32(context.Address(values) + valueBytes);
                ElementAccess.Load(w, values.ElementType);
                w.I32(context.Address(values));
                ElementAccess.Load(w, values.ElementType);
                w.Get(index).Get(k).Op(Opcode.I64ExtendI32U).Op(Opcode.I64Eq).Op(Opcode.Select);
                ElementAccess.Store(w, output.ElementType);
            });
        });
    }
}
