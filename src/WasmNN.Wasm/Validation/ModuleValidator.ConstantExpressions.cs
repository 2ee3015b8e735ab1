using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Validation;

public static partial class ModuleValidator
{
    /// <summary>
    /// A constant expression may only hold <c>*.const</c>, <c>ref.null</c>, <c>ref.func</c> and <c>global.get</c> of an
    /// imported immutable global (2.0 rule), and must leave exactly one value of <paramref name="expected"/>.
    /// </summary>
    private static void CheckConstantExpression(ValidationContext context, ConstantExpression expression, ValueType expected, string section)
    {
        var reader = new InstructionReader(expression.Code.Span, expression.Offset, section);
        var stack = new List<ValueType>();
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            switch (ins.Opcode)
            {
                case Opcode.I32Const: stack.Add(ValueType.I32); break;
                case Opcode.I64Const: stack.Add(ValueType.I64); break;
                case Opcode.F32Const: stack.Add(ValueType.F32); break;
                case Opcode.F64Const: stack.Add(ValueType.F64); break;
                case Opcode.V128Const: stack.Add(ValueType.V128); break;
                case Opcode.RefNull: stack.Add(ins.RefType); break;
                case Opcode.RefFunc:
                    if (ins.Index >= context.FunctionTypeIndices.Length) throw Invalid($"unknown function {ins.Index}", ins.Offset, section);
                    stack.Add(ValueType.FuncRef);
                    break;
                case Opcode.GlobalGet:
                    if (ins.Index >= context.ImportedGlobalCount) throw Invalid($"unknown global {ins.Index}", ins.Offset, section);
                    var global = context.Globals[(int)ins.Index];
                    if (global.Mutable) throw Invalid("constant expression required", ins.Offset, section);
                    stack.Add(global.ValueType);
                    break;
                case Opcode.End:
                    break;
                default:
                    throw Invalid("constant expression required", ins.Offset, section);
            }
        }
        if (stack.Count != 1 || stack[0] != expected) throw Invalid("type mismatch", expression.Offset, section);
    }
}
