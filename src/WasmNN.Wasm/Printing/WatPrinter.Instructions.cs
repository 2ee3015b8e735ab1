using System.Runtime.Intrinsics;
using System.Globalization;
using System.Text;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Printing;

public static partial class WatPrinter
{
    private static void PrintFunction(StringBuilder text, WasmModule module, uint index, uint typeIndex, FunctionBody body)
    {
        var type = module.Types[(int)typeIndex];
        text.Append("  (func").Append(FunctionName(module, index)).Append(CultureInfo.InvariantCulture, $" (type {typeIndex})")
            .Append(Signature(type)).Append('\n');
        if (body.Locals.Length > 0)
        {
            text.Append("    (local");
            foreach (var group in body.Locals)
            {
                for (uint i = 0; i < group.Count && i < 1000; i++) text.Append(' ').Append(group.Type.ToWat());
            }
            text.Append(")\n");
        }
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        int depth = 1;
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            // The function's own final end is implied by the closing parenthesis.
            if (reader.AtEnd && ins.Opcode == Opcode.End) break;
            if (ins.Opcode is Opcode.End or Opcode.Else) depth--;
            text.Append(' ', 2 + (2 * depth)).Append(Instruction(in ins)).Append('\n');
            if (ins.Opcode is Opcode.Block or Opcode.Loop or Opcode.If or Opcode.Else) depth++;
        }
        text.Append("  )\n");
    }

    /// <summary>One constant expression on one line, without its final <c>end</c>.</summary>
    private static string Expression(ConstantExpression expression)
    {
        var reader = new InstructionReader(expression.Code.Span, expression.Offset);
        var parts = new List<string>();
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            if (ins.Opcode != Opcode.End) parts.Add(Instruction(in ins));
        }
        return string.Join(' ', parts);
    }

    /// <summary>The text of one instruction: its mnemonic and immediates.</summary>
    public static string Instruction(in Instruction ins)
    {
        var info = OpcodeTable.Get(ins.Opcode);
        string m = info.Mnemonic;
        var c = CultureInfo.InvariantCulture;
        var vector = ins.V128;
        return info.Immediates switch
        {
            Immediates.None => m,
            Immediates.BlockType => ins.BlockType.IsTypeIndex ? $"{m} (type {ins.BlockType.TypeIndex})"
                : ins.BlockType.Result is { } r ? $"{m} (result {r.ToWat()})" : m,
            Immediates.BrTable => $"{m} {string.Join(' ', ins.Targets!)} {ins.Index}",
            Immediates.CallIndirect => $"{m} {ins.Index2} (type {ins.Index})",
            Immediates.TableCopy or Immediates.TableInit => $"{m} {ins.Index} {ins.Index2}",
            Immediates.Memory or Immediates.MemoryCopy => m,
            Immediates.MemoryInit => $"{m} {ins.Index}",
            Immediates.MemArg or Immediates.AtomicMemArg => $"{m}{MemArg(ins.MemArg, info.NaturalAlignment)}",
            Immediates.Fence => m,
            Immediates.MemArgLane => $"{m}{MemArg(ins.MemArg, info.NaturalAlignment)} {ins.Index}",
            Immediates.I32 => string.Create(c, $"{m} {(int)ins.Constant}"),
            Immediates.I64 => string.Create(c, $"{m} {ins.Constant}"),
            Immediates.F32 => $"{m} {FloatText(BitConverter.UInt32BitsToSingle((uint)ins.Constant))}",
            Immediates.F64 => $"{m} {FloatText(BitConverter.Int64BitsToDouble(ins.Constant))}",
            Immediates.V128 => $"{m} i32x4 {string.Join(' ', Enumerable.Range(0, 4).Select(i => $"0x{vector.AsUInt32()[i]:x8}"))}",
            Immediates.Shuffle => $"{m} {string.Join(' ', Enumerable.Range(0, 16).Select(i => vector[i]))}",
            Immediates.RefType => $"{m} {(ins.RefType == ValueType.FuncRef ? "func" : "extern")}",
            Immediates.SelectTypes => $"{m} (result {string.Join(' ', ins.SelectTypes!.Select(t => t.ToWat()))})",
            _ => string.Create(c, $"{m} {ins.Index}"),
        };
    }

    private static string MemArg(MemArg arg, int naturalAlignment)
    {
        var text = arg.Offset != 0 ? $" offset={arg.Offset}" : "";
        long align = 1L << (int)arg.AlignExponent;
        return align != naturalAlignment ? $"{text} align={align}" : text;
    }

    private static string FloatText(double value) =>
        double.IsNaN(value) ? "nan" : double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf") : value.ToString("R", CultureInfo.InvariantCulture);
}
