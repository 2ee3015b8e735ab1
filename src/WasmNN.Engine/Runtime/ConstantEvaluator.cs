using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Runtime;

/// <summary>Evaluates constant expressions (global initialisers, segment offsets, element items) at instantiation.</summary>
internal static class ConstantEvaluator
{
    public static WasmValue Evaluate(ConstantExpression expression, InstanceContext context)
    {
        var reader = new InstructionReader(expression.Code.Span, expression.Offset);
        var stack = new Stack<WasmValue>();
        while (true)
        {
            var ins = reader.Read();
            switch (ins.Opcode)
            {
                case Opcode.I32Const: stack.Push(WasmValue.FromInt32((int)ins.Constant)); break;
                case Opcode.I64Const: stack.Push(WasmValue.FromInt64(ins.Constant)); break;
                case Opcode.F32Const: stack.Push(WasmValue.FromSingleBits((uint)ins.Constant)); break;
                case Opcode.F64Const: stack.Push(WasmValue.FromDoubleBits((ulong)ins.Constant)); break;
                case Opcode.V128Const: stack.Push(WasmValue.FromVector(ins.V128)); break;
                case Opcode.RefNull: stack.Push(ins.RefType == ValueType.FuncRef ? WasmValue.FromFunction(null) : WasmValue.FromExtern(null)); break;
                case Opcode.RefFunc: stack.Push(WasmValue.FromFunction(context.Functions[ins.Index])); break;
                case Opcode.GlobalGet: stack.Push(context.Globals[ins.Index].Value); break;
                // Extended constant expressions.
                case Opcode.I32Add: Binary(stack, (a, b) => WasmValue.FromInt32(a.AsInt32() + b.AsInt32())); break;
                case Opcode.I32Sub: Binary(stack, (a, b) => WasmValue.FromInt32(a.AsInt32() - b.AsInt32())); break;
                case Opcode.I32Mul: Binary(stack, (a, b) => WasmValue.FromInt32(a.AsInt32() * b.AsInt32())); break;
                case Opcode.I64Add: Binary(stack, (a, b) => WasmValue.FromInt64(a.AsInt64() + b.AsInt64())); break;
                case Opcode.I64Sub: Binary(stack, (a, b) => WasmValue.FromInt64(a.AsInt64() - b.AsInt64())); break;
                case Opcode.I64Mul: Binary(stack, (a, b) => WasmValue.FromInt64(a.AsInt64() * b.AsInt64())); break;
                case Opcode.End:
                    if (stack.Count != 1) throw new WasmFormatException(WasmErrorKind.Invalid, "type mismatch", expression.Offset);
                    return stack.Pop();
                default:
                    throw new WasmFormatException(WasmErrorKind.Invalid, "constant expression required", ins.Offset);
            }
        }
    }

    private static void Binary(Stack<WasmValue> stack, Func<WasmValue, WasmValue, WasmValue> op)
    {
        var b = stack.Pop();
        var a = stack.Pop();
        stack.Push(op(a, b));
    }
}
