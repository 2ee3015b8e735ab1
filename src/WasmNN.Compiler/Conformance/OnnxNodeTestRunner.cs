using WasmNN.Compiler.Execution;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Passes;
using WasmNN.Onnx;

namespace WasmNN.Compiler.Conformance;

/// <summary>Options for <see cref="OnnxNodeTestRunner"/>.</summary>
/// <param name="RelativeTolerance">Allowed |actual - expected| relative to |expected| for floating-point outputs.</param>
/// <param name="AbsoluteTolerance">Allowed absolute difference added to the relative part.</param>
/// <param name="Passes">When set, the pass pipeline runs on each imported graph before execution.</param>
/// <param name="Excluded">Test names (e.g. "test_maxpool_3d_default") skipped on purpose, with the reason as value.</param>
public sealed record NodeTestOptions(
    double RelativeTolerance = 1e-4,
    double AbsoluteTolerance = 1e-5,
    PassOptions? Passes = null,
    IReadOnlyDictionary<string, string>? Excluded = null);

/// <summary>How one node test ended.</summary>
public enum NodeTestOutcome
{
    /// <summary>Every output matched within tolerance.</summary>
    Passed,
    /// <summary>Import, execution or comparison failed.</summary>
    Failed,
    /// <summary>The model uses an operator, variant or data type that is not supported.</summary>
    Unsupported,
    /// <summary>Skipped on purpose (see <see cref="NodeTestOptions.Excluded"/>).</summary>
    Excluded,
}

/// <summary>The result of one node test.</summary>
/// <param name="Name">Test directory name.</param>
/// <param name="Outcome">Outcome.</param>
/// <param name="Message">Why it failed, is unsupported or excluded; null when passed.</param>
public sealed record NodeTestResult(string Name, NodeTestOutcome Outcome, string? Message);

/// <summary>All results of a run.</summary>
/// <param name="Results">One entry per test directory.</param>
public sealed record NodeTestSummary(IReadOnlyList<NodeTestResult> Results)
{
    /// <summary>Number passed.</summary>
    public int Passed => Results.Count(r => r.Outcome == NodeTestOutcome.Passed);

    /// <summary>Number failed.</summary>
    public int Failed => Results.Count(r => r.Outcome == NodeTestOutcome.Failed);

    /// <summary>Number unsupported.</summary>
    public int Unsupported => Results.Count(r => r.Outcome == NodeTestOutcome.Unsupported);

    /// <summary>Number excluded on purpose.</summary>
    public int Excluded => Results.Count(r => r.Outcome == NodeTestOutcome.Excluded);

    /// <inheritdoc/>
    public override string ToString() => $"{Passed} passed, {Failed} failed, {Unsupported} unsupported, {Excluded} excluded";
}

/// <summary>
/// Runs the ONNX backend node tests (<c>test_*/model.onnx</c> with <c>test_data_set_*/input_N.pb</c> and
/// <c>output_N.pb</c>, serialized TensorProtos) against any <see cref="IGraphExecutor"/>: the reference executor
/// here, the wasm backend later.
/// </summary>
public sealed class OnnxNodeTestRunner
{
    /// <summary>Where Debian's libonnx-testdata package installs the node tests.</summary>
    public const string DebianNodeTestDirectory = DebianTestDataDirectory + "/node";

    /// <summary>Where Debian's libonnx-testdata package installs all its sets (node, pytorch-converted, pytorch-operator, simple).</summary>
    public const string DebianTestDataDirectory = "/usr/share/libonnx-testdata/data";

