using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// A rotate of a product that clang wrote without a rotate: <c>rotl(x * C, k)</c> becomes
/// <c>(x * C) &gt;&gt;u (32 - k) | x * (C &lt;&lt; k)</c> (InstCombine folds the shift into the multiplier), two
/// multiplies, a shift and an or on a hash's serial chain. Compiled as one multiply and a rotate, the chain is
/// a cycle shorter per step. <see cref="MultiplyOffset"/> is the first <c>i32.mul</c>; the instructions after it
/// through <see cref="LastOffset"/> (the <c>i32.or</c>) have no stack effect together and are not compiled.
/// </summary>
/// <param name="MultiplyOffset">The offset of the first <c>i32.mul</c>.</param>
/// <param name="LastOffset">The offset of the <c>i32.or</c>.</param>
/// <param name="Multiplier">C, the multiplier of the rotated product.</param>
/// <param name="RotateBy">k, in 1..31.</param>
/// <param name="ReplacesMultiplier">True when the first multiply is x * (C &lt;&lt; k) (the or's operands swapped):
/// its constant is already on the IL stack and is replaced by C.</param>
internal readonly record struct MultiplyRotate(int MultiplyOffset, int LastOffset, uint Multiplier, int RotateBy, bool ReplacesMultiplier)
{
    private const int Window = 10;

    /// <summary>The fusable rotates of <paramref name="body"/>, by the offset of their first multiply.</summary>
    public static Dictionary<int, MultiplyRotate> Find(FunctionBody body)
    {
        var found = new Dictionary<int, MultiplyRotate>();
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        var window = new Instruction[Window];
        int count = 0;
        while (!reader.AtEnd)
        {
            window[count++ % Window] = reader.Read();
            if (count < Window) continue;
            Instruction At(int i) => window[(count - Window + i) % Window];
            if (Match(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), At(8), At(9)) is { } rotate) found[rotate.MultiplyOffset] = rotate;
        }
        return found;
    }

    // x is local L, read by i0 and again by the second product; nothing between writes L (only consts and
    // arithmetic). i9 is the or's consumer: the .NET 10 JIT misfolds a rotate whose zeroness alone is read (see
    // FunctionCompiler.Rotate), so such a rotate stays as written.
    private static MultiplyRotate? Match(in Instruction i0, in Instruction i1, in Instruction i2, in Instruction i3, in Instruction i4,
        in Instruction i5, in Instruction i6, in Instruction i7, in Instruction i8, in Instruction i9)
    {
        if (i0.Opcode is not (Opcode.LocalGet or Opcode.LocalTee) || i1.Opcode != Opcode.I32Const || i2.Opcode != Opcode.I32Mul
            || i8.Opcode != Opcode.I32Or || i9.Opcode is Opcode.I32Eqz or Opcode.BrIf or Opcode.If or Opcode.Select or Opcode.SelectTyped)
        {
            return null;
        }
        // (x * C) >>u s | x * (C << k)
        if (i3.Opcode == Opcode.I32Const && i4.Opcode == Opcode.I32ShrU && IsRead(i5, i0) && i6.Opcode == Opcode.I32Const
            && i7.Opcode == Opcode.I32Mul && RotationOf((uint)i1.Constant, (uint)i6.Constant, (uint)i3.Constant) is int k)
        {
            return new MultiplyRotate(i2.Offset, i8.Offset, (uint)i1.Constant, k, ReplacesMultiplier: false);
        }
        // x * (C << k) | (x * C) >>u s
        if (IsRead(i3, i0) && i4.Opcode == Opcode.I32Const && i5.Opcode == Opcode.I32Mul && i6.Opcode == Opcode.I32Const
            && i7.Opcode == Opcode.I32ShrU && RotationOf((uint)i4.Constant, (uint)i1.Constant, (uint)i6.Constant) is int j)
        {
            return new MultiplyRotate(i2.Offset, i8.Offset, (uint)i4.Constant, j, ReplacesMultiplier: true);
        }
        return null;
    }

    private static bool IsRead(in Instruction read, in Instruction first) => read.Opcode == Opcode.LocalGet && read.Index == first.Index;

    /// <summary>k when <paramref name="shifted"/> is <paramref name="multiplier"/> &lt;&lt; k and the shift right is 32 - k.</summary>
    private static int? RotationOf(uint multiplier, uint shifted, uint shiftRight) =>
        shiftRight is >= 1 and <= 31 && multiplier << (int)(32 - shiftRight) == shifted ? (int)(32 - shiftRight) : null;
}
