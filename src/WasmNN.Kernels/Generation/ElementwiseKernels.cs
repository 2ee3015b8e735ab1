using WasmNN.CodeGen;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>
/// Binary and unary elementwise kernels for every element type. Each op is a pair of small emitters (SIMD and
/// scalar); one loop skeleton per arity runs the SIMD form over full vectors and the scalar form over the tail.
/// </summary>
/// <remarks>
/// FP32 follows IEEE and wasm (<c>min</c>/<c>max</c> propagate NaN). INT32 wraps like <c>i32.add</c>; integer
/// division truncates and traps on a zero divisor (and INT32 on <c>int.MinValue / -1</c>). INT8 saturates every
/// result to [-128, 127] (<c>i8x16.add_sat_s</c>, <c>narrow_i16x8_s</c>), so <c>-128 / -1 = 127</c> and
/// <c>|-128| = 127</c>.
/// </remarks>
internal static class ElementwiseKernels
{
    public static string Describe(BinaryOperation operation, ElementType type) => (operation, type) switch
    {
        (BinaryOperation.Add, ElementType.Int8) => "+ (saturating)",
        (BinaryOperation.Sub, ElementType.Int8) => "- (saturating)",
        (BinaryOperation.Mul, ElementType.Int8) => "* (saturating)",
        (BinaryOperation.Div, ElementType.Int8) => "/ (truncating, saturating, traps on 0)",
        (BinaryOperation.Div, ElementType.Int32) => "/ (truncating, traps on 0 and MinValue/-1)",
        (BinaryOperation.Add, ElementType.Int32) => "+ (wrapping)",
        (BinaryOperation.Sub, ElementType.Int32) => "- (wrapping)",
        (BinaryOperation.Mul, ElementType.Int32) => "* (wrapping)",
        (BinaryOperation.Add, _) => "+",
        (BinaryOperation.Sub, _) => "-",
        (BinaryOperation.Mul, _) => "*",
        (BinaryOperation.Div, _) => "/",
        (BinaryOperation.Max, _) => "max",
        _ => "min",
    };

    public static string Describe(UnaryOperation operation, ElementType type) => (operation, type) switch
    {
        (UnaryOperation.Relu, _) => "max(x[i], 0)",
        (UnaryOperation.Neg, ElementType.Int8) => "-x[i] (saturating: -(-128) = 127)",
        (UnaryOperation.Neg, ElementType.Int32) => "-x[i] (wrapping)",
        (UnaryOperation.Neg, _) => "-x[i]",
        (UnaryOperation.Abs, ElementType.Int8) => "|x[i]| (saturating: |-128| = 127)",
        (UnaryOperation.Abs, ElementType.Int32) => "|x[i]| (wrapping: |MinValue| = MinValue)",
        (UnaryOperation.Abs, _) => "|x[i]|",
        (UnaryOperation.Sigmoid, _) => "1 / (1 + e^-x[i])",
        (UnaryOperation.Sin, _) => "sin(x[i])",
        (UnaryOperation.Cos, _) => "cos(x[i])",
        _ => "tanh(x[i])",
    };

