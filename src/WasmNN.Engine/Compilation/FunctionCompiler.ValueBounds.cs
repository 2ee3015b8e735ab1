using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// Upper bounds of i32 operand-stack values, so an access whose address cannot reach past the memory's declared
/// minimum size (memories only grow) needs no bounds check: C's table lookups <c>table[(x >> 22) &amp; 1020]</c>
/// (zlib's crc32 makes 20 per 20 bytes) and <c>table[b &amp; 255]</c> compile to constants, masks, shifts and adds.
/// </summary>
internal sealed partial class FunctionCompiler
{
    /// <summary>One bound per entry of the operand stack (<see cref="_stack"/>), kept beside it by Push, Pop and ResetStack.</summary>
    private readonly List<ValueBound> _bounds = [];

    /// <summary>The i32 value's largest possible value read unsigned; exact when it is a constant.</summary>
    private readonly record struct ValueBound(long Max, bool Exact)
    {
        public static readonly ValueBound Unknown = new(uint.MaxValue, false);

        public static ValueBound AtMost(long max) => max is >= 0 and <= uint.MaxValue ? new(max, false) : Unknown;
    }

    /// <summary>The bound of what <paramref name="ins"/> pushes, from its operands' bounds before it runs; null when none is tracked.</summary>
    private ValueBound? ResultBound(in Instruction ins)
    {
        ValueBound Operand(int fromTop) => _bounds.Count > fromTop ? _bounds[^(fromTop + 1)] : ValueBound.Unknown;
        var (left, right) = (Operand(1), Operand(0));
        return ins.Opcode switch
        {
            Opcode.I32Const => new ValueBound((uint)(int)ins.Constant, true),
            Opcode.I32Load8U => new ValueBound(byte.MaxValue, false),
            Opcode.I32Load16U => new ValueBound(ushort.MaxValue, false),
            Opcode.I32And => ValueBound.AtMost(Math.Min(left.Max, right.Max)),
            Opcode.I32Or or Opcode.I32Xor => ValueBound.AtMost((1L << (64 - (int)long.LeadingZeroCount(Math.Max(left.Max, right.Max)))) - 1),
            Opcode.I32Add => ValueBound.AtMost(left.Max + right.Max),
            Opcode.I32Mul when left.Max == 0 || right.Max <= uint.MaxValue / left.Max => ValueBound.AtMost(left.Max * right.Max),
            Opcode.I32Shl when right.Exact => ValueBound.AtMost(left.Max << (int)(right.Max & 31)),
            Opcode.I32ShrU when right.Exact => ValueBound.AtMost(left.Max >> (int)(right.Max & 31)),
            Opcode.I32RemU when right.Exact && right.Max > 0 => ValueBound.AtMost(Math.Min(left.Max, right.Max - 1)),
            _ => null,
        };
    }

    /// <summary>Records <paramref name="bound"/> for the i32 just pushed.</summary>
    private void SetTopBound(ValueBound bound)
    {
        if (_stack.Count > 0 && _stack[^1] == ValueType.I32) _bounds[^1] = bound;
    }

    /// <summary>
    /// True when an access at an address of at most <paramref name="address"/>'s bound plus <paramref name="end"/>
    /// bytes stays within the memory's minimum size.
    /// </summary>
    private bool StaticallyInBounds(ValueBound address, long end) =>
        address.Max + end <= _module.MinimumMemoryBytes;
}
