using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Adagrad.</summary>
/// <param name="DecayFactor">ONNX 'decay_factor' (default 0).</param>
/// <param name="Epsilon">ONNX 'epsilon' (default 0).</param>
/// <param name="NormCoefficient">ONNX 'norm_coefficient', the L2 regularisation weight (default 0).</param>
public sealed record AdagradAttributes(double DecayFactor, double Epsilon, double NormCoefficient) : OperatorAttributes;

/// <summary>ai.onnx.preview.training Adagrad (v1): inputs R, T, X..., G..., H...; outputs X_new..., H_new....</summary>
/// <remarks>r = R / (1 + T * decay_factor); g = norm_coefficient * X + G; H_new = H + g^2; X_new = X - r * g / (sqrt(H_new) + epsilon)</remarks>
public sealed class AdagradOperator : OptimizerOperator
{
    /// <inheritdoc/>
    public override string OpType => "Adagrad";

    /// <inheritdoc/>
    protected override int InputGroups => 3;

    /// <inheritdoc/>
    protected override int[] OutputGroups => [0, 2];

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new AdagradAttributes(attributes.GetFloat("decay_factor", 0f), attributes.GetFloat("epsilon", 0f), attributes.GetFloat("norm_coefficient", 0f));

    /// <inheritdoc/>
    protected override double[] Rule(OperatorAttributes attributes, double r, long t, double[] state)
    {
        var a = As<AdagradAttributes>(attributes);
        var (x, g, h) = (state[0], state[1], state[2]);
        var rate = r / (1 + t * a.DecayFactor);
        var regularized = a.NormCoefficient * x + g;
        var hNew = h + regularized * regularized;
        return [x - rate * regularized / (Math.Sqrt(hNew) + a.Epsilon), hNew];
    }

    /// <inheritdoc/>
    protected override Value[] ExpandRule(OperatorAttributes attributes, NodeReplacement b, Value r, Value t, Value[] state)
    {
        var a = As<AdagradAttributes>(attributes);
        var (x, g, h) = (state[0], state[1], state[2]);
        var type = x.ElementType;
        var rate = b.Add("Div", [r, ScaleAdd(b, a.DecayFactor, b.Cast(t, type), b.Scalar(type, 1))]);
        var regularized = ScaleAdd(b, a.NormCoefficient, x, g);
        var hNew = b.Add("Add", [h, b.Add("Mul", [regularized, regularized])]);
        var adaptive = b.Add("Add", [b.Add("Sqrt", [hNew]), b.Scalar(type, a.Epsilon)]);
        var step = b.Add("Div", [b.Add("Mul", [rate, regularized]), adaptive]);
        return [b.Add("Sub", [x, step]), hNew];
    }
}
