using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Compiler.Passes;

namespace WasmNN.Compiler.Tests.Passes;

/// <summary>
/// Each pass on small graphs, its printed IR before and after compared with <c>Golden/PASS.CASE.txt</c>
/// (regenerate with <c>WASMNN_UPDATE_GOLDEN=1</c>, then review; the numbers in the comments are worked by hand).
/// </summary>
public sealed class PassGoldenTests
{
    [Fact]
    public void InferShapes_StaleShapes_RecomputedInOrder()
    {
        // x[2,3,4] -> Reshape to [2,-1] -> Relu -> Cast(int32): the recorded shapes are partial or unknown (as a
        // declared shape or an earlier pass can leave them; the verifier accepts them); inference gives [2,12] each.
        var g = new Graph("stale", 13);
        var x = new Value("x", DataType.Float32, [2, 3, 4]);
        g.Inputs.Add(x);
        var reshaped = g.AddNode("Reshape", [x, g.AddConstant("target", Tensor.FromInt64s([2], [2, -1]))], ["r"], name: "reshape").Outputs[0]!;
        var relu = g.AddNode("Relu", [reshaped], ["a"], name: "relu").Outputs[0]!;
        var cast = g.AddNode("Cast", [relu], ["y"], new AttributeBag(("to", 6L)), "cast").Outputs[0]!;
        g.Outputs.Add(cast);
        reshaped.Shape = [-1, -1];
        relu.Shape = null;
        cast.Shape = [-1, 12];

        GoldenIr.Check("InferShapes.StaleShapes", g, new InferShapes());
    }

    [Fact]
    public void EliminateIdentities_ReluDropoutIdentity_OnlyReluKeepsTheOutputName()
    {
        var g = new Graph("ids", 13);
        var x = new Value("x", DataType.Float32, [4]);
        g.Inputs.Add(x);
        var relu = g.AddNode("Relu", [x], ["r"], name: "relu");
        var dropout = g.AddNode("Dropout", [relu.Outputs[0]], ["d"], name: "dropout");
        g.Outputs.Add(g.AddNode("Identity", [dropout.Outputs[0]], ["out"], name: "identity").Outputs[0]!);

        GoldenIr.Check("EliminateIdentities.Chain", g, new EliminateIdentities());
    }