    /// <summary>Parameters: a, b, y, rows, cols, a_row_stride, a_col_stride, b_row_stride, b_col_stride.</summary>
    /// <remarks>
    /// A column step of 0 broadcasts one element along the row (a scalar or a column vector), 1 walks it; when both
    /// steps are 0 or 1 the row runs in v128 steps, any other step runs scalar.
    /// </remarks>
    public static void EmitBinary(FunctionBuilder e, BinaryOperation operation, ElementType type)
    {
        var t = new ElementTraits(type);
        uint a = 0, b = 1, y = 2, rows = 3, cols = 4, aRowStride = 5, aColStride = 6, bRowStride = 7, bColStride = 8;
        var row = e.Local();
        var j = e.Local();
        var pa = e.Local();
        var pb = e.Local();
        var py = e.Local();
        var aColBytes = e.Local();
        var bColBytes = e.Local();
        var va = e.Local(ValueType.V128);
        var vb = e.Local(ValueType.V128);
        var sa = e.Local(t.ScalarType);
        var sb = e.Local(t.ScalarType);
        var vectorOp = VectorBinary(e, operation, type, va, vb);
        e.Get(aColStride).I32(t.Size).Op(Opcode.I32Mul).Set(aColBytes);
        e.Get(bColStride).I32(t.Size).Op(Opcode.I32Mul).Set(bColBytes);
        e.Get(y).Set(py);
        e.For(row, rows, () =>
        {
            e.Get(a).Get(row).Get(aRowStride).Op(Opcode.I32Mul).I32(t.Size).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(pa);
            e.Get(b).Get(row).Get(bRowStride).Op(Opcode.I32Mul).I32(t.Size).Op(Opcode.I32Mul).Op(Opcode.I32Add).Set(pb);
            e.I32(0).Set(j);
            if (vectorOp is not null)
            {
                // One SIMD loop per (a walks?, b walks?) pair; a broadcast operand is splatted once per row.
                void VectorRow(bool aWalks, bool bWalks)
                {
                    if (!aWalks) e.Get(pa).Memory(t.ScalarLoad).Op(t.Splat).Set(va);
                    if (!bWalks) e.Get(pb).Memory(t.ScalarLoad).Op(t.Splat).Set(vb);
                    e.While(j, () => e.Get(cols).I32(t.Lanes - 1).Op(Opcode.I32Sub), t.Lanes, () =>
                    {
                        if (aWalks) e.Get(pa).Memory(Opcode.V128Load).Set(va).Increment(pa, 16);
                        if (bWalks) e.Get(pb).Memory(Opcode.V128Load).Set(vb).Increment(pb, 16);
                        e.Get(py);
                        vectorOp();
                        e.Memory(Opcode.V128Store).Increment(py, 16);
                    });
                }
                void StepsAre(int aStep, int bStep) =>
                    e.Get(aColStride).I32(aStep).Op(Opcode.I32Eq).Get(bColStride).I32(bStep).Op(Opcode.I32Eq).Op(Opcode.I32And);
                e.If(() => StepsAre(1, 1), () => VectorRow(true, true), () =>
                    e.If(() => StepsAre(1, 0), () => VectorRow(true, false), () =>
                        e.If(() => StepsAre(0, 1), () => VectorRow(false, true), () =>
                            e.If(() => StepsAre(0, 0), () => VectorRow(false, false)))));
            }
            e.While(j, () => e.Get(cols), 1, () =>
            {
                e.Get(pa).Memory(t.ScalarLoad).Set(sa).IncrementBy(pa, aColBytes);
                e.Get(pb).Memory(t.ScalarLoad).Set(sb).IncrementBy(pb, bColBytes);
                e.Get(py);
                ScalarBinary(e, operation, type, sa, sb);
                e.Memory(t.ScalarStore).Increment(py, t.Size);
            });
        });
        e.Finish();
    }

    /// <summary>Parameters: x, y, count.</summary>
    public static void EmitUnary(FunctionBuilder e, UnaryOperation operation, ElementType type)
    {
        var t = new ElementTraits(type);
        EmitMap(e, t, 0, 1, 2, (width, x) => Unary(e, operation, type, width, x));
        e.Finish();
    }

    /// <summary>Parameters: x, y, count, min_bits, max_bits (the bounds' float bits, so every parameter is an i32).</summary>
    public static void EmitClip(FunctionBuilder e)
    {
        var t = new ElementTraits(ElementType.Float32);
        var low = e.Local(ValueType.F32);
        var high = e.Local(ValueType.F32);
        e.Get(3).Op(Opcode.F32ReinterpretI32).Set(low);
        e.Get(4).Op(Opcode.F32ReinterpretI32).Set(high);
        EmitMap(e, t, 0, 1, 2, (n, x) => e.Get(x).Get(low).Splat(n).Max(n).Get(high).Splat(n).Min(n));
        e.Finish();
    }

