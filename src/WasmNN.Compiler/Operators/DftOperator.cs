using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of DFT (opsets 17-19, where the axis is an attribute).</summary>
/// <param name="Axis">The signal axis (1 = the first after the batch; negative counts from the end of the shape).</param>
/// <param name="Inverse">The inverse transform, scaled by 1/n.</param>
/// <param name="Onesided">Only the first floor(n/2) + 1 frequencies (a real input's spectrum is symmetric).</param>
public sealed record DftAttributes(long Axis, bool Inverse, bool Onesided) : OperatorAttributes;

/// <summary>ONNX DFT (opset 17): the discrete Fourier transform of a real [..., 1] or complex [..., 2] signal along one axis.</summary>
/// <remarks>
/// y[k] = sum over n &lt; L of x[n] e^(-2 pi i k n / L) (e^(+...) / L for the inverse), L = dft_length (a constant,
/// the signal zero-padded or cut to it) or the axis' size; the output is complex [..., 2] with L (onesided:
/// floor(L/2) + 1) frequencies along the axis.
/// </remarks>
public sealed class DftOperator : OnnxOperator
{
    /// <inheritdoc/>
    public override string OpType => "DFT";

    /// <inheritdoc/>
    public override int MinOpset => 17;

    /// <inheritdoc/>
    public override int MaxOpset => 19;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index == 1;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new DftAttributes(attributes.GetInt("axis", 1), attributes.GetInt("inverse", 0) != 0, attributes.GetInt("onesided", 0) != 0);

    /// <summary>The signal's geometry: outer count, axis size, inner count, components (1 real, 2 complex), transform length L and output frequencies.</summary>
    public static (int Outer, int Size, int Inner, int Components, int Length, int Frequencies) Geometry(DftAttributes a, int[] shape, long? dftLength)
    {
        var rank = shape.Length;
        var axis = (int)(a.Axis < 0 ? a.Axis + rank : a.Axis);
        if (rank < 3 || axis < 1 || axis > rank - 2 || shape[^1] is not (1 or 2))
        {
            throw new OperatorException($"input {Shapes.Format(shape)} with axis {a.Axis}: DFT needs [batch, ..., 1 or 2] and an axis between them");
        }
        var length = dftLength ?? shape[axis];
        if (length is < 1 or > 1 << 20)
        {
            throw new OperatorException($"dft_length {length} is outside [1, 2^20]");
        }
        var frequencies = a.Onesided ? (int)length / 2 + 1 : (int)length;
        return (Shapes.ElementCount(shape[..axis]), shape[axis], Shapes.ElementCount(shape[(axis + 1)..^1]), shape[^1], (int)length, frequencies);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var x = Required(inputs, 0, "input");
        if (!x.ElementType.IsFloat())
        {
            throw new OperatorException($"input is {x.ElementType}; DFT needs a float tensor");
        }
        if (x.Shape is null || !Shapes.IsStatic(x.Shape) || (Optional(inputs, 1) is { } l && l.Constant is null))
        {
            return [new TensorType(x.ElementType, null)];
        }
        var a = As<DftAttributes>(attributes);
        var g = Geometry(a, x.Shape, ReferenceMath.ConstantInts(Optional(inputs, 1))?.Single());
        var axis = (int)(a.Axis < 0 ? a.Axis + x.Shape.Length : a.Axis);
        int[] shape = [.. x.Shape];
        (shape[axis], shape[^1]) = (g.Frequencies, 2);
        return [new TensorType(x.ElementType, shape)];
    }

    /// <summary>cos and sin of 2 pi j / L for j &lt; L, interleaved (the twiddle factors; exact at the quarter turns).</summary>
    public static double[] Twiddles(int length)
    {
        var table = new double[2 * length];
        for (var j = 0; j < length; j++)
        {
            // CosPi and SinPi of the exact fraction 2j/L: exact zeros and ones at the quarter turns.
            var turn = 2.0 * j / length;
            (table[2 * j], table[2 * j + 1]) = (double.CosPi(turn), double.SinPi(turn));
        }
        return table;
    }

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<DftAttributes>(attributes);
        var x = Required(inputs, 0, "input");
        var g = Geometry(a, x.Shape, Optional(inputs, 1)?.ToInt64Array().Single());
        var twiddles = Twiddles(g.Length);
        var sign = a.Inverse ? 1 : -1;
        var scale = a.Inverse ? 1.0 / g.Length : 1;
        var axis = (int)(a.Axis < 0 ? a.Axis + x.Rank : a.Axis);
        int[] shape = [.. x.Shape];
        (shape[axis], shape[^1]) = (g.Frequencies, 2);
        var y = Tensor.Zeros(x.DataType, shape);
        for (var o = 0; o < g.Outer; o++)
        {
            for (var i = 0; i < g.Inner; i++)
            {
                for (var k = 0; k < g.Frequencies; k++)
                {
                    double re = 0, im = 0;
                    for (var n = 0; n < Math.Min(g.Size, g.Length); n++)
                    {
                        var at = ((o * g.Size + n) * g.Inner + i) * g.Components;
                        var (xr, xi) = (x.GetDouble(at), g.Components == 2 ? x.GetDouble(at + 1) : 0);
                        var j = (int)((long)k * n % g.Length);
                        var (c, s) = (twiddles[2 * j], sign * twiddles[2 * j + 1]);
                        re += xr * c - xi * s;
                        im += xr * s + xi * c;
                    }
                    var to = ((o * g.Frequencies + k) * g.Inner + i) * 2;
                    y.SetDouble(to, re * scale);
                    y.SetDouble(to + 1, im * scale);
                }
            }
        }
        return [y];
    }
}
