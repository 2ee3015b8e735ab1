using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Resize (and of Upsample, expressed as the Resize it is).</summary>
/// <param name="Mode">nearest, linear or cubic.</param>
/// <param name="CoordinateTransformationMode">How an output coordinate maps to an input coordinate.</param>
/// <param name="NearestMode">Rounding of nearest (round_prefer_floor, round_prefer_ceil, floor, ceil; simple before opset 11).</param>
/// <param name="CubicCoeffA">The cubic kernel's a.</param>
/// <param name="ExcludeOutside">Cubic taps outside the input get weight 0 and the rest are renormalised.</param>
/// <param name="ExtrapolationValue">tf_crop_and_resize's value outside the input.</param>
/// <param name="Antialias">Opset 18 antialiasing filter when downsampling.</param>
/// <param name="Axes">Opset 18 axes the scales/sizes/roi refer to, or null for all.</param>
/// <param name="KeepAspectRatioPolicy">Opset 18 stretch, not_larger or not_smaller (with sizes).</param>
/// <param name="RoiInput">Input index of roi, or -1.</param>
/// <param name="ScalesInput">Input index of scales, or -1.</param>
/// <param name="SizesInput">Input index of sizes, or -1.</param>
/// <param name="Scales">Upsample-7's scales attribute, or null.</param>
public sealed record ResizeAttributes(string Mode, string CoordinateTransformationMode, string NearestMode, double CubicCoeffA,
    bool ExcludeOutside, float ExtrapolationValue, bool Antialias, long[]? Axes, string KeepAspectRatioPolicy,
    int RoiInput, int ScalesInput, int SizesInput, float[]? Scales) : OperatorAttributes;

/// <summary>The resolved output shape and per-axis passes of one Resize.</summary>
public sealed record ResizePlan(int[] OutputShape, ResizeAxis[] Axes);

/// <summary>
/// Resize and Upsample: both resample every axis by a scale (or to a size) with nearest, linear or cubic
/// interpolation; the passes come from <see cref="ResizeGeometry"/>. Scales, sizes and roi configure the kernel, so
/// they must be constants after folding.
/// </summary>
public abstract class ResamplingOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Injective;

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index)
    {
        var a = As<ResizeAttributes>(attributes);
        return index > 0 && (index == a.RoiInput || index == a.ScalesInput || index == a.SizesInput);
    }

    /// <summary>The plan from the constant scales/sizes/roi, or null while one of them is not constant.</summary>
    public static ResizePlan? TryPlan(ResizeAttributes a, int[] shape, IReadOnlyList<Value?> inputs)
    {
        Tensor? Get(int index, out bool missing)
        {
            var v = index >= 0 && index < inputs.Count ? inputs[index] : null;
            missing = v is not null && v.Constant is null;
            return v?.Constant;
        }
        var roi = Get(a.RoiInput, out var roiMissing);
        var scales = Get(a.ScalesInput, out var scalesMissing);
        var sizes = Get(a.SizesInput, out var sizesMissing);
        if (sizesMissing || (scalesMissing && sizes is not { Length: > 0 }) || (roiMissing && a.CoordinateTransformationMode == "tf_crop_and_resize"))
        {
            return null;
        }
        return Plan(a, shape, roi, scales, sizes);
    }

    /// <summary>Resolves the output shape, scales and passes (the ONNX Resize rules).</summary>
    public static ResizePlan Plan(ResizeAttributes a, int[] shape, Tensor? roi, Tensor? scales, Tensor? sizes)
    {
        var rank = shape.Length;
        int[] axes = a.Axes is null ? [.. Enumerable.Range(0, rank)] : [.. a.Axes.Select(x => Shapes.NormalizeAxis(x, rank))];
        var scale = Enumerable.Repeat(1.0, rank).ToArray();
        var output = (int[])shape.Clone();
        if (sizes is { Length: > 0 })
        {
            var given = sizes.ToInt64Array();
            if (given.Length != axes.Length)
            {
                throw new OperatorException($"sizes has {given.Length} entries, expected {axes.Length}");
            }
            if (a.KeepAspectRatioPolicy == "stretch")
            {
                for (var i = 0; i < axes.Length; i++)
                {
                    output[axes[i]] = checked((int)given[i]);
                    scale[axes[i]] = (double)given[i] / shape[axes[i]];
                }
            }
            else
            {
                var ratios = axes.Select((axis, i) => (double)given[i] / shape[axis]);
                var common = a.KeepAspectRatioPolicy == "not_larger" ? ratios.Min() : ratios.Max();
                foreach (var axis in axes)
                {
                    scale[axis] = common;
                    output[axis] = (int)Math.Floor(common * shape[axis] + 0.5);
                }
            }
        }
        else
        {
            var given = a.Scales is { } attribute ? [.. attribute.Select(f => (double)f)]
                : scales is { Length: > 0 } ? scales.ToDoubleArray()
                : throw new OperatorException("one of scales and sizes must be given");
            if (given.Length != axes.Length)
            {
                throw new OperatorException($"scales has {given.Length} entries, expected {axes.Length}");
            }
            for (var i = 0; i < axes.Length; i++)
            {
                if (!(given[i] > 0))
                {
                    throw new OperatorException($"scale {given[i]} is not positive");
                }
                scale[axes[i]] = given[i];
                output[axes[i]] = (int)Math.Floor(given[i] * shape[axes[i]]);
            }
        }
        if (a.Antialias && a.Mode != "nearest" && scale.Any(s => s < 1))
        {
            throw new UnsupportedOperatorException("Resize with antialias = 1 when downsampling is not supported");
        }
        var roiValues = roi is { Length: > 0 } && a.CoordinateTransformationMode == "tf_crop_and_resize" ? roi.ToDoubleArray() : null;
        if (roiValues is not null && roiValues.Length != 2 * axes.Length)
        {
            throw new OperatorException($"roi has {roiValues.Length} entries, expected {2 * axes.Length}");
        }
        var passes = new ResizeAxis[rank];
        for (var d = 0; d < rank; d++)
        {
            var position = Array.IndexOf(axes, d);
            double start = 0, end = 1;
            if (roiValues is not null && position >= 0)
            {
                start = roiValues[position];
                end = roiValues[position + axes.Length];
            }
            passes[d] = ResizeGeometry.Axis(a, shape[d], output[d], scale[d], start, end);
        }
        return new ResizePlan(output, passes);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "X");
        if (x.Shape is null || x.Shape.Any(d => d < 0))
        {
            return [new TensorType(x.ElementType, x.Shape is null ? null : [.. x.Shape.Select(_ => -1)])];
        }
        var plan = TryPlan(As<ResizeAttributes>(attributes), x.Shape, inputs);
        return [new TensorType(x.ElementType, plan?.OutputShape ?? [.. x.Shape.Select(_ => -1)])];
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<ResizeAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        Tensor? At(int index) => index >= 0 ? Optional(inputs, index) : null;
        var plan = Plan(a, x.Shape, At(a.RoiInput), At(a.ScalesInput), At(a.SizesInput));
        var y = ResizeGeometry.Apply(x.ToDoubleArray(), x.Shape, plan.Axes, a.ExtrapolationValue);
        return [Tensor.FromDoubles(x.DataType, plan.OutputShape, y)];
    }

    /// <summary>Checks an enumerated attribute.</summary>
    protected static string OneOf(AttributeBag attributes, string name, string defaultValue, params string[] allowed)
    {
        var value = attributes.GetString(name, defaultValue);
        return allowed.Contains(value) ? value : throw new OperatorException($"unknown {name} '{value}'");
    }
}

