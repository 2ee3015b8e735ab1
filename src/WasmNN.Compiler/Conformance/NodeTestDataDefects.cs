namespace WasmNN.Compiler.Conformance;

/// <summary>
/// Node tests whose data (Debian's libonnx-testdata, ONNX 1.12) contradicts the spec or its own model: every backend
/// skips them, each with the reason. The conversions they cover are tested elsewhere against an independent source.
/// </summary>
public static class NodeTestDataDefects
{
    private const string BFloat16Truncates = "the ONNX 1.12 test data truncates float32 to bfloat16; Cast rounds to nearest even, "
        + "as the spec says since onnx 1.13 (onnx/onnx#4193) and onnxruntime and PyTorch do (CastKernelTests checks it against PyTorch)";

    private const string LikeShapeMismatch = "the data set's 'like' input has shape [1] where the model declares [3, 4]; "
        + "test_cast_BFLOAT16_to_FLOAT covers the same conversion";

    /// <summary>Test name to reason.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>
    {
        ["test_cast_FLOAT_to_BFLOAT16"] = BFloat16Truncates,
        ["test_castlike_FLOAT_to_BFLOAT16"] = BFloat16Truncates,
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = BFloat16Truncates,
        ["test_castlike_BFLOAT16_to_FLOAT"] = LikeShapeMismatch,
        ["test_castlike_BFLOAT16_to_FLOAT_expanded"] = LikeShapeMismatch,
    };
}
