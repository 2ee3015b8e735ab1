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

/// <summary>
/// A rotation tested for zero must see the rotated value: the .NET 10 JIT folded "rotate(comparison, n) == 0" to the
/// opposite polarity (the differential fuzzer found a loop that ran a different number of times than on wasmtime).
/// Expected values follow the spec: eqz gives 0 or 1, rotating 1 gives a non-zero word, rotating 0 gives 0.
/// </summary>
public sealed class RotateOfComparisonTests
{
    private const string Module = """
        (module
          (func (export "eqz") (param i32) (result i32) local.get 0 i32.eqz i32.const -6 i32.rotr i32.eqz)
          (func (export "eqz64") (param i64) (result i32) local.get 0 i64.eqz i64.extend_i32_u i64.const 7 i64.rotl i64.eqz)
          (func (export "br_if") (param i32) (result i32)
            (block (result i32) (i32.const 7) local.get 0 i32.eqz i32.const -6 i32.rotr br_if 0 drop i32.const 9))
          (func (export "if") (param i32) (result i32)
            local.get 0 i32.eqz i32.const 3 i32.rotl (if (result i32) (then i32.const 1) (else i32.const 2)))
          (func (export "select") (param i32) (result i32)
            i32.const 10 i32.const 20 local.get 0 i32.eqz i32.const 31 i32.rotr select)
          (func (export "value") (param i32) (result i32) local.get 0 i32.eqz i32.const -6 i32.rotr))
        """;

    [Theory]
    [InlineData("eqz", 0, 0)]
    [InlineData("eqz", 5, 1)]
    [InlineData("br_if", 0, 7)]
    [InlineData("br_if", 5, 9)]
    [InlineData("if", 0, 1)]
    [InlineData("if", 5, 2)]
    [InlineData("select", 0, 10)]
    [InlineData("select", 5, 20)]
    [InlineData("value", 0, 64)]
    [InlineData("value", 5, 0)]
    public void Rotate_OfComparison_TestedForZero_FollowsTheRotatedValue(string export, int argument, int expected)
    {
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(Wat.Assemble(Module)));

        Assert.Equal(expected, instance.GetFunction(export)!.Call([WasmValue.FromInt32(argument)])[0].AsInt32());
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(9L, 1)]
    public void Rotate64_OfComparison_TestedForZero_FollowsTheRotatedValue(long argument, int expected)
    {
        var engine = new Engine();
        var instance = new Linker(engine).Instantiate(engine.Compile(Wat.Assemble(Module)));

        Assert.Equal(expected, instance.GetFunction("eqz64")!.Call([WasmValue.FromInt64(argument)])[0].AsInt32());
    }
}
