using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// Elementwise operators on any element type, one element per iteration with numpy broadcasting: the comparisons
/// (Equal, Less, Greater, LessOrEqual, GreaterOrEqual -> bool), the logical Not, And, Or, Xor on bool (bytes 0/1),
/// Where (bool condition, any value type) and the arithmetic of <see cref="TypedArithmetic"/> on float64 and
/// integers. Every
/// operand is loaded through one per-dtype table (<see cref="ElementAccess"/>), so each operator is written once for
/// all dtypes. The vectorised, fused float32 arithmetic stays in <see cref="ElementwiseKernel"/>.
/// </summary>
internal sealed class TypedElementwiseKernel : IKernelLowering
{
    /// <summary>The wasm instruction of each two-input operator per number kind (8- and 16-bit integers and bool load widened to i32 and uint32 to i64, so the signed compare holds for them; uint64 compares unsigned).</summary>
    private static readonly Dictionary<string, Func<NumberKind, Opcode>> s_binary = new()
    {
        ["Equal"] = k => k.Of(Opcode.F32Eq, Opcode.F64Eq, Opcode.I64Eq, Opcode.I32Eq),
        ["Less"] = k => k.Ordered(Opcode.F32Lt, Opcode.F64Lt, Opcode.I64LtS, Opcode.I64LtU, Opcode.I32LtS),
        ["Greater"] = k => k.Ordered(Opcode.F32Gt, Opcode.F64Gt, Opcode.I64GtS, Opcode.I64GtU, Opcode.I32GtS),
        ["LessOrEqual"] = k => k.Ordered(Opcode.F32Le, Opcode.F64Le, Opcode.I64LeS, Opcode.I64LeU, Opcode.I32LeS),
        ["GreaterOrEqual"] = k => k.Ordered(Opcode.F32Ge, Opcode.F64Ge, Opcode.I64GeS, Opcode.I64GeU, Opcode.I32GeS),
        ["And"] = _ => Opcode.I32And,
        ["Or"] = _ => Opcode.I32Or,
        ["Xor"] = _ => Opcode.I32Xor,
        ["BitwiseAnd"] = k => k.Of(Opcode.Nop, Opcode.Nop, Opcode.I64And, Opcode.I32And),
        ["BitwiseOr"] = k => k.Of(Opcode.Nop, Opcode.Nop, Opcode.I64Or, Opcode.I32Or),
        ["BitwiseXor"] = k => k.Of(Opcode.Nop, Opcode.Nop, Opcode.I64Xor, Opcode.I32Xor),
    };

    public IEnumerable<string> OpTypes => [.. s_binary.Keys, "Not", "BitwiseNot", "BitShift", "Where", "IsNaN", "IsInf", .. TypedArithmetic.OpTypes];

    /// <summary>The instruction of a comparison or logical operator (by ONNX name) for operands of <paramref name="kind"/>.</summary>
    public static Opcode BinaryOpcode(string opType, NumberKind kind) => s_binary[opType](kind);

    public bool Covers(Node node) => !TypedArithmetic.Handles(node.OpType) || TypedArithmetic.Covers(node);

