using System.Numerics;
using System.Reflection.Emit;
using WasmNN.Engine.Runtime;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>Constants, integer and float arithmetic, comparisons and conversions.</summary>
internal sealed partial class FunctionCompiler
{
    private const ValueType I32 = ValueType.I32;
    private const ValueType I64 = ValueType.I64;
    private const ValueType F32 = ValueType.F32;
    private const ValueType F64 = ValueType.F64;

    private bool TryCompileNumeric(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            case Opcode.I32Const: _il.Emit(OpCodes.Ldc_I4, (int)ins.Constant); Push(I32); return true;
            case Opcode.I64Const: _il.Emit(OpCodes.Ldc_I8, ins.Constant); Push(I64); return true;
            case Opcode.F32Const: EmitF32Const((uint)ins.Constant); return true;
            case Opcode.F64Const: EmitF64Const((ulong)ins.Constant); return true;

            case Opcode.I32Eqz when TryFuseCondition(OpCodes.Brfalse, OpCodes.Brtrue, 1): return true;
            case Opcode.I64Eqz when TryFuseCondition(OpCodes.Brfalse, OpCodes.Brtrue, 1): return true;
            case Opcode.I32Eqz: Unary(I32, I32, OpCodes.Ldc_I4_0, OpCodes.Ceq); return true;
            case Opcode.I64Eqz: Unary(I64, I32, OpCodes.Ldc_I4_0, OpCodes.Conv_I8, OpCodes.Ceq); return true;
            case Opcode.I32Eq or Opcode.I64Eq or Opcode.F32Eq or Opcode.F64Eq: Compare(OpCodes.Ceq); return true;
            case Opcode.I32Ne or Opcode.I64Ne or Opcode.F32Ne or Opcode.F64Ne: Compare(OpCodes.Ceq, negate: true); return true;
            case Opcode.I32LtS or Opcode.I64LtS or Opcode.F32Lt or Opcode.F64Lt: Compare(OpCodes.Clt); return true;
            case Opcode.I32LtU or Opcode.I64LtU: Compare(OpCodes.Clt_Un); return true;
            case Opcode.I32GtS or Opcode.I64GtS or Opcode.F32Gt or Opcode.F64Gt: Compare(OpCodes.Cgt); return true;
            case Opcode.I32GtU or Opcode.I64GtU: Compare(OpCodes.Cgt_Un); return true;
            case Opcode.I32LeS or Opcode.I64LeS: Compare(OpCodes.Cgt, negate: true); return true;
            case Opcode.I32LeU or Opcode.I64LeU: Compare(OpCodes.Cgt_Un, negate: true); return true;
            case Opcode.I32GeS or Opcode.I64GeS: Compare(OpCodes.Clt, negate: true); return true;
            case Opcode.I32GeU or Opcode.I64GeU: Compare(OpCodes.Clt_Un, negate: true); return true;
            // Float le/ge are false for NaN: !(a > b) with unordered-true cgt.un gives exactly that.
            case Opcode.F32Le or Opcode.F64Le: Compare(OpCodes.Cgt_Un, negate: true); return true;
            case Opcode.F32Ge or Opcode.F64Ge: Compare(OpCodes.Clt_Un, negate: true); return true;

            case Opcode.I32Clz: Call(I32, I32, typeof(BitOperations), nameof(BitOperations.LeadingZeroCount), typeof(uint)); return true;
            case Opcode.I32Ctz: Call(I32, I32, typeof(BitOperations), nameof(BitOperations.TrailingZeroCount), typeof(int)); return true;
            case Opcode.I32Popcnt: Call(I32, I32, typeof(BitOperations), nameof(BitOperations.PopCount), typeof(uint)); return true;
            case Opcode.I64Clz: Call(I64, I64, typeof(BitOperations), nameof(BitOperations.LeadingZeroCount), typeof(ulong)); _il.Emit(OpCodes.Conv_I8); return true;
            case Opcode.I64Ctz: Call(I64, I64, typeof(BitOperations), nameof(BitOperations.TrailingZeroCount), typeof(long)); _il.Emit(OpCodes.Conv_I8); return true;
            case Opcode.I64Popcnt: Call(I64, I64, typeof(BitOperations), nameof(BitOperations.PopCount), typeof(ulong)); _il.Emit(OpCodes.Conv_I8); return true;

            case Opcode.I32Add when TryCompileProvenAddressAdd(): return true;
            case Opcode.I32Add or Opcode.I64Add or Opcode.F32Add or Opcode.F64Add: Binary(OpCodes.Add); return true;
            case Opcode.I32Sub or Opcode.I64Sub or Opcode.F32Sub or Opcode.F64Sub: Binary(OpCodes.Sub); return true;
            case Opcode.I32Mul or Opcode.I64Mul or Opcode.F32Mul or Opcode.F64Mul: Binary(OpCodes.Mul); return true;
            case Opcode.F32Div or Opcode.F64Div: Binary(OpCodes.Div); return true;
            case Opcode.I32And or Opcode.I64And: Binary(OpCodes.And); return true;
            case Opcode.I32Or or Opcode.I64Or: Binary(OpCodes.Or); return true;
            case Opcode.I32Xor or Opcode.I64Xor: Binary(OpCodes.Xor); return true;
            case Opcode.I32Shl or Opcode.I64Shl: Shift(OpCodes.Shl); return true;
            case Opcode.I32ShrS or Opcode.I64ShrS: Shift(OpCodes.Shr); return true;
            case Opcode.I32ShrU or Opcode.I64ShrU: Shift(OpCodes.Shr_Un); return true;
            case Opcode.I32Rotl: Rotate(typeof(uint), nameof(BitOperations.RotateLeft)); return true;
            case Opcode.I32Rotr: Rotate(typeof(uint), nameof(BitOperations.RotateRight)); return true;
            case Opcode.I64Rotl: Rotate(typeof(ulong), nameof(BitOperations.RotateLeft)); return true;
            case Opcode.I64Rotr: Rotate(typeof(ulong), nameof(BitOperations.RotateRight)); return true;
            case Opcode.I32DivS or Opcode.I64DivS: DivideSigned(remainder: false); return true;
            case Opcode.I32RemS or Opcode.I64RemS: DivideSigned(remainder: true); return true;
            case Opcode.I32DivU or Opcode.I64DivU: DivideUnsigned(OpCodes.Div_Un); return true;
            case Opcode.I32RemU or Opcode.I64RemU: DivideUnsigned(OpCodes.Rem_Un); return true;

            case Opcode.F32Abs: FloatBits(F32, OpCodes.Ldc_I4, int.MaxValue, OpCodes.And); return true;
            case Opcode.F32Neg: FloatBits(F32, OpCodes.Ldc_I4, int.MinValue, OpCodes.Xor); return true;
            case Opcode.F64Abs: FloatBits(F64, OpCodes.Ldc_I8, long.MaxValue, OpCodes.And); return true;
            case Opcode.F64Neg: FloatBits(F64, OpCodes.Ldc_I8, long.MinValue, OpCodes.Xor); return true;
            case Opcode.F32Copysign: Call(F32, F32, typeof(FloatOperations), nameof(FloatOperations.CopySign), typeof(float), typeof(float)); return true;
            case Opcode.F64Copysign: Call(F64, F64, typeof(FloatOperations), nameof(FloatOperations.CopySign), typeof(double), typeof(double)); return true;
            case Opcode.F32Ceil: Call(F32, F32, typeof(MathF), nameof(MathF.Ceiling), typeof(float)); return true;
            case Opcode.F32Floor: Call(F32, F32, typeof(MathF), nameof(MathF.Floor), typeof(float)); return true;
            case Opcode.F32Trunc: Call(F32, F32, typeof(MathF), nameof(MathF.Truncate), typeof(float)); return true;
            case Opcode.F32Nearest: Call(F32, F32, typeof(MathF), nameof(MathF.Round), typeof(float)); return true;
            case Opcode.F32Sqrt: Call(F32, F32, typeof(MathF), nameof(MathF.Sqrt), typeof(float)); return true;
            case Opcode.F64Ceil: Call(F64, F64, typeof(Math), nameof(Math.Ceiling), typeof(double)); return true;
            case Opcode.F64Floor: Call(F64, F64, typeof(Math), nameof(Math.Floor), typeof(double)); return true;
            case Opcode.F64Trunc: Call(F64, F64, typeof(Math), nameof(Math.Truncate), typeof(double)); return true;
            case Opcode.F64Nearest: Call(F64, F64, typeof(Math), nameof(Math.Round), typeof(double)); return true;
            case Opcode.F64Sqrt: Call(F64, F64, typeof(Math), nameof(Math.Sqrt), typeof(double)); return true;
            case Opcode.F32Min: Call(F32, F32, typeof(FloatOperations), nameof(FloatOperations.Min), typeof(float), typeof(float)); return true;
            case Opcode.F32Max: Call(F32, F32, typeof(FloatOperations), nameof(FloatOperations.Max), typeof(float), typeof(float)); return true;
            case Opcode.F64Min: Call(F64, F64, typeof(FloatOperations), nameof(FloatOperations.Min), typeof(double), typeof(double)); return true;
            case Opcode.F64Max: Call(F64, F64, typeof(FloatOperations), nameof(FloatOperations.Max), typeof(double), typeof(double)); return true;

            case Opcode.I32WrapI64: Unary(I64, I32, OpCodes.Conv_I4); return true;
            case Opcode.I64ExtendI32S: Unary(I32, I64, OpCodes.Conv_I8); return true;
            case Opcode.I64ExtendI32U: Unary(I32, I64, OpCodes.Conv_U8); return true;
            case Opcode.I32Extend8S: Unary(I32, I32, OpCodes.Conv_I1); return true;
            case Opcode.I32Extend16S: Unary(I32, I32, OpCodes.Conv_I2); return true;
            case Opcode.I64Extend8S: Unary(I64, I64, OpCodes.Conv_I1, OpCodes.Conv_I8); return true;
            case Opcode.I64Extend16S: Unary(I64, I64, OpCodes.Conv_I2, OpCodes.Conv_I8); return true;
            case Opcode.I64Extend32S: Unary(I64, I64, OpCodes.Conv_I4, OpCodes.Conv_I8); return true;
            case Opcode.F32ConvertI32S: Unary(I32, F32, OpCodes.Conv_R4); return true;
            case Opcode.F32ConvertI32U: Unary(I32, F32, OpCodes.Conv_U8, OpCodes.Conv_R4); return true;
            case Opcode.F32ConvertI64S: Unary(I64, F32, OpCodes.Conv_R4); return true;
            case Opcode.F32ConvertI64U: Call(I64, F32, typeof(FloatOperations), nameof(FloatOperations.ConvertUInt64ToSingle), typeof(ulong)); return true;
            case Opcode.F64ConvertI32S: Unary(I32, F64, OpCodes.Conv_R8); return true;
            case Opcode.F64ConvertI32U: Unary(I32, F64, OpCodes.Conv_U8, OpCodes.Conv_R8); return true;
            case Opcode.F64ConvertI64S: Unary(I64, F64, OpCodes.Conv_R8); return true;
            case Opcode.F64ConvertI64U: Call(I64, F64, typeof(FloatOperations), nameof(FloatOperations.ConvertUInt64ToDouble), typeof(ulong)); return true;
            case Opcode.F32DemoteF64: Unary(F64, F32, OpCodes.Conv_R4); return true;
            case Opcode.F64PromoteF32:
                Unary(F32, F64, OpCodes.Conv_R8);
                // demote(promote(x)) would be folded to x, skipping the NaN quieting wasm requires.
                if (_nextOpcode == Opcode.F32DemoteF64) _il.Emit(OpCodes.Call, Method(typeof(FloatOperations), nameof(FloatOperations.Opaque), typeof(double)));
                return true;
            case Opcode.I32ReinterpretF32: Call(F32, I32, typeof(BitConverter), nameof(BitConverter.SingleToInt32Bits), typeof(float)); return true;
            case Opcode.I64ReinterpretF64: Call(F64, I64, typeof(BitConverter), nameof(BitConverter.DoubleToInt64Bits), typeof(double)); return true;
            case Opcode.F32ReinterpretI32: Call(I32, F32, typeof(FloatOperations), nameof(FloatOperations.ReinterpretAsSingle), typeof(int)); return true;
            case Opcode.F64ReinterpretI64: Call(I64, F64, typeof(BitConverter), nameof(BitConverter.Int64BitsToDouble), typeof(long)); return true;

            // Trapping conversions: the valid range is open at both ends (after truncation toward zero).
            case Opcode.I32TruncF32S or Opcode.I32TruncF64S: TruncateChecked(I32, -2147483649.0, 2147483648.0, OpCodes.Conv_I4); return true;
            case Opcode.I32TruncF32U or Opcode.I32TruncF64U: TruncateChecked(I32, -1.0, 4294967296.0, OpCodes.Conv_U4); return true;
            case Opcode.I64TruncF32S or Opcode.I64TruncF64S: TruncateChecked(I64, -9223372036854777856.0, 9223372036854775808.0, OpCodes.Conv_I8); return true;
            case Opcode.I64TruncF32U or Opcode.I64TruncF64U: TruncateChecked(I64, -1.0, 18446744073709551616.0, OpCodes.Conv_U8); return true;
            // .NET 9+ float-to-int conversions saturate and map NaN to 0, exactly the trunc_sat semantics.
            case Opcode.I32TruncSatF32S or Opcode.I32TruncSatF64S: Unary(Pop(), I32, OpCodes.Conv_I4, keepPopped: true); return true;
            case Opcode.I32TruncSatF32U or Opcode.I32TruncSatF64U: Unary(Pop(), I32, OpCodes.Conv_U4, keepPopped: true); return true;
            case Opcode.I64TruncSatF32S or Opcode.I64TruncSatF64S: Unary(Pop(), I64, OpCodes.Conv_I8, keepPopped: true); return true;
            case Opcode.I64TruncSatF32U or Opcode.I64TruncSatF64U: Unary(Pop(), I64, OpCodes.Conv_U8, keepPopped: true); return true;
            default:
                return false;
        }
    }

    private void EmitF32Const(uint bits)
    {
        float value = BitConverter.UInt32BitsToSingle(bits);
        if (float.IsNaN(value))
        {
            // The JIT keeps float constants as doubles, which quiets a signalling NaN: build it from its bits, out of line.
            _il.Emit(OpCodes.Ldc_I4, (int)bits);
            _il.Emit(OpCodes.Call, Method(typeof(FloatOperations), nameof(FloatOperations.SingleFromBits)));
        }
        else
        {
            _il.Emit(OpCodes.Ldc_R4, value);
            if (IsFoldableIdentity(value) && _nextOpcode is Opcode.F32Add or Opcode.F32Sub or Opcode.F32Mul or Opcode.F32Div)
            {
                _il.Emit(OpCodes.Call, Method(typeof(FloatOperations), nameof(FloatOperations.Opaque), typeof(float)));
            }
        }
        Push(F32);
    }

    private void EmitF64Const(ulong bits)
    {
        double value = BitConverter.UInt64BitsToDouble(bits);
        if (double.IsNaN(value))
        {
            _il.Emit(OpCodes.Ldc_I8, (long)bits);
            _il.Emit(OpCodes.Call, Method(typeof(BitConverter), nameof(BitConverter.Int64BitsToDouble), typeof(long)));
        }
        else
        {
            _il.Emit(OpCodes.Ldc_R8, value);
            if (IsFoldableIdentity(value) && _nextOpcode is Opcode.F64Add or Opcode.F64Sub or Opcode.F64Mul or Opcode.F64Div)
            {
                _il.Emit(OpCodes.Call, Method(typeof(FloatOperations), nameof(FloatOperations.Opaque), typeof(double)));
            }
        }
        Push(F64);
    }

    /// <summary>
    /// RyuJIT folds x-0, x*1 and x/1 to x, which lets a signalling NaN through unquieted; wasm requires the
    /// arithmetic to happen. Such constants in front of arithmetic are hidden behind an opaque call.
    /// </summary>
    private static bool IsFoldableIdentity(double value) => value is 0.0 or 1.0 or -1.0;

    private void Unary(ValueType operand, ValueType result, params OpCode[] ops) => Unary(operand, result, ops, keepPopped: false);

    private void Unary(ValueType operand, ValueType result, OpCode op, bool keepPopped) => Unary(operand, result, [op], keepPopped);

    private void Unary(ValueType operand, ValueType result, OpCode[] ops, bool keepPopped)
    {
        if (!keepPopped) Pop();
        _ = operand;
        foreach (var op in ops) _il.Emit(op);
        Push(result);
    }

    private void Binary(OpCode op)
    {
        var type = Pop();
        Pop();
        _il.Emit(op);
        Push(type);
    }

    private void Compare(OpCode op, bool negate = false)
    {
        bool isFloat = _stack[^1] is F32 or F64;
        var (whenTrue, whenFalse) = (BranchWhen(op, true, isFloat), BranchWhen(op, false, isFloat));
        if (negate ? TryFuseCondition(whenFalse, whenTrue, 2) : TryFuseCondition(whenTrue, whenFalse, 2)) return;
        Pop(2);
        _il.Emit(op);
        if (negate)
        {
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Ceq);
        }
        Push(I32);
    }

    private void Call(ValueType operand, ValueType result, Type type, string name, params Type[] parameters)
    {
        Pop(parameters.Length);
        _ = operand;
        _il.Emit(OpCodes.Call, Method(type, name, parameters));
        Push(result);
    }

    private void Shift(OpCode op)
    {
        // Wasm takes the shift count modulo the width; IL leaves larger counts unspecified.
        Pop();
        var type = _stack[^1];
        if (type == I64)
        {
            _il.Emit(OpCodes.Conv_I4);
            _il.Emit(OpCodes.Ldc_I4, 63);
        }
        else
        {
            _il.Emit(OpCodes.Ldc_I4, 31);
        }
        _il.Emit(OpCodes.And);
        _il.Emit(op);
    }

    private void Rotate(Type operand, string name)
    {
        Pop();
        if (_nextOpcode is Opcode.I32Eqz or Opcode.I64Eqz or Opcode.BrIf or Opcode.If or Opcode.Select or Opcode.SelectTyped)
        {
            // Only its zeroness is read, and a rotation is zero exactly when its operand is: drop the count. Not just
            // faster: the .NET 10 JIT folds "rotate(x != 0 ? 1 : 0, n) == 0" to the wrong polarity (a wasm eqz ->
            // rotr -> eqz chain gave 1 for 0; found by the differential fuzzer against wasmtime).
            _il.Emit(OpCodes.Pop);
            return;
        }
        if (operand == typeof(ulong)) _il.Emit(OpCodes.Conv_I4);
        _il.Emit(OpCodes.Call, Method(typeof(BitOperations), name, operand, typeof(int)));
    }

    /// <summary>rotl(x * C, k) for the multiply-shift-or shape <see cref="MultiplyRotate"/> describes; x and a multiplier are on the stack.</summary>
    private void CompileMultiplyRotate(MultiplyRotate rotate)
    {
        Pop(2);
        if (rotate.ReplacesMultiplier)
        {
            _il.Emit(OpCodes.Pop);
            _il.Emit(OpCodes.Ldc_I4, (int)rotate.Multiplier);
        }
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Ldc_I4, rotate.RotateBy);
        _il.Emit(OpCodes.Call, Method(typeof(BitOperations), nameof(BitOperations.RotateLeft), typeof(uint), typeof(int)));
        Push(I32);
    }

    private void FloatBits(ValueType type, OpCode loadMask, long mask, OpCode op)
    {
        // Sign-bit operations on the bits, never float arithmetic: NaN payloads must pass through untouched.
        if (type == F32)
        {
            _il.Emit(OpCodes.Call, Method(typeof(BitConverter), nameof(BitConverter.SingleToInt32Bits), typeof(float)));
            _il.Emit(loadMask, (int)mask);
            _il.Emit(op);
            _il.Emit(OpCodes.Call, Method(typeof(BitConverter), nameof(BitConverter.Int32BitsToSingle), typeof(int)));
        }
        else
        {
            _il.Emit(OpCodes.Call, Method(typeof(BitConverter), nameof(BitConverter.DoubleToInt64Bits), typeof(double)));
            _il.Emit(loadMask, mask);
            _il.Emit(op);
            _il.Emit(OpCodes.Call, Method(typeof(BitConverter), nameof(BitConverter.Int64BitsToDouble), typeof(long)));
        }
    }

    private void DivideSigned(bool remainder)
    {
        var type = Pop();
        Pop();
        bool wide = type == I64;
        var divisor = RentTemp(type);
        var dividend = RentTemp(type);
        _il.Emit(OpCodes.Stloc, divisor);
        _il.Emit(OpCodes.Stloc, dividend);
        _il.Emit(OpCodes.Ldloc, divisor);
        EmitTrapUnless(OpCodes.Brtrue, TrapKind.IntegerDivideByZero);
        var normal = _il.DefineLabel();
        var done = _il.DefineLabel();
        _il.Emit(OpCodes.Ldloc, divisor);
        if (wide) _il.Emit(OpCodes.Ldc_I8, -1L); else _il.Emit(OpCodes.Ldc_I4_M1);
        _il.Emit(OpCodes.Bne_Un, normal);
        if (remainder)
        {
            // x rem -1 is 0 (and .NET would throw for MIN rem -1).
            if (wide) _il.Emit(OpCodes.Ldc_I8, 0L); else _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Br, done);
        }
        else
        {
            _il.Emit(OpCodes.Ldloc, dividend);
            if (wide) _il.Emit(OpCodes.Ldc_I8, long.MinValue); else _il.Emit(OpCodes.Ldc_I4, int.MinValue);
            EmitTrapUnless(OpCodes.Bne_Un, TrapKind.IntegerOverflow);
        }
        _il.MarkLabel(normal);
        _il.Emit(OpCodes.Ldloc, dividend);
        _il.Emit(OpCodes.Ldloc, divisor);
        _il.Emit(remainder ? OpCodes.Rem : OpCodes.Div);
        _il.MarkLabel(done);
        ReturnTemp(divisor);
        ReturnTemp(dividend);
        Push(type);
    }

    private void DivideUnsigned(OpCode op)
    {
        var type = Pop();
        Pop();
        var divisor = RentTemp(type);
        _il.Emit(OpCodes.Stloc, divisor);
        _il.Emit(OpCodes.Ldloc, divisor);
        EmitTrapUnless(OpCodes.Brtrue, TrapKind.IntegerDivideByZero);
        _il.Emit(OpCodes.Ldloc, divisor);
        _il.Emit(op);
        ReturnTemp(divisor);
        Push(type);
    }

    /// <summary>Trapping float-to-int: NaN traps as invalid, values outside (lower, upper) as overflow.</summary>
    private void TruncateChecked(ValueType result, double lower, double upper, OpCode convert)
    {
        if (Pop() == F32) _il.Emit(OpCodes.Conv_R8);
        var value = RentTemp(typeof(double));
        _il.Emit(OpCodes.Stloc, value);
        _il.Emit(OpCodes.Ldloc, value);
        _il.Emit(OpCodes.Ldloc, value);
        EmitTrapUnless(OpCodes.Beq, TrapKind.InvalidConversionToInteger);
        _il.Emit(OpCodes.Ldloc, value);
        _il.Emit(OpCodes.Ldc_R8, lower);
        // i64 signed: -2^63 itself is valid, and the next double below it is the exclusive bound used here.
        EmitTrapUnless(OpCodes.Bgt, TrapKind.IntegerOverflow);
        _il.Emit(OpCodes.Ldloc, value);
        _il.Emit(OpCodes.Ldc_R8, upper);
        EmitTrapUnless(OpCodes.Blt, TrapKind.IntegerOverflow);
        _il.Emit(OpCodes.Ldloc, value);
        _il.Emit(convert);
        ReturnTemp(value);
        Push(result);
    }
}
