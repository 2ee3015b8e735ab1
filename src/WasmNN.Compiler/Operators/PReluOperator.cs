using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX PRelu: leaky rectifier with a learned slope broadcast (numpy rules, opset 7+) onto X.</summary>
/// <remarks>
/// y = x if x >= 0 else slope * x. Before opset 7 a 1-D slope of length C applied per channel (dimension 1 of X);
/// <see cref="UpgradeInputs"/> reshapes such a constant slope to [C, 1, ...] so numpy broadcasting means the same.
/// </remarks>
public sealed class PReluOperator : BinaryBroadcastOperator
{
    /// <inheritdoc/>
    public override string OpType => "PRelu";

    /// <inheritdoc/>
    public override double Apply(double a, double b) => a >= 0 ? a : a * b;

    /// <inheritdoc/>
    public override long ApplyInteger(long a, long b) => a >= 0 ? a : a * b;

    /// <inheritdoc/>
    public override IReadOnlyList<Value?> UpgradeInputs(IReadOnlyList<Value?> inputs, int opset)
    {
        var x = Required(inputs, 0, "X");
        var slope = Required(inputs, 1, "slope");
        if (opset >= 7 || x.Shape is not { Length: > 2 } xs || slope.Shape is not [var channels] || channels == 1)
        {
            return inputs;
        }
        if (channels != xs[1] && xs[1] >= 0)
        {
            throw new OperatorException($"slope '{slope.Name}' has {channels} elements; X {Shapes.Format(xs)} has {xs[1]} channels");
        }
        var constant = slope.Constant
            ?? throw new UnsupportedOperatorException($"PRelu before opset 7 with a run-time per-channel slope ('{slope.Name}') is not supported");
        int[] channelShape = [channels, .. Enumerable.Repeat(1, xs.Length - 2)];
        return [x, new Value($"{slope.Name}/per_channel", constant.Reshape(channelShape)), .. inputs.Skip(2)];
    }
}
