using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Lowering.Memory;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// RNN, GRU and LSTM. Per direction: the input projection X W^T + Wb of every time step as one GEMM into scratch
/// (W transposed and packed at compile time), then a wasm loop over the time steps: H R^T + Rb for the whole batch
/// on the same GEMM (R packed likewise), and a pass over each batch entry's gates (<see cref="RecurrentCells"/>)
/// that updates the state in place and writes Y. GRU without linear_before_reset needs the reset gate before its
/// hidden product, so its step runs the z/r columns first and then (r * H) Rh^T.
/// </summary>
internal sealed class RecurrentKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["RNN", "GRU", "LSTM"];

    public string? Unsupported(Node node)
    {
        if (node.AllInputs.FirstOrDefault(v => v.ElementType is not (DataType.Float32 or DataType.Int32)) is { } other)
        {
            return $"input '{other.Name}' is {other.ElementType}; kernels handle float32";
        }
        var a = node.GetAttributes<RecurrentAttributes>();
        for (var i = 1; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] is { IsConstant: false } input && node.Operator.RequiresConstantInput(a, i))
            {
                return $"input '{input.Name}' must be a constant (weights, biases, peepholes and sequence_lens are packed at compile time)";
            }
        }
        return null;
    }

    public long ScratchBytes(Node node, LoweringOptions options) => Layout.Of(node).Bytes;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var layout = Layout.Of(node);
        var (a, d, gates) = (layout.Attributes, layout.Dims, layout.GateColumns);
        var x = node.Inputs[0]!;
        var weights = node.Inputs[1]!.Constant!.AsFloat32();
        var recurrence = node.Inputs[2]!.Constant!.AsFloat32();
        var bias = node.Inputs.ElementAtOrDefault(3)?.Constant?.AsFloat32();
        var lengths = RecurrentOperator.SequenceLengths(node.Inputs.ElementAtOrDefault(RecurrentOperator.SequenceLengthsInput)?.Constant, d);
        var ragged = lengths.Any(l => l != d.Sequence);
        var lengthTable = context.AddBytes($"{node.Name}#sequence_lens", [.. lengths.SelectMany(BitConverter.GetBytes)]);
        var scratch = context.ScratchAddress;
        var cell = RecurrentCells.For(node, layout, context);
        var (step, batch, length, time) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        var rows = new RecurrentRows(w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        var y = node.Outputs.ElementAtOrDefault(0);
        for (var direction = 0; direction < d.Directions; direction++)
        {
            var key = $"{node.Name}/{direction}";
            var biasBase = direction * 2 * gates;
            float[]? Bias(int offset, int count) => bias?.AsSpan(biasBase + offset, count).ToArray();
            // Projection of every time step: rows in X's own order (t, b) or (b, t).
            var projection = Packed(context, key + "/W", weights, direction * gates * d.Input, gates, d.Input);
            Gemm(context, w, new GemmShape(d.Sequence * d.Batch, gates, d.Input, d.Input, gates, gates), Bias(0, gates), key + "/Wb",
                context.Address(x), projection, scratch + layout.Projection);
            InitialState(context, w, node, layout, RecurrentOperator.InitialHiddenInput, direction, scratch + layout.Hidden, batch);
            if (layout.HasCellState)
            {
                InitialState(context, w, node, layout, RecurrentOperator.InitialHiddenInput + 1, direction, scratch + layout.Cell, batch);
            }
            // The recurrent products: all gate columns at once, or (GRU, reset before the linear map) z/r now and h after the reset gate.
            var split = layout.ResetBeforeLinear ? 2 * d.Hidden : gates;
            var recurrentAll = Packed(context, key + "/R", recurrence, direction * gates * d.Hidden, split, d.Hidden);
            var recurrentHidden = layout.ResetBeforeLinear
                ? Packed(context, key + "/Rh", recurrence, (direction * gates + split) * d.Hidden, d.Hidden, d.Hidden) : 0;
            var reverse = a.IsReverse(direction);
            w.For(step, 0, d.Sequence, 1, () =>
            {
                Gemm(context, w, new GemmShape(d.Batch, split, d.Hidden, d.Hidden, split, gates), Bias(gates, split), key + "/Rb",
                    scratch + layout.Hidden, recurrentAll, scratch + layout.Gates);
                void ForEachValidEntry(Action body) => w.For(batch, 0, d.Batch, 1, () =>
                {
                    w.Get(batch).I32(4).Op(Opcode.I32Mul).I32(lengthTable).Op(Opcode.I32Add).Load32().Set(length);
                    void Valid()
                    {
                        // t = step, or length - 1 - step backwards.
                        if (reverse)
                        {
                            w.Get(length).I32(1).Op(Opcode.I32Sub).Get(step).Op(Opcode.I32Sub).Set(time);
                        }
                        else
                        {
                            w.Get(step).Set(time);
                        }
                        rows.Point(w, layout, scratch, direction, batch, time, y is null ? -1 : context.Address(y));
                        body();
                    }
                    if (ragged)
                    {
                        w.If(() => w.Get(step).Get(length).Op(Opcode.I32LtS), Valid);
                    }
                    else
                    {
                        Valid();
                    }
                });
                if (layout.ResetBeforeLinear)
                {
                    ForEachValidEntry(() => cell.EmitResetPass(w, context.Width, rows, direction));
                    Gemm(context, w, new GemmShape(d.Batch, d.Hidden, d.Hidden, d.Hidden, d.Hidden, gates), Bias(gates + split, d.Hidden), key + "/Rbh",
                        scratch + layout.ResetHidden, recurrentHidden, scratch + layout.Gates + split * 4);
                }
                ForEachValidEntry(() => cell.EmitStep(w, context.Width, rows, direction));
                if (ragged && y is not null)
                {
                    // Steps past an entry's length write zeros to Y.
                    w.For(batch, 0, d.Batch, 1, () =>
                    {
                        w.If(() => w.Get(batch).I32(4).Op(Opcode.I32Mul).I32(lengthTable).Op(Opcode.I32Add).Load32().Get(step).Op(Opcode.I32LeS), () =>
                        {
                            rows.PointOutput(w, layout, direction, batch, step, context.Address(y));
                            w.Zero(() => w.Get(rows.Output), d.Hidden * 4);
                        });
                    });
                }
            });
            FinalState(context, w, node, layout, 1, direction, scratch + layout.Hidden, batch);
            if (layout.HasCellState)
            {
                FinalState(context, w, node, layout, 2, direction, scratch + layout.Cell, batch);
            }
        }
    }

    /// <summary>Rows [first, first + count) of the constant [.., columns] matrix, transposed and packed as the GEMM's B.</summary>
    private static int Packed(LoweringContext context, string key, float[] matrix, int firstElement, int count, int columns)
    {
        var transposed = new float[columns * count];
        for (var r = 0; r < count; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                transposed[c * count + r] = matrix[firstElement + r * columns + c];
            }
        }
        return context.AddWeights(key + "^T#columnpanels", GemmPacking.PackColumnPanels(transposed, context.Width, columns, count));
    }

    /// <summary>C = A B (+ a column bias placed as weights) on the blocked GEMM, B packed.</summary>
    private static void Gemm(LoweringContext context, FunctionBuilder w, GemmShape shape, float[]? bias, string biasKey, int a, int b, int c)
    {
        shape = shape with { PackedB = true };
        if (bias is not null)
        {
            shape = shape with { Bias = BiasKind.Column, BiasAddress = context.AddWeights(biasKey, bias) };
        }
        var (aLocal, bLocal, cLocal) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.I32));
        w.I32(a).Set(aLocal).I32(b).Set(bLocal).I32(c).Set(cLocal);
        GemmEmitter.Emit(w, context.Width, shape, aLocal, bLocal, cLocal, null);
    }

    /// <summary>Pushes the address of a [D, B, H] (layout 0) or [B, D, H] (layout 1) state row.</summary>
    private static void PushStateRow(FunctionBuilder w, Layout layout, int address, int direction, uint batch)
    {
        var d = layout.Dims;
        var (batchStride, directionOffset) = layout.Attributes.Layout == 0 ? (d.Hidden, direction * d.Batch * d.Hidden) : (d.Directions * d.Hidden, direction * d.Hidden);
        w.Get(batch).I32(batchStride * 4).Op(Opcode.I32Mul).I32(address + directionOffset * 4).Op(Opcode.I32Add);
    }

    private static void InitialState(LoweringContext context, FunctionBuilder w, Node node, Layout layout, int input, int direction, int state, uint batch)
    {
        var hidden = layout.Dims.Hidden;
        if (node.Inputs.ElementAtOrDefault(input) is not { } initial)
        {
            w.Zero(() => w.I32(state), layout.Dims.Batch * hidden * 4);
            return;
        }
        w.For(batch, 0, layout.Dims.Batch, 1, () => w.Copy(
            () => w.Get(batch).I32(hidden * 4).Op(Opcode.I32Mul).I32(state).Op(Opcode.I32Add),
            () => PushStateRow(w, layout, context.Address(initial), direction, batch), hidden * 4));
    }

    private static void FinalState(LoweringContext context, FunctionBuilder w, Node node, Layout layout, int output, int direction, int state, uint batch)
    {
        var hidden = layout.Dims.Hidden;
        if (node.Outputs.ElementAtOrDefault(output) is { } final)
        {
            w.For(batch, 0, layout.Dims.Batch, 1, () => w.Copy(
                () => PushStateRow(w, layout, context.Address(final), direction, batch),
                () => w.Get(batch).I32(hidden * 4).Op(Opcode.I32Mul).I32(state).Op(Opcode.I32Add), hidden * 4));
        }
    }

    /// <summary>The node's sizes and its scratch areas (byte offsets from the scratch start).</summary>
    internal sealed record Layout(RecurrentAttributes Attributes, RecurrentDimensions Dims, int GateColumns, bool HasCellState, bool ResetBeforeLinear,
        int Projection, int Gates, int Hidden, int Cell, int ResetHidden, long Bytes)
    {
        public static Layout Of(Node node)
        {
            var a = node.GetAttributes<RecurrentAttributes>();
            var op = (RecurrentOperator)node.Operator;
            var dims = op.Dimensions(a, node.Inputs[0]!.Shape!, node.Inputs[1]!.Shape!, node.Inputs[2]!.Shape!);
            var gates = op.GateCount * dims.Hidden;
            long offset = 0;
            int Area(long floats)
            {
                var start = offset;
                offset = PlanMemory.AlignUp(offset + floats * 4);
                return checked((int)start);
            }
            var projection = Area((long)dims.Sequence * dims.Batch * gates);
            var gateArea = Area((long)dims.Batch * gates);
            var hidden = Area((long)dims.Batch * dims.Hidden);
            var cell = Area((long)dims.Batch * dims.Hidden);
            var reset = Area((long)dims.Batch * dims.Hidden);
            return new Layout(a, dims, gates, op is LstmOperator, op is GruOperator && !a.LinearBeforeReset, projection, gateArea, hidden, cell, reset, offset);
        }
    }
}

