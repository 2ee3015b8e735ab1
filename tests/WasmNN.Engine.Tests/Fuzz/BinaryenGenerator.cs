namespace WasmNN.Engine.Tests.Fuzz;

/// <summary>
/// binaryen's <c>wasm-opt -ttf</c>: turns arbitrary bytes into a valid module that exercises many instructions,
/// logs values through <c>fuzzing-support</c> imports and bounds every loop and recursion with a hang limit.
/// </summary>
internal static class BinaryenGenerator
{
    /// <summary>
    /// The proposals every host supports the same way. Not enabled: reference types (binaryen 108 treats funcref as a
    /// subtype of externref and emits modules other validators reject) and relaxed SIMD (its results may differ by design).
    /// </summary>
    private static readonly string[] s_features =
    [
        "--enable-simd", "--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
        "--enable-multivalue", "--enable-mutable-globals",
    ];

    /// <summary>A module generated from <paramref name="randomBytes"/>.</summary>
    public static byte[] Generate(byte[] randomBytes, string workDirectory)
    {
        var input = Path.Combine(workDirectory, "ttf-input.dat");
        File.WriteAllBytes(input, randomBytes);
        return WasmOpt(workDirectory, ["-ttf", input, .. s_features]);
    }

    /// <summary>
    /// <paramref name="module"/> with every float result replaced by 0 when it is NaN (binaryen's <c>--denan</c> for
    /// scalars, <see cref="SimdNaNCanonicalizer"/> for f32x4/f64x2 lanes, which binaryen 108 leaves alone), so NaN bits
    /// that reach integer code (reinterpret, stores, integer lane ops) cannot differ between engines.
    /// </summary>
    public static byte[] Denan(byte[] module, string workDirectory)
    {
        var input = Path.Combine(workDirectory, "denan-input.wasm");
        File.WriteAllBytes(input, module);
        return SimdNaNCanonicalizer.Canonicalize(WasmOpt(workDirectory, [input, "--denan", .. s_features]), workDirectory);
    }

    private static byte[] WasmOpt(string workDirectory, IEnumerable<string> arguments)
    {
        var output = Path.Combine(workDirectory, "wasm-opt-output.wasm");
        File.Delete(output);
        var result = ProcessRunner.Run("wasm-opt", [.. arguments, "-o", output], timeout: TimeSpan.FromMinutes(1));
        if (result.ExitCode != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"wasm-opt failed (exit {result.ExitCode}): {result.Stderr}");
        }
        return File.ReadAllBytes(output);
    }
}
