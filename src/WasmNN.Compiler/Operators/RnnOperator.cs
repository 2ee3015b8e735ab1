using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX RNN: the simple (Elman) recurrent layer.</summary>
/// <remarks>h_t = f(clip(W x_t + Wb + R h_(t-1) + Rb)), f = Tanh by default. See <see cref="RecurrentOperator"/> for the layouts.</remarks>
public sealed class RnnOperator : RecurrentOperator
{
    /// <inheritdoc/>
    public override string OpType => "RNN";

    /// <inheritdoc/>
    public override int GateCount => 1;

    /// <inheritdoc/>
    protected override IReadOnlyList<RecurrentActivation> DefaultActivations => [RecurrentActivation.Tanh];

    /// <inheritdoc/>
    protected override int OutputCount => 2;

    /// <inheritdoc/>
    protected override Step CreateStep(RecurrentAttributes a, int direction, RecurrentWeights weights, IReadOnlyList<Tensor?> inputs)
    {
        var f = a.Activations[direction];
        var hidden = weights.Dims.Hidden;
        return (x, h, _) =>
        {
            var next = new double[hidden];
            for (var j = 0; j < hidden; j++)
            {
                next[j] = f.Apply(Clip(a, weights.Input(direction, j, x) + weights.Hidden(direction, j, h)));
            }
            next.CopyTo(h, 0);
        };
    }
}