    /// <summary>
    /// The test sets under <paramref name="directory"/>: the folder itself when it holds <c>test_*</c> folders,
    /// else each sub-folder that does (sorted by name). A set whose tests hold no model.onnx (libonnx-testdata's
    /// "real" set is download links only) is returned apart, in <c>DownloadOnly</c>.
    /// </summary>
    public static (IReadOnlyList<string> Sets, IReadOnlyList<string> DownloadOnly) FindTestSets(string directory)
    {
        var candidates = Directory.GetDirectories(directory, "test_*").Length > 0
            ? [directory]
            : Directory.GetDirectories(directory).Where(d => Directory.GetDirectories(d, "test_*").Length > 0).Order(StringComparer.Ordinal).ToList();
        var runnable = candidates.ToLookup(d => Directory.GetDirectories(d, "test_*").Any(t => File.Exists(Path.Combine(t, "model.onnx"))));
        return ([.. runnable[true]], [.. runnable[false]]);
    }

    private readonly IGraphExecutor _executor;
    private readonly NodeTestOptions _options;

    /// <summary>Creates a runner for <paramref name="executor"/>.</summary>
    public OnnxNodeTestRunner(IGraphExecutor executor, NodeTestOptions? options = null)
    {
        _executor = executor;
        _options = options ?? new NodeTestOptions();
    }

    /// <summary>Runs every <c>test_*</c> directory under <paramref name="nodeTestRoot"/> (sorted by name).</summary>
    public NodeTestSummary RunAll(string nodeTestRoot) =>
        new([.. Directory.GetDirectories(nodeTestRoot, "test_*").Order(StringComparer.Ordinal).Select(RunTest)]);

