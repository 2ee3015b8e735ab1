using WasmNN.Compiler.Conformance;
using WasmNN.Compiler.Frontend;
using WasmNN.Compiler.IR;
using WasmNN.Onnx;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// RNN, GRU and LSTM reference evaluation: against the ONNX node tests' expected outputs (numpy implementations of
/// the spec), and on tiny cases whose states can be worked out by hand (reverse, bidirectional, sequence_lens).
/// </summary>
public sealed class RecurrentOperatorTests
{
    [Theory]
    [InlineData("LSTM", "test_lstm_with_peepholes", 3, 0)]
    [InlineData("LSTM", "test_lstm_batchwise", 7, 1)]
    [InlineData("GRU", "test_gru_seq_length", 5, 0)]
    [InlineData("GRU", "test_gru_batchwise", 6, 1)]
    [InlineData("RNN", "test_simple_rnn_batchwise", 4, 1)]
    [InlineData("RNN", "test_rnn_seq_length", 5, 0)]
    public void Evaluate_OnnxNodeTestData_MatchesExpectedOutputs(string opType, string test, long hiddenSize, long layout)
    {
        var folder = Path.Combine(OnnxNodeTestRunner.DebianNodeTestDirectory, test);
        Assert.True(Directory.Exists(folder), "install libonnx-testdata (scripts/test.sh does)");
        var model = OnnxModelLoader.LoadModel(Path.Combine(folder, "model.onnx"));
        var slots = model.Graph.Node[0].Input.Select(name => model.Graph.Input.Select(i => i.Name).ToList().IndexOf(name)).ToList();
        var inputs = Read(folder, "input");
        var expected = Read(folder, "output");

        var outputs = Evaluate(opType, [.. slots.Select(i => i < 0 ? null : inputs[i])], Attributes(("hidden_size", hiddenSize), ("layout", layout)), opset: 14);

        var produced = model.Graph.Node[0].Output.Select((name, i) => (name, i)).Where(p => p.name.Length > 0).Select(p => outputs[p.i]).ToList();
        Assert.Equal(expected.Count, produced.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertTensor(expected[i].Shape, DataType.Float32, expected[i].ToDoubleArray(), produced[i], tolerance: 1e-5);
        }
    }

    [Fact]
    public void Evaluate_RnnBidirectionalWithSequenceLengths_RunsEachWayWithinLengthAndZeroPadsY()
    {
        // Relu cell with W = R = 1, no bias: h_t = relu(x_t + h_(t-1)), a running sum of positive inputs.
        // Entry 0 has length 3 (x = 1, 2, 3), entry 1 length 1 (x = 4, then ignored 5 and 6).
        var x = F([3, 2, 1], 1, 4, 2, 5, 3, 6);
        var ones = F([2, 1, 1], 1, 1);
        var lengths = new Tensor(DataType.Int32, [2], new[] { 3, 1 });

        var outputs = Evaluate("RNN", [x, ones, ones, null, lengths],
            Attributes(("hidden_size", 1L), ("direction", "bidirectional"), ("activations", new[] { "Relu", "Relu" })));

        // Y [T, D, B, H]: forward sums 1, 3, 6 and 4; backward (from each entry's last step) 6, 5, 3 and 4.
        AssertFloats([3, 2, 2, 1], outputs[0], 1, 4, 6, 4, 3, 0, 5, 0, 6, 0, 3, 0);
        AssertFloats([2, 2, 1], outputs[1], 6, 4, 6, 4);
    }

    [Fact]
    public void Evaluate_LstmInputForgetWithClip_CouplesGatesAndClipsGateInputs()
    {
        // One unit, W = 10 for every gate, R = 0, no bias, clip 1: every gate input is clip(10 x) = 1 for x = 1, so
        // i = o = sigmoid(1), f = 1 - i, c~ = tanh(1); c' = i tanh(1) from c = 0, h' = o tanh(c').
        var outputs = Evaluate("LSTM", [F([1, 1, 1], 1), F([1, 4, 1], 10, 10, 10, 10), F([1, 4, 1], 0, 0, 0, 0)],
            Attributes(("hidden_size", 1L), ("clip", 1f), ("input_forget", 1L)));

        var sigmoid = 1 / (1 + Math.Exp(-1));
        var c = sigmoid * Math.Tanh(1);
        AssertFloats([1, 1, 1], outputs[1], sigmoid * Math.Tanh(c));
        AssertFloats([1, 1, 1], outputs[2], c);
    }

    [Fact]
    public void ParseAttributes_UnknownActivation_NamesItAndTheSupportedOnes()
    {
        var error = Assert.Throws<UnsupportedOperatorException>(() => Evaluate("GRU", [F([1, 1, 1], 1), F([1, 3, 1], 1, 1, 1), F([1, 3, 1], 1, 1, 1)],
            Attributes(("hidden_size", 1L), ("activations", new[] { "Sigmoid", "Softsign" }))));

        Assert.Contains("activation 'Softsign' is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InferTypes_WrongRecurrenceShape_NamesExpectedShapes()
    {
        var error = Assert.Throws<OperatorException>(() => Evaluate("LSTM", [F([1, 1, 2], 1, 2), F([1, 4, 2], new float[8]), F([1, 4, 2], new float[8])],
            Attributes(("hidden_size", 1L))));

        Assert.Contains("must be [1, 4, 2] and [1, 4, 1]", error.Message, StringComparison.Ordinal);
    }

    private static List<Tensor> Read(string folder, string prefix)
    {
        var dataSet = Path.Combine(folder, "test_data_set_0");
        return [.. Enumerable.Range(0, 10).Select(i => Path.Combine(dataSet, $"{prefix}_{i}.pb")).TakeWhile(File.Exists)
            .Select(path => OnnxTensors.ToTensor(OnnxModelLoader.LoadTensor(path), path))];
    }
}
