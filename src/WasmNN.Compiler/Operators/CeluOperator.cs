using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Celu.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 1.0).</param>
public sealed record CeluAttributes(float Alpha) : OperatorAttributes;

/// <summary>ONNX Celu: continuously differentiable ELU.</summary>
/// <remarks>y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))</remarks>
public sealed class CeluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Celu";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new CeluAttributes(attributes.GetFloat("alpha", 1.0f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<CeluAttributes>(attributes);
        return Math.Max(0, x) + Math.Min(0, a.Alpha * (Math.Exp(x / a.Alpha) - 1));
    }
}
