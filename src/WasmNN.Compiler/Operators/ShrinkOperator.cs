using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of Shrink.</summary>
/// <param name="Bias">ONNX 'bias' (default 0).</param>
/// <param name="Lambd">ONNX 'lambd' (default 0.5).</param>
public sealed record ShrinkAttributes(float Bias, float Lambd) : OperatorAttributes;

/// <summary>ONNX Shrink (opset 9): soft or hard shrinkage.</summary>
/// <remarks>y = x + bias if x &lt; -lambd, x - bias if x &gt; lambd, else 0</remarks>
public sealed class ShrinkOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "Shrink";

    /// <inheritdoc/>
    public override int MinOpset => 9;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ShrinkAttributes(attributes.GetFloat("bias", 0f), attributes.GetFloat("lambd", 0.5f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<ShrinkAttributes>(attributes);
        return x < -a.Lambd ? x + a.Bias : x > a.Lambd ? x - a.Bias : 0;
    }
}
