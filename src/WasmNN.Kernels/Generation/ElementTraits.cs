using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Kernels.Generation;

/// <summary>The instructions that move one element type between memory, scalar locals and vectors.</summary>
internal readonly record struct ElementTraits(ElementType Type)
{
    public int Size => Type.SizeInBytes();

    /// <summary>Elements per v128.</summary>
    public int Lanes => 16 / Size;

    /// <summary>The type of a scalar local holding one element (i8 widens to i32).</summary>
    public ValueType ScalarType => Type == ElementType.Float32 ? ValueType.F32 : ValueType.I32;

    public Opcode ScalarLoad => Type switch
    {
        ElementType.Float32 => Opcode.F32Load,
        ElementType.Int32 => Opcode.I32Load,
        _ => Opcode.I32Load8S,
    };

    public Opcode ScalarStore => Type switch
    {
        ElementType.Float32 => Opcode.F32Store,
        ElementType.Int32 => Opcode.I32Store,
        _ => Opcode.I32Store8,
    };

    public Opcode Splat => Type switch
    {
        ElementType.Float32 => Opcode.F32x4Splat,
        ElementType.Int32 => Opcode.I32x4Splat,
        _ => Opcode.I8x16Splat,
    };
}
