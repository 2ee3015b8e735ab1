using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Elu.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 1.0).</param>
public sealed record EluAttributes(float Alpha) : OperatorAttributes;

/// <summary>ONNX Elu: exponential linear unit.</summary>
/// <remarks>y = x if x >= 0 else alpha * (exp(x) - 1)</remarks>
public sealed class EluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Elu";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new EluAttributes(attributes.GetFloat("alpha", 1.0f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<EluAttributes>(attributes);
        return x >= 0 ? x : a.Alpha * (Math.Exp(x) - 1);
    }
}