    /// <summary>Runs one test directory.</summary>
    public NodeTestResult RunTest(string testDirectory)
    {
        var name = Path.GetFileName(testDirectory);
        if (_options.Excluded?.TryGetValue(name, out var reason) == true)
        {
            return new NodeTestResult(name, NodeTestOutcome.Excluded, reason);
        }
        Graph graph;
        // Read before anything rewrites the graph: which data files are sequences or optionals, and the declared types.
        ValueKind[] inputKinds, outputKinds;
        DataType[] inputTypes, outputTypes;
        var dataSets = Directory.GetDirectories(testDirectory, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        try
        {
            graph = OnnxImporter.Import(Path.Combine(testDirectory, "model.onnx"));
            (inputKinds, outputKinds) = ([.. graph.Inputs.Select(v => v.Kind)], [.. graph.Outputs.Select(v => v.Kind)]);
            (inputTypes, outputTypes) = ([.. graph.Inputs.Select(v => v.ElementType)], [.. graph.Outputs.Select(v => v.ElementType)]);
            if (dataSets.Count > 0 && graph.Inputs.Any(v => v.Kind != ValueKind.Tensor || !Shapes.IsStatic(v.Shape)))
            {
                // The module takes tensors: sequences and optionals become their elements, at the first data set's lengths.
                TestDataValue.BindInputs(graph, ReadValues(dataSets[0], "input", inputKinds));
            }
            if (_options.Passes is { } passes)
            {
                PassPipeline.Run(graph, passes);
            }
        }
        catch (UnsupportedOperatorException e)
        {
            return new NodeTestResult(name, NodeTestOutcome.Unsupported, e.Message);
        }
        catch (Exception e) when (e is GraphException or OnnxFormatException)
        {
            return new NodeTestResult(name, NodeTestOutcome.Failed, "import: " + e.Message);
        }
        foreach (var dataSet in dataSets)
        {
            try
            {
                var inputs = ReadIndexed(dataSet, "input", inputTypes, inputKinds);
                var expected = ReadIndexed(dataSet, "output", outputTypes, outputKinds);
                var actual = _executor.Execute(graph, inputs);
                if (actual.Count != expected.Count)
                {
                    return Fail($"{actual.Count} outputs, expected {expected.Count}");
                }
                for (var i = 0; i < expected.Count; i++)
                {
                    if (Compare(actual[i], expected[i], NodeTestDataDefects.PrintedDecimals.GetValueOrDefault(name)) is { } mismatch)
                    {
                        return Fail($"{Path.GetFileName(dataSet)} output {i} ('{graph.Outputs[i].Name}'): {mismatch}");
                    }
                }
            }
            catch (UnsupportedOperatorException e)
            {
                return new NodeTestResult(name, NodeTestOutcome.Unsupported, e.Message);
            }
            catch (Exception e) when (e is GraphException or OnnxFormatException or OperatorException)
            {
                return Fail($"{Path.GetFileName(dataSet)}: {e.Message}");
            }
        }
        return new NodeTestResult(name, NodeTestOutcome.Passed, null);

        NodeTestResult Fail(string message) => new(name, NodeTestOutcome.Failed, message);
    }

    /// <summary>The data set's values named <c>{prefix}_N.pb</c>, each read as the kind the graph declares for it.</summary>
    private static List<TestDataValue> ReadValues(string dataSet, string prefix, ValueKind[] kinds)
    {
        var values = new List<TestDataValue>();
        for (var i = 0; File.Exists(Path.Combine(dataSet, $"{prefix}_{i}.pb")); i++)
        {
            values.Add(TestDataValue.Read(Path.Combine(dataSet, $"{prefix}_{i}.pb"), i < kinds.Length ? kinds[i] : ValueKind.Tensor));
        }
        return values;
    }

    /// <summary>
    /// The data set's tensors named <c>{prefix}_N.pb</c>, sequences and optionals flattened to the tensors they hold
    /// (as the module takes and gives them). ONNX up to 1.12 wrote bfloat16 test data as UINT16 bit patterns; where
    /// the graph declares bfloat16 such a tensor is read as the bfloat16 it holds.
    /// </summary>
    private static List<Tensor> ReadIndexed(string dataSet, string prefix, DataType[] declared, ValueKind[] kinds)
    {
        var tensors = new List<Tensor>();
        var values = ReadValues(dataSet, prefix, kinds);
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Kind != ValueKind.Tensor)
            {
                tensors.AddRange(values[i].Tensors);
                continue;
            }
            var tensor = values[i].Tensors[0];
            if (tensor.DataType == DataType.UInt16 && i < declared.Length && declared[i] == DataType.BFloat16)
            {
                var bits = tensor;
                tensor = Tensor.Zeros(DataType.BFloat16, bits.Shape);
                bits.AsBytes().CopyTo(tensor.AsBytes());
            }
            tensors.Add(tensor);
        }
        return tensors;
    }

    /// <summary>
    /// Null when equal within tolerance, else a description of the first mismatch. Expected values printed with
    /// <paramref name="printedDecimals"/> decimals (0: exact data) are allowed one unit of their last digit.
    /// </summary>
    private string? Compare(Tensor actual, Tensor expected, int printedDecimals)
    {
        if (actual.DataType != expected.DataType || !Shapes.AreEqual(actual.Shape, expected.Shape))
        {
            return $"got {actual.DataType} {Shapes.Format(actual.Shape)}, expected {expected.DataType} {Shapes.Format(expected.Shape)}";
        }
        for (var i = 0; i < actual.Length; i++)
        {
            if (expected.DataType.IsString())
            {
                if (!string.Equals(actual.AsStrings()[i], expected.AsStrings()[i], StringComparison.Ordinal))
                {
                    return $"element {i}: got \"{actual.AsStrings()[i]}\", expected \"{expected.AsStrings()[i]}\"";
                }
            }
            else if (expected.DataType.IsFloat())
            {
                double a = actual.GetDouble(i), e = expected.GetDouble(i);
                var absolute = printedDecimals > 0 ? Math.Max(_options.AbsoluteTolerance, Math.Pow(10, -printedDecimals)) : _options.AbsoluteTolerance;
                var equal = a.Equals(e) || Math.Abs(a - e) <= absolute + _options.RelativeTolerance * Math.Abs(e);
                if (!equal)
                {
                    return $"element {i}: got {a}, expected {e}";
                }
            }
            else if (actual.GetInt64(i) != expected.GetInt64(i))
            {
                return $"element {i}: got {actual.GetInt64(i)}, expected {expected.GetInt64(i)}";
            }
        }
        return null;
    }
}
