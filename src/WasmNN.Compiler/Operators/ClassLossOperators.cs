using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>How a per-element loss is reduced.</summary>
public enum LossReduction
{
    /// <summary>Keep the loss per element, shaped like the target.</summary>
    None,

    /// <summary>The sum of the losses, a scalar.</summary>
    Sum,

    /// <summary>The weighted mean: the sum of the losses over the sum of the weights of the non-ignored targets.</summary>
    Mean,
}

/// <summary>Attributes of NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.</summary>
/// <param name="Reduction">How the per-element losses are reduced.</param>
/// <param name="IgnoreIndex">A target value that contributes neither loss nor weight, or null.</param>
public sealed record ClassLossAttributes(LossReduction Reduction, long? IgnoreIndex) : OperatorAttributes;

/// <summary>
/// The shared part of the class-indexed losses: input [N, C, d1..dk] (log-probabilities for NLL), target
/// [N, d1..dk] of class indices, optional weight [C]. loss[n, d] = -input[n, target[n, d], d] * weight[target[n, d]],
/// 0 (and weight 0) where the target is ignore_index.
/// </summary>
public abstract class ClassLossBase : OnnxOperator
{
    /// <inheritdoc/>
    public override int MinOpset => 12;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) => new ClassLossAttributes(
        attributes.GetString("reduction", "mean") switch
        {
            "none" => LossReduction.None,
            "sum" => LossReduction.Sum,
            "mean" => LossReduction.Mean,
            var other => throw new OperatorException($"reduction must be none, sum or mean, got '{other}'"),
        },
        attributes.Has("ignore_index") ? attributes.GetInt("ignore_index", 0) : null);

    /// <summary>The input as [N, C, D] with D the product of the trailing dimensions.</summary>
    public static (int Batch, int Classes, int Inner) Split(int[] shape) =>
        shape.Length < 2
            ? throw new OperatorException($"input must have rank 2 or more ([N, C, d1..dk]), got shape {Shapes.Format(shape)}")
            : (shape[0], shape[1], Shapes.ElementCount(shape[2..]));

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        var target = Required(inputs, 1, "target");
        if (target.ElementType is not (DataType.Int32 or DataType.Int64))
        {
            throw new OperatorException($"target must be int32 or int64, got {target.ElementType}");
        }
        if (Optional(inputs, 2) is { } weight && weight.ElementType != x.ElementType)
        {
            throw new OperatorException($"weight is {weight.ElementType} but input is {x.ElementType}");
        }
        var lossShape = target.Shape;
        if (x.Shape is { } shape)
        {
            Split(shape);
            lossShape = [shape[0], .. shape[2..]];
            if (target.Shape is { } t)
            {
                // Dimensions unknown on one side (negative) take the other side's.
                if (t.Length != lossShape.Length || t.Where((d, i) => d >= 0 && lossShape[i] >= 0 && d != lossShape[i]).Any())
                {
                    throw new OperatorException($"target shape {Shapes.Format(t)} does not match input shape {Shapes.Format(shape)} without its class axis");
                }
                lossShape = [.. lossShape.Select((d, i) => d >= 0 ? d : t[i])];
            }
        }
        var loss = new TensorType(x.ElementType, As<ClassLossAttributes>(attributes).Reduction == LossReduction.None ? lossShape : []);
        return [loss, new TensorType(x.ElementType, x.Shape)];
    }

    /// <summary>The log-probabilities the loss is taken of.</summary>
    protected abstract double[] LogProbabilities(double[] input, int batch, int classes, int inner);

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ClassLossAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var target = Required(inputs, 1, "target");
        var weight = Optional(inputs, 2);
        var (batch, classes, inner) = Split(x.Shape);
        var logProb = LogProbabilities(x.ToDoubleArray(), batch, classes, inner);
        var losses = new double[batch * inner];
        double weightSum = 0;
        for (var n = 0; n < batch; n++)
        {
            for (var d = 0; d < inner; d++)
            {
                var t = target.GetInt64((n * inner) + d);
                if (t == a.IgnoreIndex)
                {
                    continue;
                }
                if (t < 0 || t >= classes)
                {
                    throw new OperatorException($"target {t} at position {(n * inner) + d} is outside the {classes} classes");
                }
                var w = weight?.GetDouble((int)t) ?? 1;
                losses[(n * inner) + d] = -logProb[(((n * classes) + (int)t) * inner) + d] * w;
                weightSum += w;
            }
        }
        var loss = a.Reduction switch
        {
            LossReduction.None => Tensor.FromDoubles(x.DataType, [x.Shape[0], .. x.Shape[2..]], losses),
            LossReduction.Sum => Tensor.FromDoubles(x.DataType, [], [losses.Sum()]),
            _ => Tensor.FromDoubles(x.DataType, [], [losses.Sum() / weightSum]),
        };
        return [loss, Tensor.FromDoubles(x.DataType, x.Shape, logProb)];
    }
}

/// <summary>ONNX NegativeLogLikelihoodLoss: the input already holds log-probabilities.</summary>
public sealed class NegativeLogLikelihoodLossOperator : ClassLossBase
{
    /// <inheritdoc/>
    public override string OpType => "NegativeLogLikelihoodLoss";

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs) =>
        [base.InferTypes(attributes, inputs)[0]];

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs) =>
        [base.Evaluate(attributes, inputs)[0]];

    /// <inheritdoc/>
    protected override double[] LogProbabilities(double[] input, int batch, int classes, int inner) => input;
}

/// <summary>
/// ONNX SoftmaxCrossEntropyLoss: log_prob = LogSoftmax(scores) along the class axis (output 1, optional), then the
/// negative log-likelihood of the labels.
/// </summary>
public sealed class SoftmaxCrossEntropyLossOperator : ClassLossBase
{
    /// <inheritdoc/>
    public override string OpType => "SoftmaxCrossEntropyLoss";

    /// <inheritdoc/>
    protected override double[] LogProbabilities(double[] input, int batch, int classes, int inner) =>
        new LogSoftmaxOperator().Evaluate(new SoftmaxAttributes(1, CoerceTo2D: false), [Tensor.FromDoubles(DataType.Float64, [batch, classes, inner], input)])[0].ToDoubleArray();
}
