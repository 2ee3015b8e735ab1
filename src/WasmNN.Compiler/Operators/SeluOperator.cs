using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Selu.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 1.67326319217681884765625).</param>
/// <param name="Gamma">ONNX 'gamma' (default 1.05070102214813232421875).</param>
public sealed record SeluAttributes(float Alpha, float Gamma) : OperatorAttributes;

/// <summary>ONNX Selu: scaled exponential linear unit.</summary>
/// <remarks>y = gamma * x if x > 0 else gamma * (alpha * e^x - alpha)</remarks>
public sealed class SeluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Selu";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new SeluAttributes(attributes.GetFloat("alpha", 1.67326319217681884765625f), attributes.GetFloat("gamma", 1.05070102214813232421875f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<SeluAttributes>(attributes);
        return x > 0 ? a.Gamma * x : a.Gamma * (a.Alpha * Math.Exp(x) - a.Alpha);
    }
}
