namespace WasmNN.Wasm.Instructions;

/// <summary>
/// Every instruction the binary format knows. The member value is <c>(prefix &lt;&lt; 16) | code</c>
/// (prefix 0 for single-byte opcodes, 0xFC for the misc group, 0xFD for SIMD) and the <see cref="OpAttribute"/>
/// on each member is its row in the opcode table: adding an instruction is one member here plus its lowering.
/// </summary>
#pragma warning disable CS1591 // Members are documented by their mnemonic in the attribute.
public enum Opcode : uint
{
    // ---- Control ----
    [Op("unreachable", null)] Unreachable = 0x00,
    [Op("nop", "->")] Nop = 0x01,
    [Op("block", null, Immediates = Immediates.BlockType)] Block = 0x02,
    // ... the table continues (filled in by the format-library work).

    // ---- Numeric examples ----
    [Op("i32.add", "i32 i32 -> i32")] I32Add = 0x6A,
    [Op("i32.load", "i32 -> i32", Immediates = Immediates.MemArg, NaturalAlignment = 4)] I32Load = 0x28,
    [Op("i32.trunc_sat_f32_s", "f32 -> i32", Feature = Feature.SaturatingFloatToInt)] I32TruncSatF32S = 0xFC_0000,
    [Op("f32x4.add", "v128 v128 -> v128", Feature = Feature.Simd)] F32x4Add = 0xFD_00E4,
}
#pragma warning restore CS1591
