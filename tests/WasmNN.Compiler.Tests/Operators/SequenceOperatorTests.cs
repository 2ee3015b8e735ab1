using WasmNN.Compiler.Execution;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;
using static WasmNN.Compiler.Tests.Operators.OperatorRun;

namespace WasmNN.Compiler.Tests.Operators;

/// <summary>
/// The sequence and optional operators, resolved by <see cref="ResolveSequences"/> into tensor nodes and run by the
/// reference executor; expected values follow from the ONNX operator definitions (positions, split lengths, concat).
/// </summary>
public sealed class SequenceOperatorTests
{
    private static readonly Tensor A = F([2], 1, 2), B = F([3], 3, 4, 5), C = F([1], 6);

    [Fact]
    public void SequenceConstruct_ThenSequenceAtMinusOne_GivesTheLastTensor()
    {
        var (g, inputs) = Inputs(A, B, C);
        var sequence = Op("SequenceConstruct", g, [.. inputs]);
        Output(g, Op("SequenceAt", g, sequence, Position(g, -1)));

        AssertFloats([1], Run(g, A, B, C)[0], 6);
    }

    [Fact]
    public void SequenceEmpty_InsertAtBackThenFront_LengthTwoAndFrontFirst()
    {
        var (g, inputs) = Inputs(A, B);
        var empty = Op("SequenceEmpty", g, [], ("dtype", 1L));
        var one = Op("SequenceInsert", g, empty, inputs[0]);
        var two = Op("SequenceInsert", g, one, inputs[1], Position(g, 0));
        Output(g, Op("SequenceLength", g, two));
        Output(g, Op("SequenceAt", g, two, Position(g, 0)));

        var outputs = Run(g, A, B);

        AssertInt64s([], outputs[0], 2);
        AssertFloats([3], outputs[1], 3, 4, 5);
    }

    [Fact]
    public void SequenceErase_MiddleAndDefaultLast_LeavesTheOthersInOrder()
    {
        var (g, inputs) = Inputs(A, B, C);
        var sequence = Op("SequenceConstruct", g, [.. inputs]);
        var withoutMiddle = Op("SequenceErase", g, sequence, Position(g, 1));
        var withoutLast = Op("SequenceErase", g, withoutMiddle);
        Output(g, Op("SequenceAt", g, withoutMiddle, Position(g, 1)));
        Output(g, Op("SequenceLength", g, withoutLast));

        var outputs = Run(g, A, B, C);

        AssertFloats([1], outputs[0], 6);
        AssertInt64s([], outputs[1], 1);
    }

    [Fact]
    public void SequenceInsert_PositionPastTheEnd_ErrorNamesTheRange()
    {
        var (g, inputs) = Inputs(A, B);
        var sequence = Op("SequenceConstruct", g, inputs[0]);
        Output(g, Op("SequenceAt", g, Op("SequenceInsert", g, sequence, inputs[1], Position(g, 5)), Position(g, 0)));

        var e = Assert.Throws<GraphException>(() => new ResolveSequences().Run(g));

        Assert.Contains("position 5 is outside [-1, 1]", e.Message);
    }

    [Fact]
    public void SplitToSequence_ScalarSplit_PiecesOfThatLengthAndAShorterLast()
    {
        var x = F([5], 0, 1, 2, 3, 4);
        var (g, inputs) = Inputs(x);
        var sequence = Op("SplitToSequence", g, inputs[0], g.AddConstant("two", Tensor.FromInt64s([], [2])));
        Output(g, Op("SequenceLength", g, sequence));
        Output(g, Op("SequenceAt", g, sequence, Position(g, 2)));

        var outputs = Run(g, x);

        AssertInt64s([], outputs[0], 3);
        AssertFloats([1], outputs[1], 4);
    }

    [Fact]
    public void SplitToSequence_NoSplitKeepDimsZero_OneSqueezedPiecePerIndex()
    {
        var x = F([2, 3], 0, 1, 2, 10, 11, 12);
        var (g, inputs) = Inputs(x);
        var sequence = Op("SplitToSequence", g, [inputs[0]], ("axis", 1L), ("keepdims", 0L));
        Output(g, Op("SequenceAt", g, sequence, Position(g, 1)));

        AssertFloats([2], Run(g, x)[0], 1, 11);
    }

