namespace WasmNN.Compiler.Lowering;

/// <summary>Code-generation choices for the lowering.</summary>
/// <param name="Simd">Emit SIMD128 (f32x4) inner loops; false gives scalar code for hosts without SIMD.</param>
internal sealed record LoweringOptions(bool Simd = true)
{
    /// <summary>Lanes of the main loops: 4 with SIMD, else 1.</summary>
    public int Width => Simd ? 4 : 1;
}