    [Fact]
    public void EliminateIdentities_OutputCopyOfInput_Kept()
    {
        // out = Identity(x) with x a graph input: removing it would make an output alias an input.
        var g = new Graph("copy", 13);
        var x = new Value("x", DataType.Float32, [2]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Identity", [x], ["out"], name: "identity").Outputs[0]!);

        GoldenIr.Check("EliminateIdentities.OutputCopyOfInput", g, new EliminateIdentities());
    }

    [Fact]
    public void FoldConstants_ExporterShapeChain_ReshapeGetsConstantTarget()
    {
        GoldenIr.Check("FoldConstants.ShapeChain", PassTestGraphs.ShapeChain(), new FoldConstants());
    }

    [Fact]
    public void FoldConstants_ConstantArithmetic_ReplacedByItsValue()
    {
        // sum = [1,2] + [3,5] = [4,7]; y = x * sum stays (x is a runtime input).
        var g = new Graph("arith", 13);
        var a = g.AddConstant("a", Tensor.FromFloats([2], [1f, 2f]));
        var b = g.AddConstant("b", Tensor.FromFloats([2], [3f, 5f]));
        var sum = g.AddNode("Add", [a, b], ["sum"], name: "add").Outputs[0]!;
        var x = new Value("x", DataType.Float32, [2]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Mul", [x, sum], ["y"], name: "mul").Outputs[0]!);

        GoldenIr.Check("FoldConstants.Arithmetic", g, new FoldConstants());
    }

    [Fact]
    public void ExpandOperators_NesterovMomentum_ElementwiseNodesWithBetaChosenByTheUpdateCount()
    {
        // Momentum (nesterov): g = 0.5 * x + grad; v' = 0.9 * v + Where(t > 0, 0.1, 1) * g; x' = x - r * (0.9 * v' + g).
        var g = new Graph("momentum", 12);
        var r = new Value("r", DataType.Float32, []);
        var t = new Value("t", DataType.Int64, []);
        var x = new Value("x", DataType.Float32, [3]);
        var grad = new Value("grad", DataType.Float32, [3]);
        var v = new Value("v", DataType.Float32, [3]);
        g.Inputs.AddRange([r, t, x, grad, v]);
        var node = g.AddNode("Momentum", [r, t, x, grad, v], ["x_new", "v_new"],
            new AttributeBag(("alpha", 0.9f), ("beta", 0.1f), ("norm_coefficient", 0.5f), ("mode", "nesterov")), "momentum");
        g.Outputs.AddRange(node.Outputs.OfType<Value>());

        GoldenIr.Check("ExpandOperators.NesterovMomentum", g, new ExpandOperators());
    }

    [Fact]
    public void ExpandOperators_GradientOfAddAndMul_BackwardNodesWithTheBroadcastOperandSummedBack()
    {
        // d = (a + b) * a with b [3] broadcast over a [2, 3]; Gradient(xs = [a, b], y = d), y appended as the last input
        // as the importer does. Seed ones; dd/dc = ones * a; dd/da = ones * c + dd/dc; dd/db = ReduceSum(dd/dc over
        // axis 0) reshaped to [3].
        var g = new Graph("gradient", 13);
        var a = new Value("a", DataType.Float32, [2, 3]);
        var b = new Value("b", DataType.Float32, [3]);
        g.Inputs.AddRange([a, b]);
        var c = g.AddNode("Add", [a, b], ["c"], name: "add").Outputs[0]!;
        var d = g.AddNode("Mul", [c, a], ["d"], name: "mul").Outputs[0]!;
        var gradient = g.AddNode("Gradient", [a, b, d], ["dd_da", "dd_db"], new AttributeBag(("xs", new[] { "a", "b" }), ("y", "d")), "gradient");
        g.Outputs.Add(d);
        g.Outputs.AddRange(gradient.Outputs.OfType<Value>());

        GoldenIr.Check("ExpandOperators.GradientOfAddAndMul", g, new ExpandOperators());
    }

    [Fact]
    public void ResolveSequences_ConstructInsertAt_OnlyTheChosenTensorLeftAndASequenceOutputPerElement()
    {
        // seq = [a, b]; seq2 = insert c at 0 -> [c, a, b]; at(-1) = b (an output, so an Identity keeps its name 'last');
        // seq2 as a graph output becomes 'seq2.0', 'seq2.1', 'seq2.2' (copies of c, a, b).
        var g = new Graph("sequences", 13);
        var (a, b, c) = (new Value("a", DataType.Float32, [2]), new Value("b", DataType.Float32, [3]), new Value("c", DataType.Float32, [1]));
        g.Inputs.AddRange([a, b, c]);
        var seq = g.AddNode("SequenceConstruct", [a, b], ["seq"], name: "construct").Outputs[0]!;
        var seq2 = g.AddNode("SequenceInsert", [seq, c, g.AddConstant("front", Tensor.FromInt64s([], [0]))], ["seq2"], name: "insert").Outputs[0]!;
        g.Outputs.Add(g.AddNode("SequenceAt", [seq2, g.AddConstant("back", Tensor.FromInt64s([], [-1]))], ["last"], name: "at").Outputs[0]!);
        g.Outputs.Add(seq2);

        GoldenIr.Check("ResolveSequences.ConstructInsertAt", g, new ResolveSequences());
    }

    [Fact]
    public void LowerEinsum_AttentionScores_TransposeReshapeAndOneMatMul()
    {
        // q[2,3,4,8] k[2,3,5,8], "bhqd,bhkd->bhqk": batch b,h (6), m = q (4), contracted d (8), n = k (5); k is
        // transposed to [b,h,d,k], both flattened to [6,4,8] and [6,8,5], multiplied, and reshaped to [2,3,4,5].
        var g = new Graph("attention", 13);
        var q = new Value("q", DataType.Float32, [2, 3, 4, 8]);
        var k = new Value("k", DataType.Float32, [2, 3, 5, 8]);
        g.Inputs.AddRange([q, k]);
        g.Outputs.Add(g.AddNode("Einsum", [q, k], ["scores"], new AttributeBag(("equation", "bhqd,bhkd->bhqk")), "einsum").Outputs[0]!);

        GoldenIr.Check("LowerEinsum.AttentionScores", g, new LowerEinsum());
    }

    [Fact]
    public void LowerEinsum_BatchDiagonal_MaskedAndSummed()
    {
        // "...ii->...i" on [3,5,5]: x * eye (shape [1,5,5]) summed over the last axis gives [3,5].
        var g = new Graph("diagonal", 13);
        var x = new Value("x", DataType.Float32, [3, 5, 5]);
        g.Inputs.Add(x);
        g.Outputs.Add(g.AddNode("Einsum", [x], ["d"], new AttributeBag(("equation", "...ii->...i")), "einsum").Outputs[0]!);

        GoldenIr.Check("LowerEinsum.BatchDiagonal", g, new LowerEinsum());
    }

    [Fact]
    public void FoldBatchNormIntoConv_ConvWithBias_WeightsAndBiasScaled()
    {
        // epsilon 1, var [3, 0]: k = scale / sqrt(var + 1) = [1/2, 2/1] = [0.5, 2].
        // W' = W * k = [2 * 0.5, -1 * 2] = [1, -2];  B' = (B - mean) * k + beta = [(0.5 - 0.5) * 0.5 + 0, (1 + 1) * 2 + 0.5] = [0, 4.5].
        var g = new Graph("conv_bn", 13);
        var x = new Value("x", DataType.Float32, [1, 1, 2, 2]);
        g.Inputs.Add(x);
        var w = g.AddConstant("w", Tensor.FromFloats([2, 1, 1, 1], [2f, -1f]));
        var b = g.AddConstant("b", Tensor.FromFloats([2], [0.5f, 1f]));
        var conv = g.AddNode("Conv", [x, w, b], ["c"], name: "conv");
        var scale = g.AddConstant("scale", Tensor.FromFloats([2], [1f, 2f]));
        var beta = g.AddConstant("beta", Tensor.FromFloats([2], [0f, 0.5f]));
        var mean = g.AddConstant("mean", Tensor.FromFloats([2], [0.5f, -1f]));
        var variance = g.AddConstant("var", Tensor.FromFloats([2], [3f, 0f]));
        var bn = g.AddNode("BatchNormalization", [conv.Outputs[0], scale, beta, mean, variance], ["y"], new AttributeBag(("epsilon", 1f)), "bn");
        g.Outputs.Add(bn.Outputs[0]!);

        GoldenIr.Check("FoldBatchNormIntoConv.ConvWithBias", g, new FoldBatchNormIntoConv());
    }

    [Fact]
    public void EliminateDeadNodes_UnusedNodeConstantAndMask_Removed()
    {
        // Neg(x) reaches no output, k is read by nobody, and Dropout's mask is not an output.
        var g = new Graph("dead", 13);
        var x = new Value("x", DataType.Float32, [3]);
        g.Inputs.Add(x);
        g.AddConstant("k", Tensor.FromFloats([1], [1f]));
        var relu = g.AddNode("Relu", [x], ["r"], name: "relu");
        g.AddNode("Neg", [x], ["unused"], name: "neg");
        g.Outputs.Add(g.AddNode("Dropout", [relu.Outputs[0]], ["y", "mask"], name: "dropout").Outputs[0]!);

        GoldenIr.Check("EliminateDeadNodes.UnusedNodeConstantAndMask", g, new EliminateDeadNodes());
    }

    [Fact]
    public void FuseElementwise_ConvAddRelu_OneConvWithTwoEpilogueSteps()
    {
        var g = new Graph("fuse", 13);
        var x = new Value("x", DataType.Float32, [1, 1, 3, 3]);
        var skip = new Value("skip", DataType.Float32, [1, 1, 3, 3]);
        g.Inputs.AddRange([x, skip]);
        var conv = g.AddNode("Conv", [x, g.AddConstant("w", Tensor.FromFloats([1, 1, 1, 1], [2f]))], ["c"], name: "conv");
        var add = g.AddNode("Add", [skip, conv.Outputs[0]], ["s"], name: "add");
        g.Outputs.Add(g.AddNode("Relu", [add.Outputs[0]], ["y"], name: "relu").Outputs[0]!);

        GoldenIr.Check("FuseElementwise.ConvAddRelu", g, new FuseElementwise());
    }

    [Fact]
    public void FuseElementwise_OutputReadTwice_NothingFused()
    {
        // c has two readers, and each reader's output is a graph output: no anchor has a sole fusable consumer.
        var g = new Graph("shared", 13);
        var x = new Value("x", DataType.Float32, [1, 1, 3, 3]);
        g.Inputs.Add(x);
        var c = g.AddNode("Conv", [x, g.AddConstant("w", Tensor.FromFloats([1, 1, 1, 1], [2f]))], ["c"], name: "conv").Outputs[0];
        g.Outputs.Add(g.AddNode("Relu", [c], ["r"], name: "relu").Outputs[0]!);
        g.Outputs.Add(g.AddNode("Sigmoid", [c], ["s"], name: "sigmoid").Outputs[0]!);

        GoldenIr.Check("FuseElementwise.OutputReadTwice", g, new FuseElementwise());
    }
}