    [Fact]
    public void ConcatFromSequence_ExistingAxisAndNewAxis_JoinsOrStacks()
    {
        var (p, q) = (F([2], 1, 2), F([2], 3, 4));
        var (g, inputs) = Inputs(p, q);
        var sequence = Op("SequenceConstruct", g, [.. inputs]);
        Output(g, Op("ConcatFromSequence", g, [sequence], ("axis", 0L)));
        Output(g, Op("ConcatFromSequence", g, [sequence], ("axis", -1L), ("new_axis", 1L)));

        var outputs = Run(g, p, q);

        AssertFloats([4], outputs[0], 1, 2, 3, 4);
        AssertFloats([2, 2], outputs[1], 1, 3, 2, 4);
    }

    [Fact]
    public void SequenceMap_AddBodyOverASequenceAndATensor_OneOutputPerElementNamedByIndex()
    {
        var body = new Graph("body", 17);
        var (in0, in1) = (new Value("in0", DataType.Float32, [-1]), new Value("in1", DataType.Float32, [-1]));
        body.Inputs.AddRange([in0, in1]);
        body.Outputs.Add(body.AddNode("Add", [in0, in1], ["out0"]).Outputs[0]!);
        var (p, q, t) = (F([2], 1, 2), F([2], 3, 4), F([2], 10, 20));
        var (g, inputs) = Inputs(p, q, t);
        var sequence = Op("SequenceConstruct", g, inputs[0], inputs[1]);
        var mapped = g.AddNode("SequenceMap", [sequence, inputs[2]], ["y"], new AttributeBag(("body", body)) { InputCount = 2 }).Outputs[0]!;
        g.Outputs.Add(mapped);

        var outputs = Run(g, p, q, t);

        Assert.Equal(["y.0", "y.1"], g.Outputs.Select(o => o.Name));
        AssertFloats([2], outputs[0], 11, 22);
        AssertFloats([2], outputs[1], 13, 24);
    }

    [Fact]
    public void Optional_HoldingATensorAndEmpty_HasElementAndGetElement()
    {
        var (g, inputs) = Inputs(A);
        var held = Op("Optional", g, inputs[0]);
        var empty = Op("Optional", g, Array.Empty<Value>());
        Output(g, Op("OptionalHasElement", g, held));
        Output(g, Op("OptionalHasElement", g, empty));
        Output(g, Op("OptionalGetElement", g, held));

        var outputs = Run(g, A);

        AssertBools([], outputs[0], true);
        AssertBools([], outputs[1], false);
        AssertFloats([2], outputs[2], 1, 2);
    }

    [Fact]
    public void SequenceAt_PositionComputedAtRunTime_LeftAndExplainedAsUnsupported()
    {
        var (g, inputs) = Inputs(A, B);
        var position = new Value("position", DataType.Int64, []);
        g.Inputs.Add(position);
        Output(g, Op("SequenceAt", g, Op("SequenceConstruct", g, [.. inputs]), position));

        new ResolveSequences().Run(g);

        var e = Assert.Throws<UnsupportedOperatorException>(() => ResolveSequences.Explain(g));
        Assert.Contains("is not known at compile time", e.Message);
    }

    private static (Graph Graph, Value[] Inputs) Inputs(params Tensor[] tensors)
    {
        var g = new Graph("sequences", 17);
        g.Inputs.AddRange(tensors.Select((t, i) => new Value($"x{i}", t.DataType, t.Shape)));
        return (g, [.. g.Inputs]);
    }

    private static Value Position(Graph g, long position) => g.AddConstant(g.UniqueName("position"), Tensor.FromInt64s([], [position]));

    private static Value Op(string opType, Graph g, params Value[] inputs) => Op(opType, g, inputs, []);

    private static Value Op(string opType, Graph g, Value[] inputs, params (string, object)[] attributes) =>
        g.AddNode(opType, inputs, [g.UniqueName(opType.ToLowerInvariant())], Attributes(attributes)).Outputs[0]!;

    private static void Output(Graph g, Value value) => g.Outputs.Add(value);

    /// <summary>Resolves the sequences (none may be left) and runs the tensor graph.</summary>
    private static IReadOnlyList<Tensor> Run(Graph g, params Tensor[] inputs)
    {
        new ResolveSequences().Run(g);
        Verifier.Verify(g);
        ResolveSequences.Explain(g);
        Assert.DoesNotContain(g.Nodes, n => n.Operator is SequenceOperator);
        return new ReferenceExecutor().Execute(g, inputs);
    }
}
