using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The gate arithmetic of one batch entry at one time step, over its hidden units at the kernel's lane width:
/// reads the projection and recurrent gate rows, updates the hidden (and cell) state in place and writes Y.
/// The formulas are those of <see cref="RnnOperator"/>, <see cref="GruOperator"/> and <see cref="LstmOperator"/>.
/// </summary>
internal abstract class RecurrentCells(RecurrentKernel.Layout layout, bool writesOutput)
{
    protected RecurrentKernel.Layout Layout { get; } = layout;

    protected int HiddenSize => Layout.Dims.Hidden;

    public static RecurrentCells For(Node node, RecurrentKernel.Layout layout, LoweringContext context)
    {
        var writesOutput = node.Outputs.ElementAtOrDefault(0) is not null;
        return node.Operator switch
        {
            LstmOperator => new Lstm(layout, writesOutput, node.Inputs.ElementAtOrDefault(LstmOperator.PeepholeInput) is { } p ? context.Address(p) : null),
            GruOperator => new Gru(layout, writesOutput),
            _ => new Rnn(layout, writesOutput),
        };
    }

    /// <summary>GRU without linear_before_reset: computes r and stores r * h for the hidden product.</summary>
    public virtual void EmitResetPass(FunctionBuilder w, int width, RecurrentRows rows, int direction) { }

    /// <summary>The step proper: new state and Y.</summary>
    public abstract void EmitStep(FunctionBuilder w, int width, RecurrentRows rows, int direction);

    /// <summary>Runs <paramref name="body"/> over the hidden units with the byte offset in a fresh local.</summary>
    protected static void ForEachUnit(FunctionBuilder w, int width, int count, Action<int, uint> body)
    {
        var offset = w.Local(ValueType.I32);
        KernelLoops.Run(w, width, count, offset, lanes => body(lanes, offset));
    }

    /// <summary>Pushes projection + recurrent product of gate <paramref name="gate"/>.</summary>
    protected void PushGateInput(FunctionBuilder w, int lanes, RecurrentRows rows, uint offset, int gate)
    {
        var at = (uint)(gate * HiddenSize * 4);
        w.Get(rows.Projection).Get(offset).Op(Opcode.I32Add).Load(lanes, at);
        w.Get(rows.Gates).Get(offset).Op(Opcode.I32Add).Load(lanes, at).Add(lanes);
    }

    /// <summary>Loads the float at <paramref name="row"/> + offset (+ <paramref name="at"/> bytes).</summary>
    protected static FunctionBuilder LoadAt(FunctionBuilder w, int lanes, uint row, uint offset, int at = 0) =>
        w.Get(row).Get(offset).Op(Opcode.I32Add).Load(lanes, (uint)at);

    /// <summary>Clip (when set, and <paramref name="clipped"/>) and the activation, on the value on the stack.</summary>
    protected void Activate(FunctionBuilder w, int lanes, RecurrentActivation activation, bool clipped = true)
    {
        if (clipped && Layout.Attributes.Clip is { } clip)
        {
            w.Constant(lanes, clip).Min(lanes).Constant(lanes, -clip).Max(lanes);
        }
        switch (activation.Kind)
        {
            case RecurrentActivationKind.Sigmoid:
                w.Sigmoid(lanes);
                break;
            case RecurrentActivationKind.Tanh:
                w.Tanh(lanes);
                break;
            case RecurrentActivationKind.Relu:
                w.Constant(lanes, 0).Max(lanes);
                break;
            case RecurrentActivationKind.HardSigmoid:
                w.Constant(lanes, activation.Alpha).Mul(lanes).Constant(lanes, activation.Beta).Add(lanes)
                    .Constant(lanes, 1).Min(lanes).Constant(lanes, 0).Max(lanes);
                break;
            case RecurrentActivationKind.LeakyRelu:
                {
                    var x = w.VectorLocal(lanes);
                    w.Set(x);
                    FloatMath.Choose(w, lanes, () => w.Get(x), () => w.Get(x).Constant(lanes, activation.Alpha).Mul(lanes),
                        () => w.Get(x).Constant(lanes, 0).Op(lanes, Opcode.F32Ge, Opcode.F32x4Ge));
                    break;
                }
            case RecurrentActivationKind.Affine:
                w.Constant(lanes, activation.Alpha).Mul(lanes).Constant(lanes, activation.Beta).Add(lanes);
                break;
            case RecurrentActivationKind.ScaledTanh:
                w.Constant(lanes, activation.Beta).Mul(lanes).Tanh(lanes).Constant(lanes, activation.Alpha).Mul(lanes);
                break;
            default:
                throw new UnsupportedOperatorException($"activation {activation.Kind} has no wasm lowering");
        }
    }

    /// <summary>Stores the new hidden value (local) into the state row and, when wanted, Y's row.</summary>
    protected void StoreHidden(FunctionBuilder w, int lanes, RecurrentRows rows, uint offset, uint value)
    {
        w.Get(rows.Hidden).Get(offset).Op(Opcode.I32Add).Get(value).Store(lanes);
        if (writesOutput)
        {
            w.Get(rows.Output).Get(offset).Op(Opcode.I32Add).Get(value).Store(lanes);
        }
    }