    /// <summary>
    /// <c>y[i] = f(x[i])</c> for i &lt; count: v128 steps, then a scalar tail. <paramref name="body"/> gets the width
    /// (<see cref="FunctionBuilder.VectorWidth"/> for the v128 form, 1 for the scalar one) and the local holding the
    /// input, and pushes the result.
    /// </summary>
    private static void EmitMap(FunctionBuilder e, ElementTraits t, uint x, uint y, uint count, Action<int, uint> body)
    {
        var i = e.Local();
        var px = e.Local();
        var py = e.Local();
        var vx = e.Local(ValueType.V128);
        var sx = e.Local(t.ScalarType);
        e.Get(x).Set(px).Get(y).Set(py).I32(0).Set(i);
        e.While(i, () => e.Get(count).I32(t.Lanes - 1).Op(Opcode.I32Sub), t.Lanes, () =>
        {
            e.Get(py).Get(px).Memory(Opcode.V128Load).Set(vx);
            body(FunctionBuilder.VectorWidth, vx);
            e.Memory(Opcode.V128Store).Increment(px, 16).Increment(py, 16);
        });
        e.While(i, () => e.Get(count), 1, () =>
        {
            e.Get(py).Get(px).Memory(t.ScalarLoad).Set(sx);
            body(1, sx);
            e.Memory(t.ScalarStore).Increment(px, t.Size).Increment(py, t.Size);
        });
    }

    /// <summary>The SIMD form of a binary op over the v128 locals, or null when there is none (integer division).</summary>
    private static Action? VectorBinary(FunctionBuilder e, BinaryOperation operation, ElementType type, uint va, uint vb)
    {
        Opcode? single = (operation, type) switch
        {
            (BinaryOperation.Add, ElementType.Float32) => Opcode.F32x4Add,
            (BinaryOperation.Sub, ElementType.Float32) => Opcode.F32x4Sub,
            (BinaryOperation.Mul, ElementType.Float32) => Opcode.F32x4Mul,
            (BinaryOperation.Div, ElementType.Float32) => Opcode.F32x4Div,
            (BinaryOperation.Max, ElementType.Float32) => Opcode.F32x4Max,
            (BinaryOperation.Min, ElementType.Float32) => Opcode.F32x4Min,
            (BinaryOperation.Add, ElementType.Int32) => Opcode.I32x4Add,
            (BinaryOperation.Sub, ElementType.Int32) => Opcode.I32x4Sub,
            (BinaryOperation.Mul, ElementType.Int32) => Opcode.I32x4Mul,
            (BinaryOperation.Max, ElementType.Int32) => Opcode.I32x4MaxS,
            (BinaryOperation.Min, ElementType.Int32) => Opcode.I32x4MinS,
            (BinaryOperation.Add, ElementType.Int8) => Opcode.I8x16AddSatS,
            (BinaryOperation.Sub, ElementType.Int8) => Opcode.I8x16SubSatS,
            (BinaryOperation.Max, ElementType.Int8) => Opcode.I8x16MaxS,
            (BinaryOperation.Min, ElementType.Int8) => Opcode.I8x16MinS,
            _ => null,
        };
        if (single is { } opcode) return () => e.Get(va).Get(vb).Op(opcode);
        if (operation == BinaryOperation.Mul && type == ElementType.Int8)
        {
            // Exact 16-bit products of each half, narrowed back with signed saturation.
            return () => e.Get(va).Get(vb).Op(Opcode.I16x8ExtmulLowI8x16S).Get(va).Get(vb).Op(Opcode.I16x8ExtmulHighI8x16S)
                .Op(Opcode.I8x16NarrowI16x8S);
        }
        return null;
    }

    private static void ScalarBinary(FunctionBuilder e, BinaryOperation operation, ElementType type, uint sa, uint sb)
    {
        if (type == ElementType.Float32)
        {
            e.Get(sa).Get(sb).Op(operation switch
            {
                BinaryOperation.Add => Opcode.F32Add,
                BinaryOperation.Sub => Opcode.F32Sub,
                BinaryOperation.Mul => Opcode.F32Mul,
                BinaryOperation.Div => Opcode.F32Div,
                BinaryOperation.Max => Opcode.F32Max,
                _ => Opcode.F32Min,
            });
            return;
        }
        switch (operation)
        {
            case BinaryOperation.Max:
                e.Get(sa).Get(sb).Get(sa).Get(sb).Op(Opcode.I32GtS).Op(Opcode.Select);
                return;
            case BinaryOperation.Min:
                e.Get(sa).Get(sb).Get(sa).Get(sb).Op(Opcode.I32LtS).Op(Opcode.Select);
                return;
        }
        e.Get(sa).Get(sb).Op(operation switch
        {
            BinaryOperation.Add => Opcode.I32Add,
            BinaryOperation.Sub => Opcode.I32Sub,
            BinaryOperation.Mul => Opcode.I32Mul,
            _ => Opcode.I32DivS,
        });
        // i8 inputs widened to i32 cannot overflow here; saturate the exact result back to the i8 range.
        if (type == ElementType.Int8) SaturateToInt8(e);
    }

