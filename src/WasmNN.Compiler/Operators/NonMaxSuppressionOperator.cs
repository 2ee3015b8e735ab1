using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of NonMaxSuppression.</summary>
/// <param name="CenterPointBox">0: boxes are [y1, x1, y2, x2] (either corner first); 1: [x_center, y_center, width, height].</param>
public sealed record NonMaxSuppressionAttributes(bool CenterPointBox) : OperatorAttributes;

/// <summary>
/// ONNX NonMaxSuppression (opset 10): per batch and class, greedily keeps the highest-scoring box (the lower index
/// among equal scores) whose score passes score_threshold (strictly greater) and whose IoU with every box kept
/// before is at most iou_threshold, until max_output_boxes_per_class are kept; the result is one
/// [batch, class, box] int64 row per kept box, batch-major, then class, then selection order (onnxruntime's
/// order). The count depends on the data: at most batches x classes x min(boxes, max_output_boxes_per_class),
/// which needs max_output_boxes_per_class to be a constant.
/// </summary>
/// <remarks>IoU = area(a ∩ b) / (area(a) + area(b) - area(a ∩ b)), 0 when either area is not positive.</remarks>
public sealed class NonMaxSuppressionOperator : OnnxOperator, IBoundedOutputOperator
{
    /// <inheritdoc/>
    public override string OpType => "NonMaxSuppression";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new NonMaxSuppressionAttributes(attributes.GetInt("center_point_box", 0) != 0);

    /// <summary>The bound on the output needs max_output_boxes_per_class at compile time.</summary>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 2;

    /// <summary>Batches, classes and boxes of the boxes [B, N, 4] and scores [B, C, N] inputs.</summary>
    public static (int Batches, int Classes, int Boxes) Dimensions(int[] boxes, int[] scores)
    {
        if (boxes is not [var b, var n, 4] || scores is not [var sb, var c, var sn] || sb != b || sn != n)
        {
            throw new OperatorException($"boxes {Shapes.Format(boxes)} and scores {Shapes.Format(scores)} must be [B, N, 4] and [B, C, N]");
        }
        return (b, c, n);
    }

    /// <summary>max_output_boxes_per_class (0 when absent) clamped to the number of boxes.</summary>
    public static int PerClass(long? given, int boxes) => (int)Math.Clamp(given ?? 0, 0, boxes);

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var boxes = Required(inputs, 0, "boxes");
        var scores = Required(inputs, 1, "scores");
        if (boxes.Shape is { } b && scores.Shape is { } s && Shapes.IsStatic(b) && Shapes.IsStatic(s))
        {
            Dimensions(b, s);
        }
        return [new TensorType(DataType.Int64, [-1, 3])];
    }

    /// <inheritdoc/>
    public IReadOnlyList<BoundedShape>? Bound(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var boxes = Required(inputs, 0, "boxes");
        var scores = Required(inputs, 1, "scores");
        if (!Shapes.IsStatic(boxes.Shape) || !Shapes.IsStatic(scores.Shape))
        {
            throw new OperatorException($"boxes '{boxes.Name}' and scores '{scores.Name}' need static shapes");
        }
        var (batches, classes, n) = Dimensions(boxes.Shape!, scores.Shape!);
        long? perClass = null;
        if (Optional(inputs, 2) is { } limit)
        {
            perClass = ReferenceMath.ConstantInts(limit) is [var value] ? value
                : throw new OperatorException($"max_output_boxes_per_class '{limit.Name}' must be a constant to bound the output");
        }
        return [new BoundedShape([batches * classes * PerClass(perClass, n), 3], [0])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var center = As<NonMaxSuppressionAttributes>(attributes).CenterPointBox;
        var boxes = Required(inputs, 0, "boxes");
        var scores = Required(inputs, 1, "scores");
        var (batches, classes, n) = Dimensions(boxes.Shape, scores.Shape);
        var perClass = PerClass(Optional(inputs, 2)?.GetInt64(0), n);
        var iouThreshold = Optional(inputs, 3)?.GetDouble(0) ?? 0;
        var scoreThreshold = Optional(inputs, 4)?.GetDouble(0);
        var selected = new List<long>();
        for (var b = 0; b < batches; b++)
        {
            float[] Box(int i) => [.. Enumerable.Range(0, 4).Select(k => (float)boxes.GetDouble((b * n + i) * 4 + k))];
            for (var c = 0; c < classes; c++)
            {
                float Score(int i) => (float)scores.GetDouble((b * classes + c) * n + i);
                var candidates = Enumerable.Range(0, n).Where(i => scoreThreshold is not { } t || Score(i) > t)
                    .OrderByDescending(Score).ThenBy(i => i).ToList();
                var kept = new List<int>();
                foreach (var i in candidates)
                {
                    if (kept.Count == perClass)
                    {
                        break;
                    }
                    if (kept.All(j => IntersectionOverUnion(Box(i), Box(j), center) <= iouThreshold))
                    {
                        kept.Add(i);
                        selected.AddRange([b, c, i]);
                    }
                }
            }
        }
        return [Tensor.FromInt64s([selected.Count / 3, 3], [.. selected])];
    }

    /// <summary>The corners (min y, min x, max y, max x) of a box in either format, as the kernel computes them.</summary>
    public static (float Y1, float X1, float Y2, float X2) Corners(float[] box, bool center) => center
        ? (box[1] - box[3] / 2, box[0] - box[2] / 2, box[1] + box[3] / 2, box[0] + box[2] / 2)
        : (Math.Min(box[0], box[2]), Math.Min(box[1], box[3]), Math.Max(box[0], box[2]), Math.Max(box[1], box[3]));

    private static float IntersectionOverUnion(float[] a, float[] b, bool center)
    {
        var (ay1, ax1, ay2, ax2) = Corners(a, center);
        var (by1, bx1, by2, bx2) = Corners(b, center);
        var areaA = (ay2 - ay1) * (ax2 - ax1);
        var areaB = (by2 - by1) * (bx2 - bx1);
        if (areaA <= 0 || areaB <= 0)
        {
            return 0;
        }
        var height = Math.Max(0, Math.Min(ay2, by2) - Math.Max(ay1, by1));
        var width = Math.Max(0, Math.Min(ax2, bx2) - Math.Max(ax1, bx1));
        var intersection = height * width;
        return intersection / (areaA + areaB - intersection);
    }
}