    public string? Unsupported(Node node) =>
        node.Epilogue.Count > 0 ? "a fused epilogue is not supported"
        : node.OpType is "IsNaN" or "IsInf" && !node.Inputs[0]!.ElementType.IsFloat() ? $"input is {node.Inputs[0]!.ElementType}; the kernel handles floats"
        : TypedArithmetic.Handles(node.OpType) && TypedArithmetic.Unsupported(node) is { } reason ? reason
        : node.AllInputs.Concat(node.Outputs.OfType<Value>()).FirstOrDefault(v => !Shapes.IsStatic(v.Shape)) is { } dynamic
            ? $"'{dynamic.Name}' has no static shape" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var output = node.Outputs[0]!;
        var shape = output.Shape!;
        var outputStrides = Shapes.Strides(shape).Select(s => s * output.ElementType.ByteSize()).ToArray();
        // Indexed as the node's inputs; an absent optional one (Clip's min or max) is null.
        var operands = node.Inputs.ToArray();
        var operandStrides = operands.Select(v => v is null ? [] : BroadcastStrideBytes(v, shape)).ToArray();
        var addresses = operands.Select(v => v is null ? 0 : context.Address(v)).ToArray();
        KernelLoops.Nest(w, shape, counters =>
        {
            void Load(int k)
            {
                KernelLoops.PushAddress(w, addresses[k], counters, operandStrides[k]);
                ElementAccess.Load(w, operands[k]!.ElementType);
            }
            KernelLoops.PushAddress(w, context.Address(output), counters, outputStrides);
            if (TypedArithmetic.Handles(node.OpType))
            {
                TypedArithmetic.Emit(w, node, Load);
            }
            else if (node.OpType == "Where")
            {
                Load(1);
                Load(2);
                Load(0);
                w.Op(Opcode.Select);
            }
            else if (node.OpType is "IsNaN" or "IsInf")
            {
                EmitFloatClass(w, node, () => Load(0));
            }
            else if (node.OpType == "Not")
            {
                Load(0);
                w.Op(Opcode.I32Eqz);
            }
            else if (node.OpType == "BitwiseNot")
            {
                // ~x = x ^ -1; the store keeps the element's own bits.
                var kind = ElementAccess.Kind(operands[0]!.ElementType);
                Load(0);
                ElementAccess.Constant(w, kind, -1);
                w.Op(kind.Of(Opcode.Nop, Opcode.Nop, Opcode.I64Xor, Opcode.I32Xor));
            }
            else if (node.OpType == "BitShift")
            {
                EmitShift(w, node.GetAttributes<BitShiftAttributes>().Left, ElementAccess.Kind(operands[0]!.ElementType), Load);
            }
            else
            {
                Load(0);
                Load(1);
                w.Op(s_binary[node.OpType](ElementAccess.Kind(operands[0]!.ElementType)));
            }
            ElementAccess.Store(w, output.ElementType);
        });
    }

    /// <summary>
    /// x &lt;&lt; y or x &gt;&gt; y (logical), 0 when y is at least the computation's width: wasm would shift by y modulo the
    /// width, numpy shifts every bit out. Narrow elements are widened with zero bits, so their stores keep the right bits.
    /// </summary>
    private static void EmitShift(FunctionBuilder w, bool left, NumberKind kind, Action<int> load)
    {
        var wide = kind.ValueType() == ValueType.I64;
        load(0);
        load(1);
        w.Op(wide ? left ? Opcode.I64Shl : Opcode.I64ShrU : left ? Opcode.I32Shl : Opcode.I32ShrU);
        ElementAccess.Constant(w, kind, 0);
        load(1);
        ElementAccess.Constant(w, kind, wide ? 64 : 32);
        w.Op(wide ? Opcode.I64LtU : Opcode.I32LtU);
        w.Op(Opcode.Select);
    }

    /// <summary>IsNaN as x != x; IsInf as x == +inf and/or x == -inf (a constant false when neither sign is detected).</summary>
    private static void EmitFloatClass(FunctionBuilder w, Node node, Action load)
    {
        var isF32 = ElementAccess.Kind(node.Inputs[0]!.ElementType) == NumberKind.F32;
        void Infinity(double value)
        {
            load();
            if (isF32)
            {
                w.F32((float)value).Op(Opcode.F32Eq);
            }
            else
            {
                w.Code.F64Const(value);
                w.Op(Opcode.F64Eq);
            }
        }
        if (node.OpType == "IsNaN")
        {
            load();
            load();
            w.Op(isF32 ? Opcode.F32Ne : Opcode.F64Ne);
            return;
        }
        var a = node.GetAttributes<IsInfAttributes>();
        w.I32(0);
        if (a.DetectPositive)
        {
            Infinity(double.PositiveInfinity);
            w.Op(Opcode.I32Or);
        }
        if (a.DetectNegative)
        {
            Infinity(double.NegativeInfinity);
            w.Op(Opcode.I32Or);
        }
    }

    /// <summary>Byte strides of <paramref name="value"/> read at every index of <paramref name="shape"/> (0 along broadcast dimensions).</summary>
    private static int[] BroadcastStrideBytes(Value value, int[] shape)
    {
        var own = value.Shape!;
        var strides = Shapes.Strides(own);
        var offset = shape.Length - own.Length;
        return [.. shape.Select((_, d) => d < offset || own[d - offset] == 1 ? 0 : strides[d - offset] * value.ElementType.ByteSize())];
    }
}
