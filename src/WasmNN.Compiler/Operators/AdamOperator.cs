using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Adam.</summary>
/// <param name="Alpha">ONNX 'alpha', the decay of the first moment (default 0.9).</param>
/// <param name="Beta">ONNX 'beta', the decay of the second moment (default 0.999).</param>
/// <param name="Epsilon">ONNX 'epsilon' (default 1e-6).</param>
/// <param name="NormCoefficient">ONNX 'norm_coefficient', the L2 regularisation weight (default 0).</param>
/// <param name="NormCoefficientPost">ONNX 'norm_coefficient_post', the weight decay after the update (default 0).</param>
public sealed record AdamAttributes(double Alpha, double Beta, double Epsilon, double NormCoefficient, double NormCoefficientPost) : OperatorAttributes;

/// <summary>ai.onnx.preview.training Adam (v1): inputs R, T, X..., G..., V..., H...; outputs X_new..., V_new..., H_new....</summary>
/// <remarks>
/// g = norm_coefficient * X + G; V_new = alpha * V + (1 - alpha) * g; H_new = beta * H + (1 - beta) * g^2;
/// r = T &gt; 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R;
/// X_new = (1 - norm_coefficient_post) * (X - r * V_new / (sqrt(H_new) + epsilon)).
/// </remarks>
public sealed class AdamOperator : OptimizerOperator
{
    /// <inheritdoc/>
    public override string OpType => "Adam";

    /// <inheritdoc/>
    protected override int InputGroups => 4;

    /// <inheritdoc/>
    protected override int[] OutputGroups => [0, 2, 3];

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new AdamAttributes(attributes.GetFloat("alpha", 0.9f), attributes.GetFloat("beta", 0.999f), attributes.GetFloat("epsilon", 1e-6f),
            attributes.GetFloat("norm_coefficient", 0f), attributes.GetFloat("norm_coefficient_post", 0f));

    /// <inheritdoc/>
    protected override double[] Rule(OperatorAttributes attributes, double r, long t, double[] state)
    {
        var a = As<AdamAttributes>(attributes);
        var (x, g, v, h) = (state[0], state[1], state[2], state[3]);
        var regularized = a.NormCoefficient * x + g;
        var vNew = a.Alpha * v + (1 - a.Alpha) * regularized;
        var hNew = a.Beta * h + (1 - a.Beta) * regularized * regularized;
        var rate = t > 0 ? r * Math.Sqrt(1 - Math.Pow(a.Beta, t)) / (1 - Math.Pow(a.Alpha, t)) : r;
        var xNew = x - rate * (vNew / (Math.Sqrt(hNew) + a.Epsilon));
        return [(1 - a.NormCoefficientPost) * xNew, vNew, hNew];
    }

    /// <inheritdoc/>
    protected override Value[] ExpandRule(OperatorAttributes attributes, NodeReplacement b, Value r, Value t, Value[] state)
    {
        var a = As<AdamAttributes>(attributes);
        var (x, g, v, h) = (state[0], state[1], state[2], state[3]);
        var type = x.ElementType;
        var regularized = ScaleAdd(b, a.NormCoefficient, x, g);
        var vNew = b.Add("Add", [b.Add("Mul", [b.Scalar(type, a.Alpha), v]), b.Add("Mul", [b.Scalar(type, 1 - a.Alpha), regularized])]);
        var squared = b.Add("Mul", [regularized, regularized]);
        var hNew = b.Add("Add", [b.Add("Mul", [b.Scalar(type, a.Beta), h]), b.Add("Mul", [b.Scalar(type, 1 - a.Beta), squared])]);
        // The bias correction: 1 - d^T as 1 - exp(T * ln d), so no Pow kernel with a run-time exponent is needed.
        var steps = b.Cast(t, type);
        Value OneMinusPower(double d) => b.Add("Sub", [b.Scalar(type, 1), b.Add("Exp", [b.Add("Mul", [steps, b.Scalar(type, Math.Log(d))])])]);
        var corrected = b.Add("Div", [b.Add("Mul", [r, b.Add("Sqrt", [OneMinusPower(a.Beta)])]), OneMinusPower(a.Alpha)]);
        var rate = b.Add("Where", [Positive(b, t), corrected, r]);
        var adaptive = b.Add("Add", [b.Add("Sqrt", [hNew]), b.Scalar(type, a.Epsilon)]);
        var xNew = b.Add("Sub", [x, b.Add("Mul", [rate, b.Add("Div", [vNew, adaptive])])]);
        return [b.Add("Mul", [b.Scalar(type, 1 - a.NormCoefficientPost), xNew]), vNew, hNew];
    }
}
