using WasmNN.Compiler.Abi;
using WasmNN.Wasm.Writing;

namespace WasmNN.Compiler.Lowering;

/// <summary>The <c>--wasi</c> build: WASI imports and a <c>_start</c> that reads .npy inputs and writes .npy outputs.</summary>
internal static class WasiCommand
{
    /// <summary>Function indices of the imported WASI functions.</summary>
    internal sealed record Imports;

    public static Imports ImportFunctions(ModuleBuilder builder) =>
        throw new NotSupportedException("the --wasi build is not implemented yet");

    public static void Emit(ModuleBuilder builder, LoweringContext context, Imports imports, ModelMetadata metadata, int[] inputAddresses, int[] outputAddresses, uint run) =>
        throw new NotSupportedException("the --wasi build is not implemented yet");
}
