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

    private const string WindowNotTheFormula = "the data set is not the specification's formula: its window is not symmetric and differs "
        + "from a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N) by up to 2e-4 relative; ours is the formula to float32 rounding (WindowFunctionOperatorTests)";

    private const string AdamEpsilonDropped = "the data set was computed with epsilon = 1e-2 (onnx/backend/test/case/node/adam.py, export_adam_multiple) "
        + "but the model's Adam node omits the attribute, so the spec's default 1e-6 applies; test_adam and OptimizerOperatorTests cover the operator";

    /// <summary>
    /// Tests whose expected outputs ONNX's generator typed in with this many decimals (its gridsample and roialign
    /// cases, e.g. -0.1406 for PyTorch's -0.140625): compared within one unit of the last printed digit. PyTorch's and
    /// torchvision's own results differ from these data by up to 8.4e-5; ours match those references to 1e-5
    /// (GridSampleOperatorTests, RoiAlignOperatorTests).
    /// </summary>
    public static IReadOnlyDictionary<string, int> PrintedDecimals { get; } = new Dictionary<string, int>
    {
        ["test_gridsample_bicubic"] = 4,
        ["test_roialign_aligned_false"] = 4,
        ["test_roialign_aligned_true"] = 4,
    };

    /// <summary>Test name to reason.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>
    {
        ["test_blackmanwindow"] = WindowNotTheFormula,
        ["test_blackmanwindow_symmetric"] = WindowNotTheFormula,
        ["test_hammingwindow"] = WindowNotTheFormula,
        ["test_hammingwindow_symmetric"] = WindowNotTheFormula,
        ["test_hannwindow"] = WindowNotTheFormula,
        ["test_hannwindow_symmetric"] = WindowNotTheFormula,
        ["test_cast_FLOAT_to_BFLOAT16"] = BFloat16Truncates,
        ["test_castlike_FLOAT_to_BFLOAT16"] = BFloat16Truncates,
        ["test_castlike_FLOAT_to_BFLOAT16_expanded"] = BFloat16Truncates,
        ["test_castlike_BFLOAT16_to_FLOAT"] = LikeShapeMismatch,
        ["test_castlike_BFLOAT16_to_FLOAT_expanded"] = LikeShapeMismatch,
        ["test_adam_multiple"] = AdamEpsilonDropped,
    };
}
