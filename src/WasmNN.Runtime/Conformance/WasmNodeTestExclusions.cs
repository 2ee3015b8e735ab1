using WasmNN.Compiler.Conformance;

namespace WasmNN.Runtime.Conformance;

/// <summary>Node tests of claimed operators that the wasm backend skips on purpose, each with its reason.</summary>
public static class WasmNodeTestExclusions
{
    /// <summary>Test name to reason: the test data's own defects (<see cref="NodeTestDataDefects"/>); none is the wasm backend's alone.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = NodeTestDataDefects.Reasons;
}
