namespace WasmNN.Engine.Tests.Fuzz;

public sealed class SimdNaNCanonicalizerTests
{
    // Lane 0 subtracts two numbers, lane 1 a NaN with a payload from a number; the locals check that the appended scratch
    // local does not shift the indices the body already uses.
    private const string Module = """
        (module
          (func (export "lanes") (param $bits i64) (param $lane i32) (result i64)
            (local $unused f32) (local $kept i64)
            local.get $bits
            local.set $kept
            (v128.const f64x2 5.5 0)
            local.get $kept
            i64x2.replace_lane 1
            (v128.const f64x2 1.5 2.0)
            f64x2.sub
            local.get $lane
            if (param v128) (result i64)
              i64x2.extract_lane 1
            else
              i64x2.extract_lane 0
            end))
        """;

    private static long Lane(byte[] module, long bits, int lane)
    {
        var engine = new Engine();
        return new Linker(engine).Instantiate(engine.Compile(module)).GetFunction<Func<long, int, long>>("lanes")(bits, lane);
    }

    [Fact]
    public void Canonicalize_NaNLaneWithPayload_BecomesZeroAndOtherLanesKeepTheirValues()
    {
        var work = Directory.CreateTempSubdirectory("wasmnn-simd-denan-");
        try
        {
            var canonical = SimdNaNCanonicalizer.Canonicalize(Wat.Assemble(Module), work.FullName);
            const long payloadNaN = unchecked((long)0xFFFF_8249_FFFF_FFA4);
            Assert.Equal(0L, Lane(canonical, payloadNaN, 1));
            Assert.Equal(BitConverter.DoubleToInt64Bits(4.0), Lane(canonical, payloadNaN, 0));
            Assert.Equal(BitConverter.DoubleToInt64Bits(1.0), Lane(canonical, BitConverter.DoubleToInt64Bits(3.0), 1));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public void Rewrite_ModuleWithoutFloatVectorArithmetic_IsUnchanged()
    {
        var (_, changed) = SimdNaNCanonicalizer.Rewrite(["(module", "  (func (;0;) (result i32)", "    i32.const 1)", ")"]);
        Assert.False(changed);
    }
}
