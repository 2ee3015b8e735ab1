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
    public void Compile_ConstantInput_FoldsIntoAStringOutputOnTheEngine()
    {
        // Folded at compile time: the output is a constant string tensor placed in the module in the ABI layout.
        var g = new Graph("folded", 10);
        var words = g.AddConstant("words", Tensor.FromStrings([3], ["Ärger", "monday", "Привет"]));
        g.Outputs.Add(g.AddNode("StringNormalizer", [words], ["y"], Attributes(("case_change_action", "UPPER"), ("stopwords", new[] { "MONDAY" }))).Outputs[0]!);
        using var model = CompiledModel.Load(ModelCompiler.Compile(g).Wasm);

        model.Run();

        Assert.Equal(["ÄRGER", "ПРИВЕТ"], model.GetStrings(0));
        Assert.Equal([2], model.OutputShape(0));
    }

    /// <summary>Code points from the ranges a case table and UTF-8 must get right: 1- to 4-byte forms, growing and shrinking mappings.</summary>
    private static readonly (int First, int Last)[] s_ranges =
        [(0x20, 0x7E), (0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x1E00, 0x1FFF), (0x2126, 0x212B), (0x2C60, 0x2C7F), (0x4E00, 0x4E10), (0x1F600, 0x1F610), (0x10400, 0x1044F)];

    [Theory]
    [InlineData("UPPER")]
    [InlineData("LOWER")]
    public void Compile_RandomText_KernelMatchesTheReferenceEvaluation(string action)
    {
        // The kernel decodes UTF-8 and binary-searches the table; the reference maps UTF-16 with .NET's char functions.
        var attributes = Attributes(("case_change_action", action), ("stopwords", new[] { "ärger", "ΣΟΦΊΑ" }));
        using var model = CompiledModel.Load(ModelCompiler.Compile(Normalizer([8], attributes)).Wasm);
        var random = new Random(20261207);
        for (var round = 0; round < 100; round++)
        {
            var words = Enumerable.Range(0, 8).Select(_ => random.Next(6) == 0 ? (random.Next(2) == 0 ? "ÄRGER" : "σοφία") : RandomWord(random)).ToArray();

            model.SetStrings(0, words);
            model.Run();

            var expected = Evaluate1("StringNormalizer", [Tensor.FromStrings([8], words)], attributes, opset: 10);
            Assert.Equal(expected.AsStrings(), model.GetStrings(0));
        }
    }

    private static string RandomWord(Random random)
    {
        var text = new System.Text.StringBuilder();
        for (var i = random.Next(0, 7); i > 0; i--)
        {
            var (first, last) = s_ranges[random.Next(s_ranges.Length)];
            text.Append(char.ConvertFromUtf32(random.Next(first, last + 1)));
        }
        return text.ToString();
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
