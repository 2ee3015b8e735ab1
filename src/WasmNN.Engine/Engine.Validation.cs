using WasmNN.Wasm;
using WasmNN.Wasm.Validation;

namespace WasmNN.Engine;

/// <summary>Hook to the format library's validator.</summary>
public sealed partial class Engine
{
    private static partial void ValidateModule(WasmModule module) => ModuleValidator.Validate(module);
}
