using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>Which way a recurrent layer runs over the sequence.</summary>
public enum RecurrentDirection
{
    /// <summary>t = 0 .. T-1.</summary>
    Forward,
    /// <summary>t = T-1 .. 0.</summary>
    Reverse,
    /// <summary>Both, forward as direction 0 and reverse as direction 1.</summary>
    Bidirectional,
}

/// <summary>Attributes shared by RNN, GRU and LSTM.</summary>
/// <param name="HiddenSize">hidden_size, or 0 to take it from R's shape.</param>
/// <param name="Direction">direction.</param>
/// <param name="Layout">0: X is [seq, batch, input]; 1 (batchwise): [batch, seq, input], and the outputs batch-major.</param>
/// <param name="Activations">The cell's activations for each direction, direction 0's first.</param>
/// <param name="Clip">Gate inputs are clipped to [-clip, clip]; null for none.</param>
/// <param name="LinearBeforeReset">GRU: apply the reset gate after the hidden state's linear transformation.</param>
/// <param name="InputForget">LSTM: couple the input and forget gates (f = 1 - i).</param>
public sealed record RecurrentAttributes(int HiddenSize, RecurrentDirection Direction, int Layout, RecurrentActivation[] Activations,
    float? Clip, bool LinearBeforeReset, bool InputForget) : OperatorAttributes
{
    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions => Direction == RecurrentDirection.Bidirectional ? 2 : 1;

    /// <summary>True when direction <paramref name="d"/> walks the sequence backwards.</summary>
    public bool IsReverse(int d) => Direction == RecurrentDirection.Reverse || (Direction == RecurrentDirection.Bidirectional && d == 1);
}

/// <summary>
/// What RNN, GRU and LSTM share: inputs X, W, R, B, sequence_lens, initial_h (and LSTM's initial_c, P), outputs
/// Y, Y_h (and LSTM's Y_c), the two layouts, directions, per-batch sequence lengths. Each cell adds its gate count,
/// default activations and one time step.
/// </summary>
/// <remarks>
/// Layout 0: X [T, B, I], Y [T, D, B, H], Y_h and Y_c [D, B, H]. Layout 1: X [B, T, I], Y [B, T, D, H], Y_h and
/// Y_c [B, D, H]. W is [D, G H, I], R [D, G H, H], B [D, 2 G H] (input biases, then recurrence biases). Steps past a
/// batch entry's sequence length leave its state alone and write zeros to Y.
/// </remarks>
public abstract class RecurrentOperator : OnnxOperator
{
    /// <summary>Index of sequence_lens among the inputs.</summary>
    public const int SequenceLengthsInput = 4;

    /// <summary>Index of initial_h among the inputs.</summary>
    public const int InitialHiddenInput = 5;

    /// <summary>Gates per cell: 1 (RNN), 3 (GRU), 4 (LSTM).</summary>
    public abstract int GateCount { get; }

    /// <summary>Activations per direction when the attribute is absent.</summary>
    protected abstract IReadOnlyList<RecurrentActivation> DefaultActivations { get; }

    /// <summary>Outputs the operator declares: Y, Y_h (and Y_c).</summary>
    protected abstract int OutputCount { get; }

    /// <inheritdoc/>
    public override int MinOpset => 7;

    /// <inheritdoc/>
    public override OpPatternKind PatternKind => OpPatternKind.Opaque;

    /// <inheritdoc/>
    /// <remarks>The weights, biases, peepholes and lengths configure the kernel (packed at compile time); X and the initial states are data.</remarks>
    public override bool RequiresConstantInput(OperatorAttributes attributes, int index) => index is 1 or 2 or 3 or SequenceLengthsInput || IsConstantParameter(index);

    /// <summary>Further constant inputs of a cell (LSTM's P).</summary>
    protected virtual bool IsConstantParameter(int index) => false;

