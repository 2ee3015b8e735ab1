using System.Collections.Frozen;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Maps an ai.onnx op_type and opset version to its operator. The table is built once from the operator classes
/// and never changes.
/// </summary>
public static class OperatorRegistry
{
    private static readonly FrozenDictionary<string, OnnxOperator> s_operators = new OnnxOperator[]
    {
        // Elementwise, one input.
        new AbsOperator(), new CeilOperator(), new CeluOperator(), new CosOperator(), new EluOperator(), new ErfOperator(),
        new ExpOperator(), new FloorOperator(), new HardSigmoidOperator(), new HardSwishOperator(), new LeakyReluOperator(),
        new LogOperator(), new NegOperator(), new ReciprocalOperator(), new ReluOperator(), new RoundOperator(),
        new SeluOperator(), new SigmoidOperator(), new SignOperator(), new SinOperator(), new TanOperator(), new SinhOperator(), new CoshOperator(), new AsinOperator(), new AcosOperator(), new AtanOperator(), new AsinhOperator(), new AcoshOperator(), new AtanhOperator(), new SoftplusOperator(),
        new SoftsignOperator(), new SqrtOperator(), new TanhOperator(), new ThresholdedReluOperator(), new GeluOperator(),
        new ClipOperator(), new CastOperator(), new CastLikeOperator(), new ShrinkOperator(), new MishOperator(),
        new SwishOperator(),
        // Broadcasting.
        new AddOperator(), new SubOperator(), new MulOperator(), new DivOperator(), new PowOperator(), new ModOperator(),
        new EqualOperator(), new LessOperator(), new GreaterOperator(), new LessOrEqualOperator(), new GreaterOrEqualOperator(),
        new SumOperator(), new MaxOperator(), new MinOperator(), new MeanOperator(), new WhereOperator(), new ExpandOperator(),
        new BatchNormalizationOperator(), new PReluOperator(),
        // Compute-heavy anchors.
        new ConvOperator(), new ConvTransposeOperator(), new GemmOperator(), new MatMulOperator(), new EinsumOperator(), new MaxPoolOperator(),
        new AveragePoolOperator(),
        // Recurrent layers.
        new RnnOperator(), new GruOperator(), new LstmOperator(),
        // Control flow (inlined when the condition folds).
        new IfOperator(), new LoopOperator(), new ScanOperator(),
        // Reductions and normalisations.
        new GlobalAveragePoolOperator(), new GlobalMaxPoolOperator(), new GlobalLpPoolOperator(), new SoftmaxOperator(), new LogSoftmaxOperator(),
        new ReduceMeanOperator(), new ReduceSumOperator(), new ReduceMaxOperator(), new ReduceMinOperator(),
        new ReduceProdOperator(), new ReduceSumSquareOperator(), new ReduceL1Operator(), new ReduceL2Operator(),
        new ReduceLogSumExpOperator(), new ReduceLogSumOperator(), new LayerNormalizationOperator(), new InstanceNormalizationOperator(), new LrnOperator(), new MaxUnpoolOperator(), new DetOperator(), new LpNormalizationOperator(), new MeanVarianceNormalizationOperator(),
        new ArgMaxOperator(), new ArgMinOperator(), new HardmaxOperator(), new CumSumOperator(), new TopKOperator(),
        // Outputs whose length depends on the data (a run-time length bounded at compile time).
        new NonZeroOperator(), new CompressOperator(), new NonMaxSuppressionOperator(), new UniqueOperator(),
        new NegativeLogLikelihoodLossOperator(), new SoftmaxCrossEntropyLossOperator(), new IsNaNOperator(), new IsInfOperator(),
        // Data movement and shape computation.
        new IdentityOperator(), new DropoutOperator(), new FlattenOperator(), new ReshapeOperator(), new ConcatOperator(),
        new ShapeOperator(), new SizeOperator(), new GatherOperator(), new GatherElementsOperator(), new GatherNDOperator(), new ScatterNDOperator(), new ScatterElementsOperator(), new ScatterOperator(),
        new UnsqueezeOperator(), new SqueezeOperator(),
        new TransposeOperator(), new SliceOperator(), new SplitOperator(), new TileOperator(), new PadOperator(),
        new ConstantOfShapeOperator(), new RangeOperator(), new ConstantOperator(), new ResizeOperator(), new UpsampleOperator(),
        new DepthToSpaceOperator(), new SpaceToDepthOperator(), new GridSampleOperator(), new RoiAlignOperator(), new DftOperator(), new TriluOperator(), new EyeLikeOperator(), new OneHotOperator(), new ReverseSequenceOperator(),
        new HannWindowOperator(), new HammingWindowOperator(), new BlackmanWindowOperator(),
        // Linear quantization and the integer products of quantized models.
        new QuantizeLinearOperator(), new DequantizeLinearOperator(), new DynamicQuantizeLinearOperator(),
        new MatMulIntegerOperator(), new QLinearMatMulOperator(), new ConvIntegerOperator(), new QLinearConvOperator(), new QLinearAddOperator(),
        // Logic on bool tensors.
        new NotOperator(), new AndOperator(), new OrOperator(), new XorOperator(),
        // Bits of integer tensors.
        new BitwiseAndOperator(), new BitwiseOrOperator(), new BitwiseXorOperator(), new BitwiseNotOperator(), new BitShiftOperator(),
        // Sequences and optionals (resolved into tensors at compile time by ResolveSequences).
        new SequenceEmptyOperator(), new SequenceConstructOperator(), new SequenceInsertOperator(), new SequenceEraseOperator(),
        new SequenceAtOperator(), new SequenceLengthOperator(), new SplitToSequenceOperator(), new ConcatFromSequenceOperator(),
        new SequenceMapOperator(), new OptionalOperator(), new OptionalHasElementOperator(), new OptionalGetElementOperator(),
        // Text (string tensors: an offset table and UTF-8, docs/ABI.md).
        new StringNormalizerOperator(),
        // ai.onnx.preview.training: the optimizers and Gradient (expanded into standard nodes by ExpandOperators).
        new AdagradOperator(), new AdamOperator(), new MomentumOperator(), new GradientOperator(),
    }.ToFrozenDictionary(op => op.OpType);

    /// <summary>Every registered operator.</summary>
    public static IEnumerable<OnnxOperator> All => s_operators.Values;

    /// <summary>The operator for <paramref name="opType"/> at <paramref name="opset"/>, or null when unsupported.</summary>
    public static OnnxOperator? Find(string opType, int opset) =>
        s_operators.TryGetValue(opType, out var op) && opset >= op.MinOpset && opset <= op.MaxOpset ? op : null;

    /// <summary>The operator, or an error naming the node, op_type and opset.</summary>
    /// <exception cref="UnsupportedOperatorException">No operator covers this op_type at this opset.</exception>
    public static OnnxOperator Resolve(string opType, int opset, string nodeName)
    {
        if (Find(opType, opset) is { } op)
        {
            return op;
        }
        var detail = s_operators.TryGetValue(opType, out var known)
            ? $"supported for opsets {known.MinOpset} to {(known.MaxOpset == int.MaxValue ? "latest" : known.MaxOpset.ToString())}"
            : "not implemented";
        throw new UnsupportedOperatorException($"node '{nodeName}': operator {opType} (opset {opset}) is {detail}");
    }
}
