using System.Text.RegularExpressions;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Tests.Instructions;

public sealed class OpcodeTableTests
{
    [Fact]
    public void MemberNames_FollowMnemonicRule_ExceptTypedSelect()
    {
        foreach (var info in OpcodeTable.All)
        {
            string expected = string.Concat(Regex.Split(info.Mnemonic, "[._]").Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
            if (info.Opcode == Opcode.SelectTyped) expected = "SelectTyped";
            Assert.Equal(expected, info.Opcode.ToString());
        }
    }

    [Fact]
    public void Counts_MatchTheSpecifications()
    {
        // SIMD128 has 236 instructions, relaxed SIMD 20, the 0xFC group 18 (0-17).
        Assert.Equal(236, OpcodeTable.All.Count(i => i.Feature == Feature.Simd));
        Assert.Equal(20, OpcodeTable.All.Count(i => i.Feature == Feature.RelaxedSimd));
        Assert.Equal(18, OpcodeTable.All.Count(i => i.Prefix == 0xFC));
        Assert.Equal(OpcodeTable.All.Count, OpcodeTable.All.Select(i => i.Mnemonic).Distinct().Count() + 1);
    }

    [Fact]
    public void MemoryAccesses_HaveMemArgAndPowerOfTwoAlignment()
    {
        foreach (var info in OpcodeTable.All)
        {
            bool memArg = info.Immediates is Immediates.MemArg or Immediates.MemArgLane or Immediates.AtomicMemArg;
            Assert.True(memArg == (info.NaturalAlignment > 0), info.Mnemonic);
            if (memArg) Assert.True(int.IsPow2(info.NaturalAlignment) && info.NaturalAlignment <= 16, info.Mnemonic);
        }
    }

    [Fact]
    public void Signatures_ArePresentForEveryNumericAndVectorInstruction()
    {
        // Everything whose types do not depend on context (indices, labels, tables) has a fixed signature.
        var byHand = new HashSet<Opcode>
        {
            Opcode.Unreachable, Opcode.Block, Opcode.Loop, Opcode.If, Opcode.Else, Opcode.End, Opcode.Br, Opcode.BrIf,
            Opcode.BrTable, Opcode.Return, Opcode.Call, Opcode.CallIndirect, Opcode.Drop, Opcode.Select, Opcode.SelectTyped,
            Opcode.LocalGet, Opcode.LocalSet, Opcode.LocalTee, Opcode.GlobalGet, Opcode.GlobalSet, Opcode.TableGet,
            Opcode.TableSet, Opcode.TableGrow, Opcode.TableFill, Opcode.RefNull, Opcode.RefIsNull, Opcode.RefFunc,
        };
        foreach (var info in OpcodeTable.All) Assert.True(info.HasFixedSignature != byHand.Contains(info.Opcode), info.Mnemonic);
    }

    [Theory]
    [InlineData("i32.add", 0x6Au)]
    [InlineData("i32.trunc_sat_f32_s", 0xFC_0000u)]
    [InlineData("table.fill", 0xFC_0011u)]
    [InlineData("v128.load8x8_s", 0xFD_0001u)]
    [InlineData("v128.load64_zero", 0xFD_005Du)]
    [InlineData("f32x4.demote_f64x2_zero", 0xFD_005Eu)]
    [InlineData("f64x2.convert_low_i32x4_u", 0xFD_00FFu)]
    [InlineData("i32x4.relaxed_dot_i8x16_i7x16_add_s", 0xFD_0113u)]
    public void Mnemonic_HasSpecOpcode(string mnemonic, uint opcode)
    {
        Assert.True(OpcodeTable.TryGetByMnemonic(mnemonic, out var info));
        Assert.Equal(opcode, (uint)info.Opcode);
    }
}
