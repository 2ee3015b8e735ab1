using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;

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
    /// <summary>The wasm instruction of each two-input operator per number kind (int8/uint8/bool load widened to i32, so i32's signed compare holds for them).</summary>
    private static readonly Dictionary<string, Func<NumberKind, Opcode>> s_binary = new()
    {
        ["Equal"] = k => k switch { NumberKind.F32 => Opcode.F32Eq, NumberKind.F64 => Opcode.F64Eq, NumberKind.I64 => Opcode.I64Eq, _ => Opcode.I32Eq },
        ["Less"] = k => k switch { NumberKind.F32 => Opcode.F32Lt, NumberKind.F64 => Opcode.F64Lt, NumberKind.I64 => Opcode.I64LtS, _ => Opcode.I32LtS },
        ["Greater"] = k => k switch { NumberKind.F32 => Opcode.F32Gt, NumberKind.F64 => Opcode.F64Gt, NumberKind.I64 => Opcode.I64GtS, _ => Opcode.I32GtS },
        ["LessOrEqual"] = k => k switch { NumberKind.F32 => Opcode.F32Le, NumberKind.F64 => Opcode.F64Le, NumberKind.I64 => Opcode.I64LeS, _ => Opcode.I32LeS },
        ["GreaterOrEqual"] = k => k switch { NumberKind.F32 => Opcode.F32Ge, NumberKind.F64 => Opcode.F64Ge, NumberKind.I64 => Opcode.I64GeS, _ => Opcode.I32GeS },
        ["And"] = _ => Opcode.I32And,
        ["Or"] = _ => Opcode.I32Or,
        ["Xor"] = _ => Opcode.I32Xor,
        ["BitwiseAnd"] = k => k == NumberKind.I64 ? Opcode.I64And : Opcode.I32And,
        ["BitwiseOr"] = k => k == NumberKind.I64 ? Opcode.I64Or : Opcode.I32Or,
        ["BitwiseXor"] = k => k == NumberKind.I64 ? Opcode.I64Xor : Opcode.I32Xor,
    };

    public IEnumerable<string> OpTypes => [.. s_binary.Keys, "Not", "BitwiseNot", "BitShift", "Where", "IsNaN", "IsInf", .. TypedArithmetic.OpTypes];

    /// <summary>The instruction of a comparison or logical operator (by ONNX name) for operands of <paramref name="kind"/>.</summary>
    public static Opcode BinaryOpcode(string opType, NumberKind kind) => s_binary[opType](kind);

    public bool Covers(Node node) => !TypedArithmetic.Handles(node.OpType) || TypedArithmetic.Covers(node);

    public string? Unsupported(Node node) =>
        node.Epilogue.Count > 0 ? "a fused epilogue is not supported"
        : node.OpType is "IsNaN" or "IsInf" && !node.Inputs[0]!.ElementType.IsFloat() ? $"input is {node.Inputs[0]!.ElementType}; the kernel handles float32 and float64"
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
                w.Op(kind == NumberKind.I64 ? Opcode.I64Xor : Opcode.I32Xor);
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
        var wide = kind == NumberKind.I64;
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
        var isF32 = node.Inputs[0]!.ElementType == DataType.Float32;
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

/// <summary>The wasm number type an element is computed in.</summary>
internal enum NumberKind
{
    F32,
    F64,
    I64,
    /// <summary>int32, and int8/uint8/bool widened on load.</summary>
    I32,
}

/// <summary>One table of how each element type is loaded, stored and computed in wasm (docs/ABI.md layouts).</summary>
internal static class ElementAccess
{
    public static NumberKind Kind(DataType type) => type switch
    {
        DataType.Float32 => NumberKind.F32,
        DataType.Float64 => NumberKind.F64,
        DataType.Int64 => NumberKind.I64,
        _ => NumberKind.I32,
    };

    /// <summary>Pushes <paramref name="value"/> as a number of <paramref name="kind"/>.</summary>
    public static void Constant(FunctionBuilder w, NumberKind kind, long value)
    {
        switch (kind)
        {
            case NumberKind.F32: w.F32(value); break;
            case NumberKind.F64: w.Code.F64Const(value); break;
            case NumberKind.I64: w.Code.I64Const(value); break;
            default: w.I32(checked((int)value)); break;
        }
    }

    /// <summary>Replaces the address on the stack by the element there.</summary>
    public static void Load(FunctionBuilder w, DataType type)
    {
        var (opcode, align) = type switch
        {
            DataType.Float32 => (Opcode.F32Load, 2u),
            DataType.Float64 => (Opcode.F64Load, 3u),
            DataType.Int64 => (Opcode.I64Load, 3u),
            DataType.Int32 => (Opcode.I32Load, 2u),
            DataType.Int8 => (Opcode.I32Load8S, 0u),
            _ => (Opcode.I32Load8U, 0u),
        };
        w.Code.EmitMemArg(opcode, align, 0);
    }

    /// <summary>Stores the value on the stack at the address below it.</summary>
    public static void Store(FunctionBuilder w, DataType type)
    {
        var (opcode, align) = type switch
        {
            DataType.Float32 => (Opcode.F32Store, 2u),
            DataType.Float64 => (Opcode.F64Store, 3u),
            DataType.Int64 => (Opcode.I64Store, 3u),
            DataType.Int32 => (Opcode.I32Store, 2u),
            _ => (Opcode.I32Store8, 0u),
        };
        w.Code.EmitMemArg(opcode, align, 0);
    }
}