/// <summary>ONNX Resize (opsets 10 to 19).</summary>
public sealed class ResizeOperator : ResamplingOperator
{
    /// <inheritdoc/>
    public override string OpType => "Resize";

    /// <inheritdoc/>
    public override int MinOpset => 10;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        if (opset < 11)
        {
            // Resize-10 is Upsample-9 renamed: asymmetric coordinates, scales as input 1.
            return new ResizeAttributes(OneOf(attributes, "mode", "nearest", "nearest", "linear"), "asymmetric", "simple", -0.75,
                false, 0, false, null, "stretch", -1, 1, -1, null);
        }
        return new ResizeAttributes(
            OneOf(attributes, "mode", "nearest", "nearest", "linear", "cubic"),
            OneOf(attributes, "coordinate_transformation_mode", "half_pixel", "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
                "align_corners", "asymmetric", "tf_crop_and_resize", "tf_half_pixel_for_nn"),
            OneOf(attributes, "nearest_mode", "round_prefer_floor", "round_prefer_floor", "round_prefer_ceil", "floor", "ceil"),
            attributes.GetFloat("cubic_coeff_a", -0.75f),
            attributes.GetInt("exclude_outside", 0) != 0,
            attributes.GetFloat("extrapolation_value", 0f),
            attributes.GetInt("antialias", 0) != 0,
            attributes.GetInts("axes"),
            OneOf(attributes, "keep_aspect_ratio_policy", "stretch", "stretch", "not_larger", "not_smaller"),
            1, 2, 3, null);
    }
}

/// <summary>ONNX Upsample (opsets 7 to 9; deprecated by Resize): asymmetric nearest (floor) or linear.</summary>
public sealed class UpsampleOperator : ResamplingOperator
{
    /// <inheritdoc/>
    public override string OpType => "Upsample";

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override int MaxOpset => 9;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var mode = OneOf(attributes, "mode", "nearest", "nearest", "linear", "bilinear");
        var scales = opset < 9 ? attributes.GetFloats("scales") ?? throw new OperatorException("attribute 'scales' is required") : null;
        return new ResizeAttributes(mode == "nearest" ? "nearest" : "linear", "asymmetric", "floor", -0.75, false, 0, false, null, "stretch",
            -1, opset < 9 ? -1 : 1, -1, scales);
    }
}
