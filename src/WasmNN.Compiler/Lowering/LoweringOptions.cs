namespace WasmNN.Compiler.Lowering;

/// <summary>Code-generation choices for the lowering.</summary>
/// <param name="Simd">Emit SIMD128 (f32x4) inner loops; false gives scalar code for hosts without SIMD.</param>
/// <param name="RelaxedSimd">
/// Also use relaxed SIMD (<c>f32x4.relaxed_madd</c> in the GEMM micro-kernel): faster where the host fuses it, but
/// the module then needs a host with relaxed SIMD and its results may differ in the last bits between hosts.
/// </param>
internal sealed record LoweringOptions(bool Simd = true, bool RelaxedSimd = false)
{
    /// <summary>Lanes of the main loops: 4 with SIMD, else 1.</summary>
    public int Width => Simd ? 4 : 1;
}
