namespace WasmNN.Engine.Tests;

/// <summary>
/// f32.reinterpret_i32 of a narrow load must see exactly the loaded bytes, extended as the load says. The .NET 10 JIT
/// folded <c>BitConverter.Int32BitsToSingle(*(ushort*)p)</c> into a 4-byte load (the differential fuzzer found it:
/// ours 0x2dcca95b, wasmtime 0x0000a95b); the bits are read back with i32.reinterpret_f32 so no NaN rule applies.
/// </summary>
public sealed class ReinterpretTests
{
    private const string Module = """
        (module
          (memory (export "memory") 1)
          (data (i32.const 0) "\5b\a9\cc\2d\11\22\33\44")
          (func (export "u8") (param i32) (result i32) local.get 0 i32.load8_u f32.reinterpret_i32 i32.reinterpret_f32)
          (func (export "s8") (param i32) (result i32) local.get 0 i32.load8_s f32.reinterpret_i32 i32.reinterpret_f32)
          (func (export "u16") (param i32) (result i32) local.get 0 i32.load16_u f32.reinterpret_i32 i32.reinterpret_f32)
          (func (export "s16") (param i32) (result i32) local.get 0 i32.load16_s f32.reinterpret_i32 i32.reinterpret_f32)
          (func (export "u16_local") (param i32) (result i32) (local i32)
            local.get 0 i32.load16_u local.set 1 local.get 1 f32.reinterpret_i32 i32.reinterpret_f32)
          (func (export "u16_f32_result") (param i32) (result f32) local.get 0 i32.load16_u f32.reinterpret_i32))
        """;

    [Theory]
    [InlineData("u8", 0, 0x5b)]
    [InlineData("s8", 1, unchecked((int)0xffffffa9))]
    [InlineData("u16", 0, 0xa95b)]
    [InlineData("s16", 0, unchecked((int)0xffffa95b))]
    [InlineData("u16_local", 2, 0x2dcc)]
    public void F32Reinterpret_OfNarrowLoad_SeesOnlyTheLoadedBytes(string export, int address, int expectedBits)
    {
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(Wat.Assemble(Module)));

        var bits = instance.GetFunction(export)!.Call([WasmValue.FromInt32(address)])[0].AsInt32();

        Assert.Equal(expectedBits, bits);
    }

    [Fact]
    public void F32Reinterpret_OfNarrowLoad_ReturnedAsFloat_KeepsTheSubnormalBits()
    {
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(Wat.Assemble(Module)));

        var value = instance.GetFunction("u16_f32_result")!.Call([WasmValue.FromInt32(0)])[0].AsSingle();

        Assert.Equal(0xa95b, BitConverter.SingleToInt32Bits(value));
    }
}
