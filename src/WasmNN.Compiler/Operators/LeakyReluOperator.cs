using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of LeakyRelu.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 0.01).</param>
public sealed record LeakyReluAttributes(float Alpha) : OperatorAttributes;

/// <summary>ONNX LeakyRelu: leaky rectified linear unit.</summary>
/// <remarks>y = x if x >= 0 else alpha * x</remarks>
public sealed class LeakyReluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "LeakyRelu";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new LeakyReluAttributes(attributes.GetFloat("alpha", 0.01f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<LeakyReluAttributes>(attributes);
        return x >= 0 ? x : a.Alpha * x;
    }
}
