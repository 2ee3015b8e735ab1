namespace WasmNN.Runtime.Conformance;

/// <summary>Node tests of claimed operators that the wasm backend skips on purpose, each with its reason.</summary>
public static class WasmNodeTestExclusions
{
    /// <summary>Test name to reason.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>
    {
    };
}
