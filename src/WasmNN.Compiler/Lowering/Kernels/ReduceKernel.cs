using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// The Reduce* operators over any set of axes (attribute, or a constant axes input), keepdims either way. The
/// input's dimensions are merged into alternating kept and reduced groups. When the last group is reduced its
/// elements are contiguous and are folded with an f32x4 accumulator, combined across lanes at the end; when it is
/// kept, four neighbouring outputs are reduced at once, one per lane. Each op is an identity, a combining step,
/// and optional maps before (|x|, x^2, e^x) and after (mean, sqrt, ln).
/// </summary>
internal sealed class ReduceKernel : IKernelLowering
{
    private sealed record Reduction(float Identity, Func<FunctionBuilder, Func<int, FunctionBuilder>> Combine, Action<FunctionBuilder, int>? Before = null, Action<FunctionBuilder, int, int>? After = null);

    private static readonly Dictionary<string, Reduction> s_reductions = new()
    {
        ["ReduceSum"] = new(0, w => w.Add),
        ["ReduceMean"] = new(0, w => w.Add, After: (w, n, count) => w.Constant(n, count).Div(n)),
        ["ReduceMax"] = new(float.NegativeInfinity, w => w.Max),
        ["ReduceMin"] = new(float.PositiveInfinity, w => w.Min),
        ["ReduceProd"] = new(1, w => w.Mul),
        ["ReduceSumSquare"] = new(0, w => w.Add, Before: Square),
        ["ReduceL1"] = new(0, w => w.Add, Before: (w, n) => w.Abs(n)),
        ["ReduceL2"] = new(0, w => w.Add, Before: Square, After: (w, n, _) => w.Op(n == 4 ? Opcode.F32x4Sqrt : Opcode.F32Sqrt)),
        ["ReduceLogSum"] = new(0, w => w.Add, After: (w, n, _) => w.Log(n)),
        ["ReduceLogSumExp"] = new(0, w => w.Add, Before: (w, n) => w.Exp(n), After: (w, n, _) => w.Log(n)),
    };

    public IEnumerable<string> OpTypes => s_reductions.Keys;

    /// <summary>float32 here; float64 in <see cref="Float64ReduceKernel"/>; other dtypes get this kernel's reason.</summary>
    public bool Covers(Node node) => node.Inputs[0]!.ElementType != DataType.Float64;

    public string? Unsupported(Node node)
    {
        var x = node.Inputs[0]!;
        if (x.ElementType != DataType.Float32)
        {
            return $"input is {x.ElementType}; kernels handle float32";
        }
        return UnsupportedAxes(node);
    }

    /// <summary>Why the node's axes or shape cannot be reduced (the axes input is not a constant, the input is empty), or null.</summary>
    public static string? UnsupportedAxes(Node node)
    {
        if (!node.GetAttributes<ReduceAttributes>().Axes.TryGet(node.Inputs, out _))
        {
            return "the axes input must be a constant";
        }
        return Shapes.ElementCount(node.Inputs[0]!.Shape!) == 0 ? "an empty input is not supported" : null;
    }