/// <summary>
/// Locals pointing at one batch entry's rows during a time step: its projection row (time t), its recurrent gate
/// row, its hidden and cell state rows, and its row of Y at time t (when Y is wanted).
/// </summary>
internal sealed record RecurrentRows(uint Projection, uint Gates, uint Hidden, uint Cell, uint Output)
{
    public void Point(FunctionBuilder w, RecurrentKernel.Layout layout, int scratch, int direction, uint batch, uint time, int y)
    {
        var d = layout.Dims;
        // Projection row: (t B + b) in layout 0, (b T + t) in layout 1.
        if (layout.Attributes.Layout == 0)
        {
            w.Get(time).I32(d.Batch).Op(Opcode.I32Mul).Get(batch).Op(Opcode.I32Add);
        }
        else
        {
            w.Get(batch).I32(d.Sequence).Op(Opcode.I32Mul).Get(time).Op(Opcode.I32Add);
        }
        w.I32(layout.GateColumns * 4).Op(Opcode.I32Mul).I32(scratch + layout.Projection).Op(Opcode.I32Add).Set(Projection);
        w.Get(batch).I32(layout.GateColumns * 4).Op(Opcode.I32Mul).I32(scratch + layout.Gates).Op(Opcode.I32Add).Set(Gates);
        w.Get(batch).I32(d.Hidden * 4).Op(Opcode.I32Mul).Set(Hidden);
        w.Get(Hidden).I32(scratch + layout.Cell).Op(Opcode.I32Add).Set(Cell);
        w.Get(Hidden).I32(scratch + layout.Hidden).Op(Opcode.I32Add).Set(Hidden);
        if (y >= 0)
        {
            PointOutput(w, layout, direction, batch, time, y);
        }
    }

    /// <summary>Output = the address of Y's row for (time, direction, batch).</summary>
    public void PointOutput(FunctionBuilder w, RecurrentKernel.Layout layout, int direction, uint batch, uint time, int y)
    {
        var d = layout.Dims;
        if (layout.Attributes.Layout == 0)
        {
            // ((t D + d) B + b) H.
            w.Get(time).I32(d.Directions * d.Batch).Op(Opcode.I32Mul).Get(batch).Op(Opcode.I32Add).I32(direction * d.Batch).Op(Opcode.I32Add);
        }
        else
        {
            // ((b T + t) D + d) H.
            w.Get(batch).I32(d.Sequence).Op(Opcode.I32Mul).Get(time).Op(Opcode.I32Add).I32(d.Directions).Op(Opcode.I32Mul).I32(direction).Op(Opcode.I32Add);
        }
        w.I32(d.Hidden * 4).Op(Opcode.I32Mul).I32(y).Op(Opcode.I32Add).Set(Output);
    }
}
