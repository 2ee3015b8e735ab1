using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Momentum.</summary>
/// <param name="Alpha">ONNX 'alpha', the decay of the accumulated momentum (required).</param>
/// <param name="Beta">ONNX 'beta', the weight of the new gradient (required).</param>
/// <param name="NormCoefficient">ONNX 'norm_coefficient', the L2 regularisation weight (required).</param>
/// <param name="Nesterov">ONNX 'mode' = "nesterov" (else "standard").</param>
public sealed record MomentumAttributes(double Alpha, double Beta, double NormCoefficient, bool Nesterov) : OperatorAttributes;

/// <summary>ai.onnx.preview.training Momentum (v1): inputs R, T, X..., G..., V...; outputs X_new..., V_new....</summary>
/// <remarks>
/// g = norm_coefficient * X + G; V_new = alpha * V + (T &gt; 0 ? beta : 1) * g; X_new = X - R * V_new (standard) or
/// X - R * (g + alpha * V_new) (nesterov).
/// </remarks>
public sealed class MomentumOperator : OptimizerOperator
{
    /// <inheritdoc/>
    public override string OpType => "Momentum";

    /// <inheritdoc/>
    protected override int InputGroups => 3;

    /// <inheritdoc/>
    protected override int[] OutputGroups => [0, 2];

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var mode = attributes.GetString("mode", "standard");
        if (mode is not ("standard" or "nesterov"))
        {
            throw new OperatorException($"mode '{mode}' is not one of 'standard', 'nesterov'");
        }
        return new MomentumAttributes(RequiredFloat(attributes, "alpha"), RequiredFloat(attributes, "beta"), RequiredFloat(attributes, "norm_coefficient"), mode == "nesterov");
    }

    private static float RequiredFloat(AttributeBag attributes, string name) =>
        attributes.Has(name) ? attributes.GetFloat(name, 0f) : throw new OperatorException($"attribute '{name}' is required");

    /// <inheritdoc/>
    protected override double[] Rule(OperatorAttributes attributes, double r, long t, double[] state)
    {
        var a = As<MomentumAttributes>(attributes);
        var (x, g, v) = (state[0], state[1], state[2]);
        var regularized = a.NormCoefficient * x + g;
        var vNew = a.Alpha * v + (t > 0 ? a.Beta : 1) * regularized;
        return [x - r * (a.Nesterov ? regularized + a.Alpha * vNew : vNew), vNew];
    }

    /// <inheritdoc/>
    protected override Value[] ExpandRule(OperatorAttributes attributes, NodeReplacement b, Value r, Value t, Value[] state)
    {
        var a = As<MomentumAttributes>(attributes);
        var (x, g, v) = (state[0], state[1], state[2]);
        var type = x.ElementType;
        var regularized = ScaleAdd(b, a.NormCoefficient, x, g);
        var beta = b.Add("Where", [Positive(b, t), b.Scalar(type, a.Beta), b.Scalar(type, 1)]);
        var vNew = b.Add("Add", [b.Add("Mul", [b.Scalar(type, a.Alpha), v]), b.Add("Mul", [beta, regularized])]);
        var direction = a.Nesterov ? ScaleAdd(b, a.Alpha, vNew, regularized) : vNew;
        return [b.Add("Sub", [x, b.Add("Mul", [r, direction])]), vNew];
    }
}
