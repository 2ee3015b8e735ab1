using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Attributes of ThresholdedRelu.</summary>
/// <param name="Alpha">ONNX 'alpha' (default 1.0).</param>
public sealed record ThresholdedReluAttributes(float Alpha) : OperatorAttributes;

/// <summary>ONNX ThresholdedRelu: thresholded rectified linear unit.</summary>
/// <remarks>y = x if x > alpha else 0</remarks>
public sealed class ThresholdedReluOperator : UnaryElementwiseOperator
{
    /// <inheritdoc/>
    public override string OpType => "ThresholdedRelu";

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset) =>
        new ThresholdedReluAttributes(attributes.GetFloat("alpha", 1.0f));

    /// <inheritdoc/>
    public override double Apply(OperatorAttributes attributes, double x)
    {
        var a = As<ThresholdedReluAttributes>(attributes);
        return x > a.Alpha ? x : 0;
    }
}
