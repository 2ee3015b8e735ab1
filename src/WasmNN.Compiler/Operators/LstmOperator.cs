using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>ONNX LSTM: long short-term memory, gates in the order i (input), o (output), f (forget), c (cell).</summary>
/// <remarks>
/// i = f(Wi x + Wbi + Ri h + Rbi + Pi * c), f' = f(Wf x + Wbf + Rf h + Rbf + Pf * c) (or 1 - i with input_forget),
/// c~ = g(Wc x + Wbc + Rc h + Rbc), c' = f' * c + i * c~, o = f(Wo x + Wbo + Ro h + Rbo + Po * c'), h' = o * h(c').
/// f = Sigmoid, g = h = Tanh by default; P [D, 3H] holds the peepholes in the order i, o, f; every gate input is
/// clipped when clip is set.
/// </remarks>
public sealed class LstmOperator : RecurrentOperator
{
    /// <summary>Index of the peephole weights P among the inputs.</summary>
    public const int PeepholeInput = 7;

    /// <inheritdoc/>
    public override string OpType => "LSTM";

    /// <inheritdoc/>
    public override int GateCount => 4;

    /// <inheritdoc/>
    protected override IReadOnlyList<RecurrentActivation> DefaultActivations => [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh, RecurrentActivation.Tanh];

    /// <inheritdoc/>
    protected override int OutputCount => 3;

    /// <inheritdoc/>
    protected override bool HasCellState => true;

    /// <inheritdoc/>
    protected override bool IsConstantParameter(int index) => index == PeepholeInput;

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var types = base.InferTypes(attributes, inputs);
        if (Optional(inputs, PeepholeInput) is { Shape: { } p } && types[1].Shape is { } yh)
        {
            var directions = As<RecurrentAttributes>(attributes).Directions;
            var hidden = yh[^1];
            if (p.Length != 2 || p[0] != directions || p[1] != 3 * hidden)
            {
                throw new OperatorException($"P {Shapes.Format(p)} must be [{directions}, {3 * hidden}]");
            }
        }
        return types;
    }

    /// <inheritdoc/>
    protected override Step CreateStep(RecurrentAttributes a, int direction, RecurrentWeights weights, IReadOnlyList<Tensor?> inputs)
    {
        var (gate, cell, output) = (a.Activations[direction * 3], a.Activations[direction * 3 + 1], a.Activations[direction * 3 + 2]);
        var n = weights.Dims.Hidden;
        var p = Optional(inputs, PeepholeInput)?.ToDoubleArray().AsSpan(direction * 3 * n, 3 * n).ToArray() ?? new double[3 * n];
        return (x, h, c) =>
        {
            var next = new double[n];
            for (var j = 0; j < n; j++)
            {
                var pre = new double[4];
                for (var index = 0; index < 4; index++)
                {
                    pre[index] = weights.Input(direction, index * n + j, x) + weights.Hidden(direction, index * n + j, h);
                }
                var i = gate.Apply(Clip(a, pre[0] + p[j] * c[j]));
                var f = a.InputForget ? 1 - i : gate.Apply(Clip(a, pre[2] + p[2 * n + j] * c[j]));
                var candidate = cell.Apply(Clip(a, pre[3]));
                var state = f * c[j] + i * candidate;
                var o = gate.Apply(Clip(a, pre[1] + p[n + j] * state));
                next[j] = o * output.Apply(state);
                c[j] = state;
            }
            next.CopyTo(h, 0);
        };
    }
}