    private sealed class Rnn(RecurrentKernel.Layout layout, bool writesOutput) : RecurrentCells(layout, writesOutput)
    {
        public override void EmitStep(FunctionBuilder w, int width, RecurrentRows rows, int direction) =>
            ForEachUnit(w, width, HiddenSize, (lanes, offset) =>
            {
                var h = w.VectorLocal(lanes);
                PushGateInput(w, lanes, rows, offset, 0);
                Activate(w, lanes, Layout.Attributes.Activations[direction]);
                w.Set(h);
                StoreHidden(w, lanes, rows, offset, h);
            });
    }

    private sealed class Gru(RecurrentKernel.Layout layout, bool writesOutput) : RecurrentCells(layout, writesOutput)
    {
        // r * h goes to the ResetHidden area, the same row position as the hidden state's.
        private int ResetHiddenFromHidden => Layout.ResetHidden - Layout.Hidden;

        public override void EmitResetPass(FunctionBuilder w, int width, RecurrentRows rows, int direction) =>
            ForEachUnit(w, width, HiddenSize, (lanes, offset) =>
            {
                w.Get(rows.Hidden).Get(offset).Op(Opcode.I32Add);
                PushGateInput(w, lanes, rows, offset, 1);
                Activate(w, lanes, Layout.Attributes.Activations[direction * 2]);
                LoadAt(w, lanes, rows.Hidden, offset).Mul(lanes).Store(lanes, (uint)ResetHiddenFromHidden);
            });

        public override void EmitStep(FunctionBuilder w, int width, RecurrentRows rows, int direction)
        {
            var (f, g) = (Layout.Attributes.Activations[direction * 2], Layout.Attributes.Activations[direction * 2 + 1]);
            ForEachUnit(w, width, HiddenSize, (lanes, offset) =>
            {
                var (z, candidate, h) = (w.VectorLocal(lanes), w.VectorLocal(lanes), w.VectorLocal(lanes));
                PushGateInput(w, lanes, rows, offset, 0);
                Activate(w, lanes, f);
                w.Set(z);
                var hiddenGate = 2 * HiddenSize * 4;
                LoadAt(w, lanes, rows.Projection, offset, hiddenGate);
                if (Layout.ResetBeforeLinear)
                {
                    // The gate row already holds (r * h) Rh^T + Rbh.
                    LoadAt(w, lanes, rows.Gates, offset, hiddenGate);
                }
                else
                {
                    PushGateInput(w, lanes, rows, offset, 1);
                    Activate(w, lanes, f);
                    LoadAt(w, lanes, rows.Gates, offset, hiddenGate).Mul(lanes);
                }
                w.Add(lanes);
                Activate(w, lanes, g);
                w.Set(candidate);
                // h' = (1 - z) h~ + z h.
                w.Constant(lanes, 1).Get(z).Sub(lanes).Get(candidate).Mul(lanes);
                w.Get(z);
                LoadAt(w, lanes, rows.Hidden, offset).Mul(lanes).Add(lanes).Set(h);
                StoreHidden(w, lanes, rows, offset, h);
            });
        }
    }

    private sealed class Lstm(RecurrentKernel.Layout layout, bool writesOutput, int? peepholes) : RecurrentCells(layout, writesOutput)
    {
        public override void EmitStep(FunctionBuilder w, int width, RecurrentRows rows, int direction)
        {
            var a = Layout.Attributes;
            var (f, g, hAct) = (a.Activations[direction * 3], a.Activations[direction * 3 + 1], a.Activations[direction * 3 + 2]);
            ForEachUnit(w, width, HiddenSize, (lanes, offset) =>
            {
                var (c, input, forget, state, h) = (w.VectorLocal(lanes), w.VectorLocal(lanes), w.VectorLocal(lanes), w.VectorLocal(lanes), w.VectorLocal(lanes));
                LoadAt(w, lanes, rows.Cell, offset).Set(c);
                void Gate(int gate, int peephole, uint cellValue, RecurrentActivation activation)
                {
                    PushGateInput(w, lanes, rows, offset, gate);
                    if (peepholes is { } address)
                    {
                        // P is [D, 3H] in the order i, o, f.
                        w.Get(offset).Load(lanes, (uint)(address + (direction * 3 + peephole) * HiddenSize * 4)).Get(cellValue).Mul(lanes).Add(lanes);
                    }
                    Activate(w, lanes, activation);
                }
                Gate(0, 0, c, f);
                w.Set(input);
                if (a.InputForget)
                {
                    w.Constant(lanes, 1).Get(input).Sub(lanes).Set(forget);
                }
                else
                {
                    Gate(2, 2, c, f);
                    w.Set(forget);
                }
                // c' = f c + i g(cell gate).
                w.Get(forget).Get(c).Mul(lanes).Get(input);
                PushGateInput(w, lanes, rows, offset, 3);
                Activate(w, lanes, g);
                w.Mul(lanes).Add(lanes).Set(state);
                w.Get(rows.Cell).Get(offset).Op(Opcode.I32Add).Get(state).Store(lanes);
                Gate(1, 1, state, f);
                // h(c'): the clip bounds gate inputs, not the cell state.
                w.Get(state);
                Activate(w, lanes, hAct, clipped: false);
                w.Mul(lanes).Set(h);
                StoreHidden(w, lanes, rows, offset, h);
            });
        }
    }
}
