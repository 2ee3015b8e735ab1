using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX GRU: the gated recurrent unit, gates in the order z (update), r (reset), h (hidden).</summary>
/// <remarks>
/// z = f(Wz x + Wbz + Rz h + Rbz), r = f(Wr x + Wbr + Rr h + Rbr);
/// h~ = g(Wh x + Wbh + Rh (r * h) + Rbh), or with linear_before_reset g(Wh x + Wbh + r * (Rh h + Rbh));
/// h' = (1 - z) * h~ + z * h. f = Sigmoid, g = Tanh by default; every gate input is clipped when clip is set.
/// </remarks>
public sealed class GruOperator : RecurrentOperator
{
    /// <inheritdoc/>
    public override string OpType => "GRU";

    /// <inheritdoc/>
    public override int GateCount => 3;

    /// <inheritdoc/>
    protected override IReadOnlyList<RecurrentActivation> DefaultActivations => [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh];

    /// <inheritdoc/>
    protected override int OutputCount => 2;

    /// <inheritdoc/>
    protected override Step CreateStep(RecurrentAttributes a, int direction, RecurrentWeights weights, IReadOnlyList<Tensor?> inputs)
    {
        var f = a.Activations[direction * 2];
        var g = a.Activations[direction * 2 + 1];
        var n = weights.Dims.Hidden;
        return (x, h, _) =>
        {
            var z = new double[n];
            var r = new double[n];
            for (var j = 0; j < n; j++)
            {
                z[j] = f.Apply(Clip(a, weights.Input(direction, j, x) + weights.Hidden(direction, j, h)));
                r[j] = f.Apply(Clip(a, weights.Input(direction, n + j, x) + weights.Hidden(direction, n + j, h)));
            }
            var resetHidden = h.Select((v, j) => r[j] * v).ToArray();
            var next = new double[n];
            for (var j = 0; j < n; j++)
            {
                var recurrent = a.LinearBeforeReset ? r[j] * weights.Hidden(direction, 2 * n + j, h) : weights.Hidden(direction, 2 * n + j, resetHidden);
                var candidate = g.Apply(Clip(a, weights.Input(direction, 2 * n + j, x) + recurrent));
                next[j] = (1 - z[j]) * candidate + z[j] * h[j];
            }
            next.CopyTo(h, 0);
        };
    }
}
