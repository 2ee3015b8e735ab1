using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// GridSample on 2-D float32 inputs, one output position at a time: the taps and weights of each axis are computed
/// once from the grid (in double, the steps of <see cref="GridSampleOperator.Taps"/>), then every channel sums its
/// weighted taps. Zeros padding gives an outside tap weight 0 and index 0, so no read leaves the plane.
/// </summary>
internal sealed class GridSampleKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["GridSample"];

    public string? Unsupported(Node node) => node.Epilogue.Count > 0 ? "a fused epilogue is not supported" : null;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<GridSampleAttributes>();
        var shape = node.Inputs[0]!.Shape!;
        var (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3]);
        var outputShape = node.Outputs[0]!.Shape!;
        var positions = outputShape[2] * outputShape[3];
        var (x, grid, y) = (context.Address(node.Inputs[0]!), context.Address(node.Inputs[1]!), context.Address(node.Outputs[0]!));
        var taps = a.Mode switch { GridSampleMode.Nearest => 1, GridSampleMode.Linear => 2, _ => 4 };
        var columns = new AxisTaps(w, taps);
        var rows = new AxisTaps(w, taps);
        var (channel, plane, sum) = (w.Local(ValueType.I32), w.Local(ValueType.I32), w.Local(ValueType.F64));
        KernelLoops.Nest(w, [batch, positions], c =>
        {
            KernelLoops.PushAddress(w, grid, c, [positions * 8, 8]);
            w.Memory(Opcode.F32Load).Op(Opcode.F64PromoteF32);
            columns.Emit(a, width, byteStride: 4);
            KernelLoops.PushAddress(w, grid, c, [positions * 8, 8]);
            w.Memory(Opcode.F32Load, 4).Op(Opcode.F64PromoteF32);
            rows.Emit(a, height, byteStride: width * 4);
            w.For(channel, 0, channels, 1, () =>
            {
                KernelLoops.PushAddress(w, x, [c[0], channel], [channels * height * width * 4, height * width * 4]);
                w.Set(plane);
                w.F64(0).Set(sum);
                for (var j = 0; j < taps; j++)
                {
                    for (var k = 0; k < taps; k++)
                    {
                        w.Get(sum).Get(rows.Weight[j]).Get(columns.Weight[k]).Op(Opcode.F64Mul);
                        w.Get(plane).Get(rows.Offset[j]).Op(Opcode.I32Add).Get(columns.Offset[k]).Op(Opcode.I32Add);
                        w.Memory(Opcode.F32Load).Op(Opcode.F64PromoteF32).Op(Opcode.F64Mul).Op(Opcode.F64Add).Set(sum);
                    }
                }
                KernelLoops.PushAddress(w, y, [c[0], channel, c[1]], [channels * positions * 4, positions * 4, 4]);
                w.Get(sum).Op(Opcode.F32DemoteF64).Memory(Opcode.F32Store);
            });
        });
    }

    /// <summary>The byte offsets and weights of one axis' taps, in locals.</summary>
    private sealed class AxisTaps(FunctionBuilder w, int count)
    {
        private readonly uint _x = w.Local(ValueType.F64);
        private readonly uint _t = w.Local(ValueType.F64);
        private readonly uint _first = w.Local(ValueType.I32);
        private readonly uint _index = w.Local(ValueType.I32);

        public uint[] Offset { get; } = [.. Enumerable.Range(0, count).Select(_ => w.Local(ValueType.I32))];

        public uint[] Weight { get; } = [.. Enumerable.Range(0, count).Select(_ => w.Local(ValueType.F64))];

        /// <summary>From the normalised coordinate (f64) on the stack, sets each tap's byte offset and weight.</summary>
        public void Emit(GridSampleAttributes a, int size, int byteStride)
        {
            // x = (g + 1)(size - 1) / 2 with align_corners, else ((g + 1) size - 1) / 2.
            w.F64(1).Op(Opcode.F64Add);
            if (a.AlignCorners)
            {
                w.F64(0.5).Op(Opcode.F64Mul).F64(size - 1).Op(Opcode.F64Mul);
            }
            else
            {
                w.F64(size).Op(Opcode.F64Mul).F64(1).Op(Opcode.F64Sub).F64(0.5).Op(Opcode.F64Mul);
            }
            if (a.Mode == GridSampleMode.Nearest)
            {
                w.Op(Opcode.F64Nearest);
            }
            w.Set(_x);
            var (low, high) = GridSampleOperator.Border(size, a.AlignCorners);
            if (a.PaddingMode == "border")
            {
                // Outside [low, high]: clamped to [0, size - 1].
                w.Get(_x).F64(0).Op(Opcode.F64Max).F64(size - 1).Op(Opcode.F64Min).Get(_x);
                PushOutside(low, high);
                w.Op(Opcode.Select).Set(_x);
            }
            else if (a.PaddingMode == "reflection")
            {
                w.Get(_x);
                Reflect(low, high);
                w.Set(_x);
            }
            if (a.Mode == GridSampleMode.Nearest)
            {
                w.Get(_x).Op(Opcode.I32TruncSatF64S).Set(_first);
                w.F64(1).Set(Weight[0]);
            }
            else
            {
                w.Get(_x).Get(_x).Op(Opcode.F64Floor).Op(Opcode.F64Sub).Set(_t);
                w.Get(_x).Op(Opcode.F64Floor).Op(Opcode.I32TruncSatF64S).I32(a.Mode == GridSampleMode.Cubic ? -1 : 0).Op(Opcode.I32Add).Set(_first);
                SetWeights(a.Mode);
            }
            for (var k = 0; k < count; k++)
            {
                w.Get(_first).I32(k).Op(Opcode.I32Add).Set(_index);
                switch (a.PaddingMode)
                {
                    case "zeros":
                        // Outside [0, size): weight 0, index 0.
                        w.F64(0).Get(Weight[k]).Get(_index).I32(size).Op(Opcode.I32GeU).Op(Opcode.Select).Set(Weight[k]);
                        w.I32(0).Get(_index).Get(_index).I32(size).Op(Opcode.I32GeU).Op(Opcode.Select).Set(_index);
                        break;
                    case "border":
                        w.MaxI32(() => w.I32(0), () => w.MinI32(() => w.Get(_index), () => w.I32(size - 1))).Set(_index);
                        break;
                    default:
                        w.Get(_index).Op(Opcode.F64ConvertI32S);
                        Reflect(low, high);
                        w.Op(Opcode.I32TruncSatF64S).Set(_index);
                        w.MaxI32(() => w.I32(0), () => w.MinI32(() => w.Get(_index), () => w.I32(size - 1))).Set(_index);
                        break;
                }
                w.Get(_index).I32(byteStride).Op(Opcode.I32Mul).Set(Offset[k]);
            }
        }

        /// <summary>Sets the linear (1 - t, t) or Keys cubic weights of the fraction t.</summary>
        private void SetWeights(GridSampleMode mode)
        {
            if (mode == GridSampleMode.Linear)
            {
                w.F64(1).Get(_t).Op(Opcode.F64Sub).Set(Weight[0]);
                w.Get(_t).Set(Weight[1]);
                return;
            }
            const double A = GridSampleOperator.CubicA;
            // Outer(d) = ((A d - 5A) d + 8A) d - 4A at d = t + 1 and 2 - t; Inner(d) = ((A + 2) d - (A + 3)) d^2 + 1 at t and 1 - t.
            void Distance(bool fromOne, double offset)
            {
                if (fromOne)
                {
                    w.F64(offset).Get(_t).Op(Opcode.F64Sub);
                }
                else
                {
                    w.Get(_t).F64(offset).Op(Opcode.F64Add);
                }
            }
            var d = w.Local(ValueType.F64);
            foreach (var (k, fromOne, offset, outer) in new[] { (0, false, 1.0, true), (1, false, 0.0, false), (2, true, 1.0, false), (3, true, 2.0, true) })
            {
                Distance(fromOne, offset);
                w.Set(d);
                if (outer)
                {
                    w.F64(A).Get(d).Op(Opcode.F64Mul).F64(5 * A).Op(Opcode.F64Sub).Get(d).Op(Opcode.F64Mul).F64(8 * A).Op(Opcode.F64Add)
                        .Get(d).Op(Opcode.F64Mul).F64(4 * A).Op(Opcode.F64Sub);
                }
                else
                {
                    w.F64(A + 2).Get(d).Op(Opcode.F64Mul).F64(A + 3).Op(Opcode.F64Sub).Get(d).Op(Opcode.F64Mul).Get(d).Op(Opcode.F64Mul).F64(1).Op(Opcode.F64Add);
                }
                w.Set(Weight[k]);
            }
        }

        /// <summary>Pushes whether local x lies outside [low, high] (an i32).</summary>
        private void PushOutside(double low, double high) =>
            w.Get(_x).F64(low).Op(Opcode.F64Lt).Get(_x).F64(high).Op(Opcode.F64Gt).Op(Opcode.I32Or);

        /// <summary>Replaces the f64 on the stack by its reflection into [low, high] (<see cref="GridSampleOperator.Reflect"/>).</summary>
        private void Reflect(double low, double high)
        {
            var (v, dx, r, below, even) = (w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.F64), w.Local(ValueType.I32), w.Local(ValueType.I32));
            var range = high - low;
            w.Set(v);
            if (range <= 0)
            {
                w.F64(low).Get(v).Get(v).F64(low).Op(Opcode.F64Lt).Get(v).F64(high).Op(Opcode.F64Gt).Op(Opcode.I32Or).Op(Opcode.Select);
                return;
            }
            w.Get(v).F64(low).Op(Opcode.F64Lt).Set(below);
            w.F64(low).Get(v).Op(Opcode.F64Sub).Get(v).F64(high).Op(Opcode.F64Sub).Get(below).Op(Opcode.Select).Set(dx);
            // flips = trunc(dx / range); r = dx - flips * range; even flips keep the near border.
            var flips = w.Local(ValueType.F64);
            w.Get(dx).F64(range).Op(Opcode.F64Div).Op(Opcode.F64Trunc).Set(flips);
            w.Get(dx).Get(flips).F64(range).Op(Opcode.F64Mul).Op(Opcode.F64Sub).Set(r);
            w.Get(flips).F64(0.5).Op(Opcode.F64Mul).Get(flips).F64(0.5).Op(Opcode.F64Mul).Op(Opcode.F64Floor).Op(Opcode.F64Eq).Set(even);
            // Outside the range: below == even ? low + r : high - r; inside: the value itself.
            w.F64(low).Get(r).Op(Opcode.F64Add).F64(high).Get(r).Op(Opcode.F64Sub).Get(below).Get(even).Op(Opcode.I32Eq).Op(Opcode.Select);
            w.Get(v);
            w.Get(v).F64(low).Op(Opcode.F64Lt).Get(v).F64(high).Op(Opcode.F64Gt).Op(Opcode.I32Or).Op(Opcode.Select);
        }
    }
}
