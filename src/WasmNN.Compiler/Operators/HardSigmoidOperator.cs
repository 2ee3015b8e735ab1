using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of HardSigmoid.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 0.2).</param>
/// <param name="Beta">ONNX 'beta' (default 0.5).</param>
public sealed record HardSigmoidAttributes(float Alpha, float Beta) : OperatorAttributes;

/// <summary>ONNX HardSigmoid: piecewise-linear sigmoid.</summary>
/// <remarks>y = max(0, min(1, alpha * x + beta))</remarks>
public sealed class HardSigmoidOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "HardSigmoid";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new HardSigmoidAttributes(attributes.GetFloat("alpha", 0.2f), attributes.GetFloat("beta", 0.5f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<HardSigmoidAttributes>(attributes);
        return Math.Max(0, Math.Min(1, a.Alpha * x + a.Beta));
    }
}