    /// <inheritdoc/>
    public override OperatorAttributes ParseAttributes(AttributeBag attributes, int opset)
    {
        var direction = attributes.GetString("direction", "forward") switch
        {
            "forward" => RecurrentDirection.Forward,
            "reverse" => RecurrentDirection.Reverse,
            "bidirectional" => RecurrentDirection.Bidirectional,
            var other => throw new OperatorException($"direction '{other}' is not forward, reverse or bidirectional"),
        };
        var layout = (int)attributes.GetInt("layout", 0);
        if (layout is not (0 or 1))
        {
            throw new OperatorException($"layout {layout} is not 0 or 1");
        }
        float? clip = attributes.Has("clip") ? attributes.GetFloat("clip", 0) : null;
        var directions = direction == RecurrentDirection.Bidirectional ? 2 : 1;
        return new RecurrentAttributes((int)attributes.GetInt("hidden_size", 0), direction, layout,
            RecurrentActivation.Parse(attributes, directions, DefaultActivations), clip,
            attributes.GetInt("linear_before_reset", 0) != 0, attributes.GetInt("input_forget", 0) != 0);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<TensorType> InferTypes(OperatorAttributes attributes, IReadOnlyList<Value?> inputs)
    {
        var a = As<RecurrentAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var w = Required(inputs, 1, "W");
        var r = Required(inputs, 2, "R");
        if (x.Shape is null || w.Shape is null || r.Shape is null)
        {
            return [.. Enumerable.Repeat(new TensorType(x.ElementType, null), OutputCount)];
        }
        var dims = Dimensions(a, x.Shape, w.Shape, r.Shape);
        if (Optional(inputs, 3) is { Shape: { } b } && (b.Length != 2 || b[0] != dims.Directions || b[1] != 2 * GateCount * dims.Hidden))
        {
            throw new OperatorException($"B {Shapes.Format(b)} must be [{dims.Directions}, {2 * GateCount * dims.Hidden}]");
        }
        var shapes = OutputShapes(a, dims);
        if (Optional(inputs, SequenceLengthsInput) is { Shape: { } lengths } && (lengths.Length != 1 || lengths[0] != dims.Batch))
        {
            throw new OperatorException($"sequence_lens {Shapes.Format(lengths)} must be [{dims.Batch}]");
        }
        for (var i = InitialHiddenInput; i < InitialHiddenInput + OutputCount - 1; i++)
        {
            if (Optional(inputs, i) is { Shape: { } state } && !Shapes.AreEqual(state, shapes[1]))
            {
                throw new OperatorException($"initial state {i - InitialHiddenInput} {Shapes.Format(state)} must be {Shapes.Format(shapes[1])}");
            }
        }
        return [.. shapes.Take(OutputCount).Select(s => new TensorType(x.ElementType, s))];
    }

    /// <summary>Sequence length, batch, input size, hidden size and directions, checked against W and R.</summary>
    public RecurrentDimensions Dimensions(RecurrentAttributes a, int[] x, int[] w, int[] r)
    {
        if (x.Length != 3 || w.Length != 3 || r.Length != 3)
        {
            throw new OperatorException($"X {Shapes.Format(x)}, W {Shapes.Format(w)} and R {Shapes.Format(r)} must have rank 3");
        }
        var hidden = a.HiddenSize > 0 ? a.HiddenSize : r[2];
        var (sequence, batch) = a.Layout == 0 ? (x[0], x[1]) : (x[1], x[0]);
        var gates = GateCount * hidden;
        if (w[0] != a.Directions || w[1] != gates || w[2] != x[2] || r[0] != a.Directions || r[1] != gates || r[2] != hidden)
        {
            throw new OperatorException($"W {Shapes.Format(w)} and R {Shapes.Format(r)} must be [{a.Directions}, {gates}, {x[2]}] and " +
                $"[{a.Directions}, {gates}, {hidden}] for X {Shapes.Format(x)}, hidden_size {hidden} and {a.Direction}");
        }
        return new RecurrentDimensions(sequence, batch, x[2], hidden, a.Directions);
    }

    /// <summary>The shapes of Y, Y_h and Y_c.</summary>
    public static int[][] OutputShapes(RecurrentAttributes a, RecurrentDimensions d) => a.Layout == 0
        ? [[d.Sequence, d.Directions, d.Batch, d.Hidden], [d.Directions, d.Batch, d.Hidden], [d.Directions, d.Batch, d.Hidden]]
        : [[d.Batch, d.Sequence, d.Directions, d.Hidden], [d.Batch, d.Directions, d.Hidden], [d.Batch, d.Directions, d.Hidden]];

    /// <inheritdoc/>
    public override Tensor[] Evaluate(OperatorAttributes attributes, IReadOnlyList<Tensor?> inputs)
    {
        var a = As<RecurrentAttributes>(attributes);
        var x = Required(inputs, 0, "X");
        var dims = Dimensions(a, x.Shape, Required(inputs, 1, "W").Shape, Required(inputs, 2, "R").Shape);
        var weights = new RecurrentWeights(dims, GateCount, Required(inputs, 1, "W").ToDoubleArray(), Required(inputs, 2, "R").ToDoubleArray(),
            Optional(inputs, 3)?.ToDoubleArray());
        var lengths = SequenceLengths(Optional(inputs, SequenceLengthsInput), dims);
        var shapes = OutputShapes(a, dims);
        var y = new double[Shapes.ElementCount(shapes[0])];
        var yh = new double[Shapes.ElementCount(shapes[1])];
        var yc = new double[yh.Length];
        var xd = x.ToDoubleArray();
        var initialH = Optional(inputs, InitialHiddenInput)?.ToDoubleArray();
        var initialC = Optional(inputs, InitialHiddenInput + 1)?.ToDoubleArray();
        var (s, n, hs, nd) = (dims.Sequence, dims.Batch, dims.Hidden, dims.Directions);
        for (var d = 0; d < nd; d++)
        {
            var step = CreateStep(a, d, weights, inputs);
            for (var b = 0; b < n; b++)
            {
                var stateOffset = (a.Layout == 0 ? d * n + b : b * nd + d) * hs;
                var h = initialH?.AsSpan(stateOffset, hs).ToArray() ?? new double[hs];
                var c = HasCellState && initialC is not null ? initialC.AsSpan(stateOffset, hs).ToArray() : new double[hs];
                for (var k = 0; k < lengths[b]; k++)
                {
                    var t = a.IsReverse(d) ? lengths[b] - 1 - k : k;
                    var xRow = xd.AsSpan((a.Layout == 0 ? t * n + b : b * s + t) * dims.Input, dims.Input);
                    step(xRow, h, c);
                    var yOffset = (a.Layout == 0 ? (t * nd + d) * n + b : (b * s + t) * nd + d) * hs;
                    h.CopyTo(y.AsSpan(yOffset, hs));
                }
                h.CopyTo(yh.AsSpan(stateOffset, hs));
                c.CopyTo(yc.AsSpan(stateOffset, hs));
            }
        }
        Tensor[] results = [Tensor.FromDoubles(x.DataType, shapes[0], y), Tensor.FromDoubles(x.DataType, shapes[1], yh),
            Tensor.FromDoubles(x.DataType, shapes[2], yc)];
        return results[..OutputCount];
    }

    /// <summary>True for LSTM, whose cell state c is carried between steps.</summary>
    protected virtual bool HasCellState => false;

    /// <summary>One time step of one direction: updates h (and c) in place from the input row x.</summary>
    protected delegate void Step(ReadOnlySpan<double> x, double[] h, double[] c);

    /// <summary>The cell's time step for one direction, with the node's weights and attributes bound.</summary>
    protected abstract Step CreateStep(RecurrentAttributes a, int direction, RecurrentWeights weights, IReadOnlyList<Tensor?> inputs);

    /// <summary>Each batch entry's sequence length: sequence_lens, or the full length when absent.</summary>
    public static int[] SequenceLengths(Tensor? sequenceLengths, RecurrentDimensions dims)
    {
        if (sequenceLengths is null)
        {
            return [.. Enumerable.Repeat(dims.Sequence, dims.Batch)];
        }
        var lengths = sequenceLengths.ToInt64Array();
        if (lengths.Length != dims.Batch || lengths.Any(l => l < 0 || l > dims.Sequence))
        {
            throw new OperatorException($"sequence_lens [{string.Join(", ", lengths)}] must hold {dims.Batch} lengths in [0, {dims.Sequence}]");
        }
        return [.. lengths.Select(l => (int)l)];
    }

    /// <summary>x clipped to [-clip, clip] when the node has a clip.</summary>
    protected static double Clip(RecurrentAttributes a, double x) => a.Clip is { } clip ? Math.Clamp(x, -clip, clip) : x;
}

/// <summary>The sizes of a recurrent layer.</summary>
/// <param name="Sequence">T.</param>
/// <param name="Batch">B.</param>
/// <param name="Input">I.</param>
/// <param name="Hidden">H.</param>
/// <param name="Directions">D.</param>
public sealed record RecurrentDimensions(int Sequence, int Batch, int Input, int Hidden, int Directions);

/// <summary>W, R and B of a recurrent node in double precision, with the gate products the reference needs.</summary>
/// <param name="Dims">Sizes.</param>
/// <param name="Gates">Gates per cell.</param>
/// <param name="W">[D, G H, I].</param>
/// <param name="R">[D, G H, H].</param>
/// <param name="B">[D, 2 G H] or null.</param>
public sealed record RecurrentWeights(RecurrentDimensions Dims, int Gates, double[] W, double[] R, double[]? B)
{
    /// <summary>Row <paramref name="row"/> of W (direction d) times x, plus the input bias.</summary>
    public double Input(int d, int row, ReadOnlySpan<double> x)
    {
        var sum = B is null ? 0 : B[d * 2 * Gates * Dims.Hidden + row];
        var offset = (d * Gates * Dims.Hidden + row) * Dims.Input;
        for (var k = 0; k < Dims.Input; k++)
        {
            sum += W[offset + k] * x[k];
        }
        return sum;
    }

    /// <summary>Row <paramref name="row"/> of R (direction d) times h, plus the recurrence bias.</summary>
    public double Hidden(int d, int row, ReadOnlySpan<double> h)
    {
        var sum = B is null ? 0 : B[(d * 2 + 1) * Gates * Dims.Hidden + row];
        var offset = (d * Gates * Dims.Hidden + row) * Dims.Hidden;
        for (var k = 0; k < Dims.Hidden; k++)
        {
            sum += R[offset + k] * h[k];
        }
        return sum;
    }
}
