using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// SIMD128 (0xFD prefix). Not lowered yet: adding an instruction is one case here, with v128 values as
/// <c>Vector128&lt;byte&gt;</c> on the IL stack (reinterpret with <c>AsXxx</c>) and memory reached through
/// <see cref="EmitEffectiveAddress"/> plus <c>Unsafe.ReadUnaligned</c>.
/// </summary>
internal sealed partial class FunctionCompiler
{
    private bool TryCompileSimd(in Instruction ins)
    {
        switch (ins.Opcode)
        {
            default:
                return false;
        }
    }
}