    /// <summary>Clamps the i32 on the stack to [-128, 127].</summary>
    private static void SaturateToInt8(FunctionBuilder e)
    {
        var value = e.Local();
        e.Tee(value).I32(127).Get(value).I32(127).Op(Opcode.I32LtS).Op(Opcode.Select).Set(value);
        e.Get(value).I32(-128).Get(value).I32(-128).Op(Opcode.I32GtS).Op(Opcode.Select);
    }

    private static void Unary(FunctionBuilder e, UnaryOperation operation, ElementType type, int n, uint x)
    {
        var v = n == FunctionBuilder.VectorWidth;
        switch (type, operation)
        {
            case (ElementType.Float32, UnaryOperation.Relu):
                e.Get(x).Constant(n, 0f).Max(n);
                break;
            case (ElementType.Float32, UnaryOperation.Neg):
                e.Get(x).Neg(n);
                break;
            case (ElementType.Float32, UnaryOperation.Abs):
                e.Get(x).Abs(n);
                break;
            case (ElementType.Float32, UnaryOperation.Sigmoid):
                e.Get(x).Sigmoid(n);
                break;
            case (ElementType.Float32, UnaryOperation.Tanh):
                e.Get(x).Tanh(n);
                break;
            case (ElementType.Float32, UnaryOperation.Sin):
                e.Get(x).Sin(n);
                break;
            case (ElementType.Float32, UnaryOperation.Cos):
                e.Get(x).Cos(n);
                break;
            case (ElementType.Int32, UnaryOperation.Relu):
                if (v) e.Get(x).I32(0).Op(Opcode.I32x4Splat).Op(Opcode.I32x4MaxS);
                else e.Get(x).I32(0).Get(x).I32(0).Op(Opcode.I32GtS).Op(Opcode.Select);
                break;
            case (ElementType.Int32, UnaryOperation.Neg):
                if (v) e.Get(x).Op(Opcode.I32x4Neg);
                else e.I32(0).Get(x).Op(Opcode.I32Sub);
                break;
            case (ElementType.Int32, UnaryOperation.Abs):
                if (v) e.Get(x).Op(Opcode.I32x4Abs);
                else e.Get(x).I32(0).Get(x).Op(Opcode.I32Sub).Get(x).I32(0).Op(Opcode.I32GeS).Op(Opcode.Select);
                break;
            case (ElementType.Int8, UnaryOperation.Relu):
                if (v) e.Get(x).I32(0).Op(Opcode.I8x16Splat).Op(Opcode.I8x16MaxS);
                else e.Get(x).I32(0).Get(x).I32(0).Op(Opcode.I32GtS).Op(Opcode.Select);
                break;
            case (ElementType.Int8, UnaryOperation.Neg):
                if (v) e.I32(0).Op(Opcode.I8x16Splat).Get(x).Op(Opcode.I8x16SubSatS);
                else
                {
                    e.I32(0).Get(x).Op(Opcode.I32Sub);
                    SaturateToInt8(e);
                }
                break;
            case (ElementType.Int8, UnaryOperation.Abs):
                // max(x, 0 -sat x): |-128| saturates to 127 (i8x16.abs alone would wrap to -128).
                if (v) e.Get(x).I32(0).Op(Opcode.I8x16Splat).Get(x).Op(Opcode.I8x16SubSatS).Op(Opcode.I8x16MaxS);
                else
                {
                    e.Get(x).I32(0).Get(x).Op(Opcode.I32Sub).Get(x).I32(0).Op(Opcode.I32GeS).Op(Opcode.Select);
                    SaturateToInt8(e);
                }
                break;
            default:
                throw new NotSupportedException($"{operation} has no {type} kernel");
        }
    }
}