    /// <summary>Which of the input's dimensions the node reduces, or null when it copies its input (no axes, noop_with_empty_axes).</summary>
    public static bool[]? ReducedDimensions(Node node)
    {
        var a = node.GetAttributes<ReduceAttributes>();
        a.Axes.TryGet(node.Inputs, out var axes);
        var shape = node.Inputs[0]!.Shape!;
        if ((axes is null || axes.Length == 0) && a.NoopWithEmptyAxes)
        {
            return null;
        }
        var reduced = new bool[shape.Length];
        for (var d = 0; d < shape.Length; d++)
        {
            reduced[d] = axes is null || axes.Length == 0 || axes.Any(axis => Shapes.NormalizeAxis(axis, shape.Length) == d);
        }
        return reduced;
    }

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var x = node.Inputs[0]!;
        var shape = x.Shape!;
        int source = context.Address(x), destination = context.Address(node.Outputs[0]!);
        if (ReducedDimensions(node) is not { } reduced)
        {
            w.Copy(() => w.I32(destination), () => w.I32(source), Shapes.ElementCount(shape) * 4);
            return;
        }
        var groups = Group(shape, reduced);
        var count = groups.Where(g => g.Reduced).Aggregate(1, (p, g) => p * g.Size);
        var inputStrides = Shapes.Strides([.. groups.Select(g => g.Size)]).Select(s => s * 4).ToArray();
        var kept = groups.Select((g, i) => (g, i)).Where(p => !p.g.Reduced).Select(p => p.i).ToArray();
        var outputStrides = Shapes.Strides([.. kept.Select(i => groups[i].Size)]).Select(s => s * 4).ToArray();
        var emitter = new Emitter(w, s_reductions[node.OpType], count, source, destination);
        if (groups[^1].Reduced)
        {
            emitter.ContiguousReduction(groups, inputStrides, kept, outputStrides, context.Width);
        }
        else
        {
            emitter.LanePerOutput(groups, inputStrides, kept, outputStrides, context.Width);
        }
    }

    /// <summary>Adjacent dimensions of the same kind merged; size-1 dimensions dropped (at least one group remains).</summary>
    public static List<(int Size, bool Reduced)> Group(int[] shape, bool[] reduced)
    {
        var groups = new List<(int Size, bool Reduced)>();
        for (var d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1)
            {
                continue;
            }
            if (groups.Count > 0 && groups[^1].Reduced == reduced[d])
            {
                groups[^1] = (groups[^1].Size * shape[d], reduced[d]);
            }
            else
            {
                groups.Add((shape[d], reduced[d]));
            }
        }
        return groups.Count == 0 ? [(1, false)] : groups;
    }

    private static void Square(FunctionBuilder w, int n)
    {
        var value = w.VectorLocal(n);
        w.Tee(value).Get(value).Mul(n);
    }

    private sealed class Emitter(FunctionBuilder w, Reduction reduction, int count, int source, int destination)
    {
        private void Fold(int lanes, uint accumulator, Action pushAddress)
        {
            w.Get(accumulator);
            pushAddress();
            w.Load(lanes);
            reduction.Before?.Invoke(w, lanes);
            reduction.Combine(w)(lanes);
            w.Set(accumulator);
        }

        private void Finish(int lanes) => reduction.After?.Invoke(w, lanes, count);

        /// <summary>The last group is reduced: each output folds contiguous runs with a vector accumulator.</summary>
        public void ContiguousReduction(List<(int Size, bool Reduced)> groups, int[] inputStrides, int[] kept, int[] outputStrides, int width)
        {
            var outerReduced = Enumerable.Range(0, groups.Count - 1).Where(i => groups[i].Reduced).ToArray();
            var run = groups[^1].Size;
            var vector = w.VectorLocal(width);
            var scalar = w.Local(ValueType.F32);
            var rowBase = w.Local(ValueType.I32);
            var offset = w.Local(ValueType.I32);
            KernelLoops.Nest(w, [.. kept.Select(i => groups[i].Size)], keptCounters =>
            {
                w.Constant(width, reduction.Identity).Set(vector);
                w.Constant(1, reduction.Identity).Set(scalar);
                KernelLoops.Nest(w, [.. outerReduced.Select(i => groups[i].Size)], reducedCounters =>
                {
                    KernelLoops.PushAddress(w, source, [.. keptCounters, .. reducedCounters], [.. kept.Select(i => inputStrides[i]), .. outerReduced.Select(i => inputStrides[i])]);
                    w.Set(rowBase);
                    KernelLoops.Run(w, width, run, offset, lanes =>
                        Fold(lanes, lanes == width ? vector : scalar, () => w.Get(rowBase).Get(offset).Op(Opcode.I32Add)));
                });
                KernelLoops.PushAddress(w, destination, keptCounters, outputStrides);
                w.Horizontal(width, vector, reduction.Combine(w));
                w.Get(scalar);
                reduction.Combine(w)(1);
                Finish(1);
                w.Store(1);
            });
        }

        /// <summary>The last group is kept: neighbouring outputs are reduced together, one per lane.</summary>
        public void LanePerOutput(List<(int Size, bool Reduced)> groups, int[] inputStrides, int[] kept, int[] outputStrides, int width)
        {
            var outerKept = kept[..^1];
            var reducedGroups = Enumerable.Range(0, groups.Count).Where(i => groups[i].Reduced).ToArray();
            var run = groups[^1].Size;
            var offset = w.Local(ValueType.I32);
            var inputBase = w.Local(ValueType.I32);
            KernelLoops.Nest(w, [.. outerKept.Select(i => groups[i].Size)], keptCounters =>
            {
                KernelLoops.PushAddress(w, source, keptCounters, [.. outerKept.Select(i => inputStrides[i])]);
                w.Set(inputBase);
                KernelLoops.Run(w, width, run, offset, lanes =>
                {
                    var accumulator = w.VectorLocal(lanes);
                    w.Constant(lanes, reduction.Identity).Set(accumulator);
                    KernelLoops.Nest(w, [.. reducedGroups.Select(i => groups[i].Size)], reducedCounters => Fold(lanes, accumulator, () =>
                    {
                        KernelLoops.PushAddress(w, 0, reducedCounters, [.. reducedGroups.Select(i => inputStrides[i])]);
                        w.Get(inputBase).Op(Opcode.I32Add).Get(offset).Op(Opcode.I32Add);
                    }));
                    KernelLoops.PushAddress(w, destination, keptCounters, outputStrides[..^1]);
                    w.Get(offset).Op(Opcode.I32Add).Get(accumulator);
                    Finish(lanes);
                    w.Store(lanes);
                });
            });
        }
    }
}
