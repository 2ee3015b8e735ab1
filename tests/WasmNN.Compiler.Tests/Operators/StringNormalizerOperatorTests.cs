using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Runtime;
using WasmNN.Runtime.Conformance;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// StringNormalizer, the reference evaluation and the wasm kernel: the ONNX node tests' own data, and case changes
/// beyond ASCII against Python's str.upper()/str.lower() (its Unicode database, not .NET's) on words whose mapping
/// is one character to one character (no 'ß', no final sigma, where Python applies full or contextual rules; no 'ſ'
/// or dotless 'ı', which .NET's invariant culture, unlike Unicode, does not upper-case to ASCII: see CaseMapping).
/// </summary>
public sealed class StringNormalizerOperatorTests
{
    private static readonly string[] s_words = ["Ärger", "Привет", "Ⱥb", "déjà vu", "😀x", "\u212A", "MONDAY"];

    // /usr/bin/python3 -c "print([x.upper() for x in W]); print([x.lower() for x in W])"
    private static readonly string[] s_upper = ["ÄRGER", "ПРИВЕТ", "ȺB", "DÉJÀ VU", "😀X", "\u212A", "MONDAY"];
    private static readonly string[] s_lower = ["ärger", "привет", "ⱥb", "déjà vu", "😀x", "k", "monday"];

    public static TheoryData<string, string[]> CaseChanges => new() { { "UPPER", s_upper }, { "LOWER", s_lower }, { "NONE", s_words } };

    [Theory]
    [MemberData(nameof(CaseChanges))]
    public void Evaluate_CaseChange_MatchesPython(string action, string[] expected)
    {
        var y = Evaluate1("StringNormalizer", [Tensor.FromStrings([s_words.Length], s_words)], Attributes(("case_change_action", action)), opset: 10);

        Assert.Equal(expected, y.AsStrings());
    }

    [Theory]
    [MemberData(nameof(CaseChanges))]
    public void Compile_CaseChange_MatchesPythonOnTheEngine(string action, string[] expected)
    {
        using var model = CompiledModel.Load(ModelCompiler.Compile(Normalizer([s_words.Length], Attributes(("case_change_action", action)))).Wasm);

        model.SetStrings(0, s_words);
        model.Run();

        Assert.Equal(expected, model.GetStrings(0));
    }

    [Fact]
    public void Compile_CaseInsensitiveStopwords_DropEveryCaseOfThem()
    {
        // Python: [w.upper() for w in X if w.lower() not in {"ärger", "montag"}]
        string[] x = ["ÄRGER", "Dienstag", "ärger", "MonTag", "Ärgerlich"];
        using var model = CompiledModel.Load(ModelCompiler.Compile(Normalizer([1, 5],
            Attributes(("case_change_action", "UPPER"), ("stopwords", new[] { "Ärger", "MONTAG" })))).Wasm);

        model.SetStrings(0, x);
        model.Run();

        Assert.Equal(["DIENSTAG", "ÄRGERLICH"], model.GetStrings(0));
        Assert.Equal([1, 2], model.OutputShape(0));
    }

    [Fact]
    public void Compile_CaseSensitiveStopwords_KeepOtherCases()
    {
        using var model = CompiledModel.Load(ModelCompiler.Compile(Normalizer([3],
            Attributes(("is_case_sensitive", 1L), ("stopwords", new[] { "monday", "" })))).Wasm);

        model.SetStrings(0, ["Monday", "", "monday"]);
        model.Run();

        Assert.Equal(["Monday"], model.GetStrings(0));
    }

    [Theory]
    [InlineData(new[] { 2 }, new[] { 1 })]
    [InlineData(new[] { 1, 2 }, new[] { 1, 1 })]
    public void Compile_EveryElementAStopword_GivesOneEmptyString(int[] shape, int[] expectedShape)
    {
        // The specification: [1] for a [C] input, [1, 1] for a [1, C] one.
        using var model = CompiledModel.Load(ModelCompiler.Compile(Normalizer(shape, Attributes(("stopwords", new[] { "monday" })))).Wasm);

        model.SetStrings(0, ["Monday", "MONDAY"]);
        model.Run();

        Assert.Equal(expectedShape, model.OutputShape(0));
        Assert.Equal([""], model.GetStrings(0));
    }

    [Fact]
    public void ParseAttributes_UnknownCaseChange_NamesIt()
    {
        var e = Assert.Throws<OperatorException>(() => Evaluate1("StringNormalizer", [Tensor.FromStrings([1], ["a"])], Attributes(("case_change_action", "TITLE")), opset: 10));

        Assert.Contains("'TITLE'", e.Message);
    }

    public static TheoryData<string> NodeTests =>
    [
        "test_strnormalizer_export_monday_casesensintive_lower", "test_strnormalizer_export_monday_casesensintive_nochangecase",
        "test_strnormalizer_export_monday_casesensintive_upper", "test_strnormalizer_export_monday_empty_output",
        "test_strnormalizer_export_monday_insensintive_upper_twodim", "test_strnormalizer_nostopwords_nochangecase",
    ];

    [Theory]
    [MemberData(nameof(NodeTests))]
    public void RunTest_OnnxNodeTestData_PassesOnTheEngine(string test)
    {
        using var executor = new WasmExecutor();

        var result = new OnnxNodeTestRunner(executor).RunTest(Path.Combine(OnnxNodeTestRunner.DebianNodeTestDirectory, test));

        Assert.True(result.Outcome == NodeTestOutcome.Passed, result.Message);
    }

    private static Graph Normalizer(int[] shape, AttributeBag attributes)
    {
        var g = new Graph("strnorm", 10);
        var x = new Value("x", DataType.String, shape);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("StringNormalizer", [x], ["y"], attributes).Outputs[0]!);
        return g;
    }
}
